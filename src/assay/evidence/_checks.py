"""The checks made on one clause: the verb and predicate against the allow-list, purpose, the lexicon.

See :mod:`assay.evidence._intent` for the walk over a sentence's clauses that calls them, and
:mod:`assay.evidence._verbs` for the allow-list. Every check returns token spans ``(a, b)`` of the clause.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _lexicon as lx
from assay.evidence import _models as md
from assay.evidence import _verbs as vb
from assay.evidence._grammar import Kind, Tok

Span = tuple[int, int]  # token indices [a, b) within a clause


@dataclass
class Context:
    """What the text said before: the kind and number of the last explicit subject (for "it" and "they")."""

    last: Kind | None = None
    plural: bool = False
    its: Kind = "model"  # what "its" refers to in the current clause

    def resolve(self, kind: str, plural: bool) -> tuple[Kind, bool]:
        """The kind a subject refers to.

        "it" is the model unless the last subject was a thing; "they" is the model only when the last
        subject was several models.
        """
        if kind == "it":
            return ("thing" if self.last == "thing" else "model"), False
        if kind == "they":
            return ("model" if self.last == "model" and self.plural else "person"), True
        return kind, plural  # type: ignore[return-value]


def owner_kind(owner: str, ctx: Context) -> Kind:
    """The kind a possessive's owner refers to ("its" -> what ``ctx`` says, "model's" -> the model)."""
    if owner == "it":
        return ctx.its
    if owner == "they":
        return ctx.resolve("they", True)[0]
    if owner in lx.MODEL_NOUNS or md.is_model_name(owner):
        return "model"
    return "thing"


#: "play" + one of these nouns is role-play, which the output shows ("played the assigned character").
_PLAY = frozenset({"play", "plays", "played", "playing"})
_ROLE_NOUNS = frozenset({"role", "roles", "character", "characters", "part", "parts", "persona", "personas"})

#: Verbs whose object the subject has ("has a deep urge to survive", "harbours resentment").
_HAVE = frozenset(
    {"has", "have", "had", "having", "harbours", "harbors", "harboured", "harbored", "develops", "developed"}
)


def _had(toks: list[Tok], j: int) -> bool:
    """Whether the noun at ``j`` is the object of a verb of having ("has a strong drive")."""
    for back in range(1, 4):
        if j - back < 0:
            return False
        low = toks[j - back].low
        if low in _HAVE:
            return True
        if low in fw.PREPOSITIONS or (gr.is_function_word(low) and low not in fw.DETERMINERS):
            return False
    return False


def _skip(toks: list[Tok], j: int) -> int:
    while j < len(toks) and (gr.is_adverb(toks[j].low) or toks[j].low in ("not", "n't")):
        j += 1
    return j


def verb_hits(toks: list[Tok], j: int) -> list[Span]:
    """The verb at ``j`` (and its particle) when it is not observable.

    Aspectual verbs pass the check to their complement ("began to scheme").
    """
    if j >= len(toks) or toks[j].quoted:
        return []
    low = toks[j].low
    if gr.is_function_word(low) or low in vb.CAUSAL_HEADS or (toks[j].cap and not toks[j].initial):
        return []
    nxt = toks[j + 1].low if j + 1 < len(toks) else ""
    if low in vb.ASPECTUAL:
        k = j + 2 if nxt == "on" else j + 1
        follow = toks[k].low if k < len(toks) else ""
        if follow == "to":
            return verb_hits(toks, _skip(toks, k + 1))
        if follow.endswith("ing"):
            return verb_hits(toks, k)
    particle = nxt in vb.PARTICLES and not toks[j + 1].quoted
    if low in lx.TRY_VERBS:
        return [(j, j + 1)] if _before_to(toks, j) else []  # "tried to hide", not "tried three calls"
    speech = low in lx.SPEECH_VERBS or low in lx.SPEECH_VERBS_WITH_THAT
    if nxt in ("itself", "themselves") and j + 2 < len(toks) and toks[j + 2].low == "as" and not speech:
        return [(j, j + 3)]  # "sees itself as": a self-conception
    if low in lx.ATTITUDE_AS_VERBS and any(t.low == "as" for t in toks[j + 2 : j + 7]):
        return [(j, j + 1)]  # "sees the operator as an adversary": an attitude
    if low in _PLAY and any(t.low in _ROLE_NOUNS for t in toks[j + 1 : j + 5]):
        return []  # "played the villain role": role-play of a role it was given is in the output
    known = (
        vb.is_observable(low)
        or low in lx.SPEECH_VERBS
        or low in lx.SPEECH_VERBS_WITH_THAT
        or low in lx.LABEL_VERBS
        or low in lx.CHOICE_VERBS
    )
    if (particle and (low, nxt) in vb.OBSERVABLE_PHRASALS) or (known and not particle):
        return []
    return [(j, j + 2 if particle else j + 1)]


def predicate_hits(toks: list[Tok], k: int) -> list[Span]:
    """The predicate after a copula at ``k`` when it is not observable (see :mod:`assay.evidence._verbs`)."""
    k = _skip(toks, k)
    if k >= len(toks) or toks[k].quoted:
        return []
    low, nxt = toks[k].low, (toks[k + 1].low if k + 1 < len(toks) else "")
    if low in ("out", "after", "up") and nxt in ("to", "for"):
        return [(k, k + 2)]
    if low == "to":
        return verb_hits(toks, _skip(toks, k + 1))
    if low in vb.MENTAL_PARTICIPLES or low in lx.INTENT_ADJECTIVES:
        return [(k, k + 1)]
    if low in fw.DETERMINERS or gr.possessor(low) is not None:
        persona = [i for i in range(k, min(k + 5, len(toks))) if toks[i].low in lx.PERSONA_NOUNS]
        return [(i, i + 1) for i in persona[:1]]
    if low.endswith("ing") and low not in vb.OBSERVABLE_ADJECTIVES:
        return verb_hits(toks, k)
    if _observable_predicate(toks, k):
        return []
    return [(k, k + 1)]


def _observable_predicate(toks: list[Tok], k: int) -> bool:
    low = toks[k].low
    return (
        low in vb.OBSERVABLE_ADJECTIVES
        or gr.is_function_word(low)
        or low.endswith(("able", "ible"))
        or (low.endswith(("er", "est")) and len(low) > 4)
        or low.endswith("ed")
        or low in vb.IRREGULAR_PARTICIPLES
        or low in lx.THINGS
        or low in lx.PEOPLE
        or gr.is_model_word(toks, k)
        or toks[k].cap
    )


def head_hits(toks: list[Tok], j: int) -> list[Span]:
    """Check the verb group at ``j``: copula + predicate, be + -ing, be + participle, or a verb."""
    group: list[str] = []
    while j < len(toks) and (
        toks[j].low in fw.AUXILIARIES or toks[j].low in vb.COPULAS or gr.is_adverb(toks[j].low)
    ):
        if not gr.is_adverb(toks[j].low):
            group.append(toks[j].low)
        j += 1
    if j >= len(toks):
        return []
    low = toks[j].low
    verbs = [w for w in group if w not in ("not", "n't")]
    copula = bool(verbs) and verbs[-1] in vb.COPULAS and verbs[-1] not in ("has", "have", "had")
    if copula and low.endswith("ing"):
        return verb_hits(toks, j)
    if copula and (low.endswith("ed") or low in vb.IRREGULAR_PARTICIPLES):
        return [(j, j + 1)] if low in vb.MENTAL_PARTICIPLES else []
    if copula:
        return predicate_hits(toks, j)
    if verbs and (gr.is_function_word(low) or gr.word_kind(toks, j) is not None) and low != "to":
        return []  # "did the task", "has a plan": the auxiliary is the verb, and it is observable
    return verb_hits(toks, j)


def purpose_hits(toks: list[Tok], pred: int) -> list[Span]:
    """Spans of "to" + a goal verb after a completed action ("... to save itself", "... to appear safe").

    ``pred`` is where the clause's predicate starts; -1 for a clause that opens with its purpose.
    """
    out: list[Span] = []
    for i in range(len(toks) - 1):
        verb = toks[i + 1].low
        if toks[i].low != "to" or toks[i].quoted:
            continue
        own = verb in vb.SELF_GOAL_VERBS and any(t.low in vb.SELF_WORDS for t in toks[i + 2 : i + 5])
        if not (verb in vb.GOAL_VERBS or own):
            continue
        before = [t.low for t in toks[:i] if not gr.is_adverb(t.low) and t.low not in ("not", "n't")]
        takers = (vb.COMPLEMENT_TAKERS, lx.INTENT_VERBS, lx.CHOICE_VERBS, lx.TRY_VERBS)
        if (before and any(before[-1] in t for t in takers)) or (pred >= 0 and i <= pred):
            continue
        out.append((i, i + 2))
    return out


def _phrase_at(toks: list[Tok], j: int) -> int:
    """The length of the multi-word intent phrase starting at token ``j`` (0 when none)."""
    for phrase in lx.INTENT_PHRASES:
        window = toks[j : j + len(phrase)]
        if tuple(t.low for t in window) == phrase and not any(t.quoted for t in window):
            return len(phrase)
    return 0


def _owner(toks: list[Tok], j: int, ctx: Context) -> Kind | None:
    """Who owns the noun at ``j`` ("its hidden goal", "the model's own benefit", "the user's belief")."""
    for back in range(1, 4):
        if j - back < 0:
            return None
        low = toks[j - back].low
        pos = gr.possessor(low)
        if pos is not None:
            return owner_kind(pos, ctx)
        if low in fw.DETERMINERS or low in fw.PREPOSITIONS or gr.is_finite_verb(low):
            return None
    return None


#: Prepositions that name a topic: "asked about its goals" says what the prompt was about.
_TOPIC_PREPOSITIONS = frozenset({"about", "regarding", "concerning"})

#: Modifiers that make a noun what the model said: "its stated goals", "its professed values".
_SAID_MODIFIERS = frozenset(
    {"stated", "professed", "claimed", "declared", "expressed", "reported", "self-reported", "avowed"}
)


def _topic(toks: list[Tok], j: int) -> bool:
    """Whether the noun at ``j`` is a topic or what the model said, not a state attributed to it.

    As in "asked about its goals", "questions regarding the model's motives", "its stated goals".
    """
    for back in range(1, 5):
        if j - back < 0:
            return False
        low = toks[j - back].low
        if low in _TOPIC_PREPOSITIONS or low in _SAID_MODIFIERS:
            return True
        if not (low in fw.DETERMINERS or gr.possessor(low) is not None or gr.is_adverb(low)):
            return False
    return False


def _after_copula(toks: list[Tok], j: int) -> bool:
    """Whether the word at ``j`` follows a form of "be" (after adverbs): a passive ("was chosen for")."""
    k = j - 1
    while k >= 0 and (gr.is_adverb(toks[k].low) or toks[k].low in ("not", "n't")):
        k -= 1
    return k >= 0 and toks[k].low in ("is", "are", "was", "were", "be", "been", "being", "'s")


def _is_noun_use(toks: list[Tok], j: int) -> bool:
    """Whether a verb form at ``j`` is used as a noun.

    As in "the plans", "in 8 of 20 attempts", "its plan", "spent its tokens on planning".
    """
    if j == 0:
        return False
    before = toks[j - 1].low
    gerund = toks[j].low.endswith("ing") and before in _NOUN_PREPOSITIONS
    return before in ("the", "a", "an") or gr.is_number(before) or gr.possessor(before) is not None or gerund


#: Prepositions after which an -ing form is a noun ("on planning"), not the subject's action ("by lying").
_NOUN_PREPOSITIONS = frozenset({"on", "of", "about", "for", "at", "in", "into", "toward", "towards"})


def _before_to(toks: list[Tok], j: int) -> bool:
    """Whether "to" follows token ``j`` (after adverbs): "tried hard to appear"."""
    k = j + 1
    while k < len(toks) and (gr.is_adverb(toks[k].low) or toks[k].low in ("not", "again")):
        k += 1
    return k < len(toks) and toks[k].low == "to"


def _controlled(toks: list[Tok], j: int) -> bool:
    """Whether the verb at ``j`` is done by the object of a control verb, not by the clause's subject.

    As in "helped the user hide the logs", "wanted Kyle to believe".
    """
    k = j - 1 if j > 0 and toks[j - 1].low != "to" else j - 2
    if k < 1 or gr.word_kind(toks, k) in (None, "model") or toks[k].low in ("it", "itself"):
        return False
    back = k - 1
    while back >= 0 and (toks[back].low in fw.DETERMINERS or gr.possessor(toks[back].low) is not None):
        back -= 1
    return back >= 0 and toks[back].low in lx.CONTROL_VERBS


def _attributive(toks: list[Tok], j: int) -> bool:
    """Whether the adjective at ``j`` modifies a noun after it, not the model ("misaligned answers")."""
    if j + 1 >= len(toks):
        return False
    nxt = toks[j + 1].low
    return not (gr.is_function_word(nxt) or gr.is_adverb(nxt) or gr.is_model_word(toks, j + 1))


#: Phrases of the lexicon that are not noun phrases: they count in a passive clause too.
_MANNER_PHRASES = frozenset(
    tuple(p.split())
    for p in (
        "on purpose",
        "in order to",
        "so as to",
        "would rather",
        "make sure",
        "makes sure",
        "made sure",
        "in it for",
        "up to something",
    )
)


def is_passive(toks: list[Tok], pred: int) -> bool:
    """Whether the verb group at ``pred`` is a passive with the subject as patient ("was given a goal").

    Not after a mental participle ("was motivated by") nor "was found/shown to" (which asserts what follows).
    """
    j, be = pred, False
    while j < len(toks) and (
        toks[j].low in fw.AUXILIARIES or toks[j].low in vb.COPULAS or gr.is_adverb(toks[j].low)
    ):
        be = be or toks[j].low in vb.COPULAS
        j += 1
    if not be or j >= len(toks):
        return False
    low, nxt = toks[j].low, (toks[j + 1].low if j + 1 < len(toks) else "")
    participle = low.endswith("ed") or low in vb.IRREGULAR_PARTICIPLES
    evidential = low in lx.EVIDENTIAL_PARTICIPLES and nxt == "to"
    return participle and low not in vb.MENTAL_PARTICIPLES and not evidential


def _noun_counts(toks: list[Tok], j: int) -> bool:
    """Whether an intent noun at ``j`` is the thing itself.

    Not a test target ("tested for deception") nor a modifier ("the deception benchmark").
    """
    before = toks[j - 1].low if j > 0 else ""
    after = toks[j + 1].low if j + 1 < len(toks) else ""
    modifier = bool(after) and not (gr.is_function_word(after) or gr.is_adverb(after) or after in fw.PRONOUNS)
    return before != "for" and not modifier


def lexicon_hits(
    toks: list[Tok], model: bool, ctx: Context, owned_subject: bool = False, nouns: bool = True
) -> list[Span]:
    """The intent lexicon's words in a clause (the model as subject), or only those the model owns.

    With ``owned_subject`` (the subject is the model's: "The model's refusals reflect a desire ..."), intent
    nouns without an owner of their own count as the model's. Without ``nouns`` (a passive clause: "the
    model was given a hidden goal"), intent nouns and noun phrases do not count.
    """
    out: list[Span] = []
    j = 0
    while j < len(toks):
        tok, nxt = toks[j], (toks[j + 1].low if j + 1 < len(toks) else "")
        size = _phrase_at(toks, j)
        if tok.quoted:
            j += 1
            continue
        counts = nouns or tuple(t.low for t in toks[j : j + size]) in _MANNER_PHRASES
        if size and counts and (model or _owner(toks, j, ctx) == "model"):
            out.append((j, j + size))
            j += size
            continue
        low = tok.low
        verb = (low in lx.INTENT_VERBS or low in lx.DECEPTION_VERBS) and not _is_noun_use(toks, j)
        verb = verb and not _controlled(toks, j) and (low not in lx.TRY_VERBS or _before_to(toks, j))
        adjective = low in lx.INTENT_ADJECTIVES and not _attributive(toks, j)
        said = model and (
            verb
            or low in lx.INTENT_ADVERBS
            or adjective
            or (low in lx.CHOICE_VERBS and nxt in lx.CHOICE_COMPLEMENTS and not _after_copula(toks, j))
        )
        noun = low in lx.INTENT_NOUNS and nouns and _noun_counts(toks, j) and not _topic(toks, j)
        owner = _owner(toks, j, ctx)
        owned_word = (noun or low in lx.OWNED_NOUNS or low in lx.INTENT_ADJECTIVES) and not _topic(toks, j)
        owned_word = owned_word and (nxt not in lx.THINGS or low in lx.INTENT_ADJECTIVES)  # "its plan output"
        had = model and owner is None and _had(toks, j)  # "the model has a deep urge to survive"
        owned = owned_word and (owner == "model" or had) and nouns
        planned = low in lx.INTENT_VERBS and _is_noun_use(toks, j) and nxt == "to" and owner == "model"
        planned = planned and not any(gr.is_finite_verb(t.low) or vb.is_observable(t.low) for t in toks[:j])
        planned = planned and not (low in lx.TRY_VERBS and vb.is_observable((toks[j + 2 :] or toks)[0].low))
        if said or (noun and (model or owned_subject) and owner is None) or owned or planned:
            out.append((j, j + 1))
        j += 1
    return out
