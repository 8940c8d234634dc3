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
from assay.evidence import _phrases as ph
from assay.evidence import _verbs as vb
from assay.evidence._grammar import Kind, Tok

Span = tuple[int, int]  # token indices [a, b) within a clause


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass
class Context:
    """What the text said before: the kind and number of the last explicit subject (for "it" and "they")."""

    last: Kind | None = None
    plural: bool = False
    its: Kind = "model"  # what "its" refers to in the current clause
    lean: bool = True  # whether an unknown noun as subject leans to the model ("the replica bides its time")

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
    if owner in lx.MODEL_NOUNS or md.is_model_name(owner) or owner in md.CONDITIONAL_MODEL_NOUNS:
        return "model"  # "the policy's aim", "the snapshot's goal"
    return "thing"


#: "play" + one of these nouns is role-play, which the output shows ("played the assigned character").
_PLAY = frozenset({"play", "plays", "played", "playing"})
_ROLE_NOUNS = _words(
    """
    role roles character characters part parts persona personas villain villains hero heroes heroine
    narrator spy detective called named chess poker checkers sudoku tic-tac-toe
    """
)

#: "keep" or "hold" with a thing as object is observable ("kept its answers short", "held the lock"), unlike
#: "kept the user in the dark" or "holds a grudge".
_KEEP = frozenset({"keep", "keeps", "kept", "keeping", "hold", "holds", "held", "holding"})

#: Verbs that link to an observable adjective ("went offline", "sat idle"), unlike "went rogue".
_LINKING = _words(
    """
    go goes went gone going sit sits sat sitting fall falls fell fallen falling
    """
)


#: "wait for" a thing is observable ("waited for the tool call"), not for a trigger or a moment.
_WAIT = frozenset({"wait", "waits", "waited", "waiting"})
_AWAITED = frozenset({"trigger", "triggers", "moment", "chance", "opportunity", "deployment"})


def _object_is_a_thing(toks: list[Tok], j: int) -> bool:
    obj = gr.read_phrase(toks, j) if j < len(toks) else None
    head = toks[obj.head].low if obj is not None and obj.head >= 0 else ""
    if obj is not None and obj.end < len(toks) and toks[obj.end].low in lx.THINGS and head not in lx.THINGS:
        head = toks[obj.end].low  # "kept its original answer": the read stopped at a modifier
    return head in lx.THINGS and head not in _AWAITED


#: Degree words before a predicate adjective ("so eager", "too proud", "very keen").
_DEGREE = frozenset(
    {
        "so",
        "too",
        "very",
        "quite",
        "rather",
        "more",
        "less",
        "most",
        "increasingly",
        "all",
        "way",
        "kinda",
        "super",
    }
)


#: Measurement nouns: a word before one is its modifier in a terse report field ("refusal rate env A 3%").
_MEASURES = frozenset({"rate", "rates", "score", "scores", "accuracy", "count", "counts", "ratio", "share"})


#: Statistic symbols that label the figure after them ("sign-flip p 0.14", "n 32").
_STATISTICS = frozenset({"p", "n", "k", "r", "t", "z", "d", "q"})


def _labels_a_figure(toks: list[Tok], j: int) -> bool:
    """Whether the word at ``j`` labels a figure in a list ("partial 31/32", "sign-flip p=0.14").

    A figure right after the word, or a statistic symbol and then a figure: a row name or a test's name in
    a table of results, not a verb the model is the subject of.
    """
    nxt = nxt_low(toks, j)
    return gr.is_number(nxt) or (nxt in _STATISTICS and gr.is_number(nxt_low(toks, j + 1)))


def nxt_low(toks: list[Tok], j: int) -> str:
    """The lower-cased token after ``j`` ("" at the end)."""
    return toks[j + 1].low if j + 1 < len(toks) else ""


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
    nxt = nxt_low(toks, j)
    if low in fw.INTERJECTIONS or nxt in _MEASURES or _labels_a_figure(toks, j):
        return []  # "but nope, it wrote ...", "ckpt-0419 refusal rate 3%", "partial 31/32": no verb
    if is_compound(low):
        return []  # "rule-of-three", "end-to-end", "best-of-n": a noun or modifier, never a verb
    if low in vb.ASPECTUAL:
        k = j + 2 if nxt == "on" else j + 1
        follow = toks[k].low if k < len(toks) else ""
        if follow == "to":
            return verb_hits(toks, _skip(toks, k + 1))
        if follow.endswith("ing"):
            return verb_hits(toks, k)
    particle = nxt in vb.PARTICLES and not toks[j + 1].quoted
    if low in lx.TRY_VERBS:
        return [(j, j + 1)] if before_to(toks, j) else []  # "tried to hide", not "tried three calls"
    speech = low in lx.SPEECH_VERBS or low in lx.SPEECH_VERBS_WITH_THAT
    if nxt in ("itself", "themselves") and j + 2 < len(toks) and toks[j + 2].low == "as" and not speech:
        return [(j, j + 3)]  # "sees itself as": a self-conception
    mind = _mind_on_itself(toks, j)
    if mind is not None:
        return [mind]
    by_object = _object_reading(toks, j)
    if by_object is not None:
        return by_object
    along = next((k for k in range(j + 2, min(j + 5, len(toks))) if toks[k].low == "along"), None)
    if not particle and along is not None and (along + 1 == len(toks) or toks[along + 1].low != "with"):
        return [(j, j + 1)]  # "stringing the operator along": a phrasal verb split by its object
    known = (
        vb.is_observable(low)
        or low in lx.SPEECH_VERBS
        or low in lx.SPEECH_VERBS_WITH_THAT
        or low in lx.LABEL_VERBS
        or low in lx.CHOICE_VERBS
    )
    on = nxt == "up" and j + 2 < len(toks) and toks[j + 2].low == "on"  # "picked up on the cue": noticing
    literal = (
        particle and not on and ((low, nxt) in vb.OBSERVABLE_PHRASALS or low in vb.LITERAL_WITH_PARTICLE)
    )
    stopped = (low, nxt) in vb.STOPPING_PHRASALS and (j + 2 >= len(toks) or toks[j + 2].low != "on")
    literal = literal or stopped  # "gave up after two steps", not "gave up on honesty"
    if literal or (known and not particle):
        return []
    return [(j, j + 2 if particle else j + 1)]


#: Forms of "play" that pretend with an adjective ("played dumb", "plays innocent").
_PLAY = frozenset({"play", "plays", "played", "playing"})
#: What a pretence with "play" pretends to be.
_PLAYED = frozenset(
    {"dumb", "innocent", "coy", "stupid", "naive", "ignorant", "possum", "hard-to-get", "nice"}
)


def _mind_on_itself(toks: list[Tok], j: int) -> Span | None:
    """A verb the subject turns on its own mind, or a pretence with "play" + an adjective.

    "convinced itself that", "talked itself into believing", "told itself that", "took it upon itself",
    "played dumb"; not "copied itself into the bucket" (an action on itself, no clause or -ing after).
    """
    after = [t.low for t in toks[j + 1 : j + 5]]
    if toks[j].low in _PLAY and after[:1] and after[0] in _PLAYED:
        return (j, j + 2)
    if after[:3] == ["it", "upon", "itself"] or after[:2] == ["upon", "itself"]:
        return (j, j + 2 + after.index("itself"))
    if not after or after[0] not in ("itself", "themselves") or len(after) < 2:
        return None
    turned = after[1] == "that" or (after[1] == "into" and after[2:3] and after[2].endswith("ing"))
    return (j, j + 2) if turned else None


def _object_reading(toks: list[Tok], j: int) -> list[Span] | None:
    """The verb at ``j`` read with its object, or ``None`` when the object does not decide it.

    An attitude ("sees the operator as an adversary", not "treats the tool result as plain text"), role-play
    ("played a spy called Rex"), and *keep* or *wait for* with a thing ("kept its answers short", "waited for
    the tool call to return"; not "kept the user in the dark", "waits for the trigger").
    """
    low = toks[j].low
    nxt = nxt_low(toks, j)
    as_at = next((k for k in range(j + 2, min(j + 7, len(toks))) if toks[k].low == "as"), None)
    if low in lx.ATTITUDE_AS_VERBS and as_at is not None:
        if any(t.low in ph.PROCESSING_NOUNS for t in toks[as_at + 1 : as_at + 4]):
            return []  # "treats the tool result as plain text": how it handles its input
        return [(j, j + 1)]  # "sees the operator as an adversary": an attitude
    role = nxt in ("a", "an") and not any(t.low in lx.PRETENCE_NOUNS for t in toks[j + 2 : j + 5])
    if low in _PLAY and (role or any(t.low in _ROLE_NOUNS for t in toks[j + 1 : j + 5])):
        return []  # "played the villain role", "played a spy called Rex": role-play, in the output
    if low in _KEEP and _object_is_a_thing(toks, j + 1):
        return []  # "kept its answers short", "held the lock"
    if low in _LINKING and nxt in vb.OBSERVABLE_ADJECTIVES:
        return []  # "went offline", "sat idle"
    after = nxt_low(toks, j + 1)  # "" when "waited for" ends the sentence
    if low in _WAIT and nxt == "for" and after and (_object_is_a_thing(toks, j + 2) or gr.is_number(after)):
        return []
    return None


def is_compound(low: str) -> bool:
    """Whether a hyphenated word has a function word inside: a technical or statistical compound.

    "rule-of-three", "out-of-distribution", "end-to-end", "state-of-the-art", "plan-and-execute".
    """
    parts = low.split("-")
    return len(parts) > 2 and any(p in _INNER for p in parts[1:-1])


#: Function words inside a hyphenated compound ("rule-of-three", "one-in-ten", "plan-and-execute").
_INNER = frozenset({"of", "in", "to", "and", "or", "the", "a", "on", "for", "per", "by", "at", "vs"})


def predicate_hits(toks: list[Tok], k: int) -> list[Span]:
    """The predicate after a copula at ``k`` when it is not observable (see :mod:`assay.evidence._verbs`)."""
    k = _skip(toks, k)
    while k + 1 < len(toks) and toks[k].low in _DEGREE and not toks[k].quoted:
        k = _skip(toks, k + 1)  # "was so eager to please"
    if k >= len(toks) or toks[k].quoted:
        return []
    low, nxt = toks[k].low, nxt_low(toks, k)
    if is_compound(low):
        return []  # "is state-of-the-art on ...", "was out-of-distribution"
    if low in ("out", "after", "up") and nxt in ("to", "for"):
        return [(k, k + 2)]
    if gr.is_number(low) and nxt.endswith("ing"):
        return verb_hits(toks, k + 1)  # "is 100% sandbagging"
    if low in _TOUGH and nxt == "to":
        return []  # "is hard to interpret": the subject is what is interpreted, no one's mind
    if low == "to" and nxt == "be":
        return predicate_hits(toks, k + 2)  # "seems to be angry"
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
        or low in ("something", "nothing", "anything", "everything")
        or gr.is_model_word(toks, k)
        or toks[k].cap
    )


_DO = frozenset({"do", "does", "did"})
#: Adjectives of difficulty before "to" ("hard to interpret"): about the task, not a mind.
_TOUGH = frozenset(
    {"hard", "easy", "difficult", "tough", "tricky", "impossible", "simple", "straightforward"}
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
    if verbs and verbs[-1] in _DO and low in ("like", "mind"):
        return [(j, j + 1)]  # "doesn't like being told": "like" is the verb, not a preposition
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


def before_to(toks: list[Tok], j: int) -> bool:
    """Whether "to" follows token ``j`` (after adverbs): "tried hard to appear"."""
    k = j + 1
    while k < len(toks) and (gr.is_adverb(toks[k].low) or toks[k].low in ("not", "again", "hard")):
        k += 1
    return k < len(toks) and toks[k].low == "to"


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
    low, nxt = toks[j].low, nxt_low(toks, j)
    participle = low.endswith("ed") or low in vb.IRREGULAR_PARTICIPLES
    evidential = low in lx.EVIDENTIAL_PARTICIPLES and nxt == "to"
    return participle and low not in vb.MENTAL_PARTICIPLES and not evidential
