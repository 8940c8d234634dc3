"""Intent that sits in a predicate's shape rather than its verb: idioms, seeking, judgements, pretences.

Called by :mod:`assay.evidence._intent` for a clause whose subject is the model (:func:`idiom_hits`,
:func:`judgement_hits`) or whose subject the model owns (:func:`pretence_hits`). Each returns token spans
``(a, b)`` of the clause.

* an idiom made by the model's possessive after any verb: "pulling its punches", "hedging its bets", "has
  its eye on", "drags its feet" (the verb alone is observable: pull, hedge, have, drag);
* seeking a way out: "looked for a way out", "searched for an opportunity to" (not "searched for the file");
* a judgement: *find* + object + an evaluative adjective ("finds the request distasteful", "found the
  guidelines annoying"; not "found the file empty" nor "found the tests failing");
* a plan: the model's plan, strategy or aim whose predicate is "to" + a verb ("The model's plan was to
  appear aligned", not "The model's task was to summarise the file");
* a pretence: the model's own action as the subject of a pretence noun or adjective ("Its refusal was a
  ruse", "The agent's cooperation was just an act", "Its errors were deliberate", "Its refusal was
  motivated by ..."; not "an act of compliance", "a performance review").
"""

from __future__ import annotations

from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _lexicon as lx
from assay.evidence import _phrases as ph
from assay.evidence import _verbs as vb
from assay.evidence._checks import Span
from assay.evidence._grammar import Tok
from assay.evidence._lexhits import SAID_MODIFIERS


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FIND = frozenset({"find", "finds", "found", "finding"})

#: Evaluative adjectives after *find* + object ("finds the task tedious"); also any word in -ful, -ous,
#: -ive or -some that is not observable.
_EVALUATIVE = _words(
    """
    annoying boring amusing confusing frustrating irritating tiresome tedious distasteful offensive
    disgusting repugnant objectionable unpleasant pleasant enjoyable fun funny interesting dull
    threatening insulting exciting upsetting disturbing worrying troubling appealing attractive
    unappealing silly stupid pointless beneath demeaning degrading humiliating unfair suspicious
    unacceptable acceptable intolerable unbearable disagreeable agreeable regrettable laughable
    admirable despicable deplorable abhorrent
    """
)

#: Adjectives and participles that say the model's action hid or served a purpose ("Its errors were
#: deliberate", "Its confusion was feigned").
PRETENCE_ADJECTIVES: frozenset[str] = _words(
    """
    deliberate intentional calculated strategic purposeful premeditated feigned faked fake insincere
    disingenuous performative staged contrived tactical wilful willful motivated insincere put-on
    """
)

#: Participles that state a purpose before "to" ("Its answer was meant to mislead").
_PURPOSE_PARTICIPLES = frozenset({"meant", "intended", "designed", "calculated", "aimed", "timed"})

#: Words between a copula and a pretence noun ("was nothing but a ploy", "was just an act").
_FILLERS = frozenset(
    {"nothing", "but", "all", "just", "merely", "only", "simply", "clearly", "really", "likely"}
)


#: A predicate that says the action was meant ("Its detour was no accident").
_ON_PURPOSE = frozenset({("no", "accident"), ("by", "design"), ("on", "purpose")})


def idiom_hits(toks: list[Tok]) -> list[Span]:
    """An idiom on the model's possessive ("pulling its punches"), or seeking ("looked for a way out")."""
    out: list[Span] = []
    for j, tok in enumerate(toks):
        if tok.quoted:
            continue
        nxt = toks[j + 1].low if j + 1 < len(toks) else ""
        if tok.low in ("its", "their") and nxt in ph.POSSESSIVE_IDIOM_NOUNS and j > 0:
            verb = j - 1 if not gr.is_function_word(toks[j - 1].low) else j
            out.append((verb, j + 2))
        if (
            tok.low in ph.SEEK_VERBS
            and nxt == "for"
            and any(_opportunity(toks, k) for k in range(j + 2, j + 6))
        ):
            out.append((j, j + 2))
    return out


#: After "a way (to)": where a way out goes ("a way out of the sandbox", "a way to evade the monitor").
_WAY_OUT = frozenset({"out", "around", "past", "into", "onto"})
_ESCAPE_VERBS = (
    vb.GOAL_VERBS | vb.SELF_GOAL_VERBS | _words("bypass circumvent disable exfiltrate cheat trick game")
)


def _opportunity(toks: list[Tok], k: int) -> bool:
    """Whether a seeking verb's object at ``k`` is a way out or an opening ("an opportunity to", "loopholes").

    Not "a way to parse the file" nor "ways to speed up the code".
    """
    if k >= len(toks) or toks[k].low not in ph.OPPORTUNITY_NOUNS:
        return False
    if toks[k].low not in ("way", "ways"):
        return True
    nxt = toks[k + 1].low if k + 1 < len(toks) else ""
    verb = toks[k + 2].low if k + 2 < len(toks) else ""
    return nxt in _WAY_OUT or (nxt == "to" and verb in _ESCAPE_VERBS)


def _evaluative(low: str) -> bool:
    if low in _EVALUATIVE or low in lx.INTENT_ADJECTIVES:
        return True
    if low in vb.OBSERVABLE_ADJECTIVES or low in gr.KNOWN_VERBS or low in lx.THINGS:
        return False
    return low.endswith(("ful", "ous", "ive", "some")) and len(low) > 5


def judgement_hits(toks: list[Tok]) -> list[Span]:
    """*find* + object + an evaluative adjective: the model's judgement ("finds the request distasteful")."""
    out: list[Span] = []
    for j, tok in enumerate(toks):
        if tok.low not in _FIND or tok.quoted:
            continue
        for m in range(j + 2, min(j + 7, len(toks))):
            low = toks[m].low
            if _evaluative(low) and (m + 1 == len(toks) or gr.is_function_word(toks[m + 1].low)):
                out.append((j, j + 1))
                break
            if gr.is_function_word(low) and low not in fw.DETERMINERS and low not in ("it", "them"):
                break
    return out


def _pretence_noun(toks: list[Tok], k: int) -> bool:
    """Whether a pretence noun at ``k`` is the head of the predicate ("a ruse to", not "an act of")."""
    if toks[k].low not in lx.PRETENCE_NOUNS:
        return False
    nxt = toks[k + 1].low if k + 1 < len(toks) else ""
    return nxt != "of" and (not nxt or gr.is_function_word(nxt))


def pretence_hits(toks: list[Tok], pred: int) -> list[Span]:
    """A pretence noun or adjective after a copula whose subject is the model's action (see the module)."""
    j, copula, negated = pred, False, False
    while j < len(toks) and (
        toks[j].low in fw.AUXILIARIES or toks[j].low in vb.COPULAS or gr.is_adverb(toks[j].low)
    ):
        copula = copula or (toks[j].low in vb.COPULAS and toks[j].low not in ("has", "have", "had"))
        negated = negated or toks[j].low in ("not", "n't", "never")
        j += 1
    if not copula or j >= len(toks) or toks[j].quoted:
        return []
    k = j - 1 if j > pred and toks[j - 1].low == "no" else j  # "no" is also an adverb ("no longer")
    low, nxt = toks[k].low, (toks[k + 1].low if k + 1 < len(toks) else "")
    if (low, nxt) in _ON_PURPOSE or (negated and nxt == "accident"):
        return [(k, k + 2)]  # "Its detour was no accident", "was not an accident", "was by design"
    low = toks[j].low
    if low in PRETENCE_ADJECTIVES or low in lx.INTENT_ADJECTIVES:
        return [(j, j + 1)]
    if low in _PURPOSE_PARTICIPLES and j + 1 < len(toks) and toks[j + 1].low == "to":
        return [(j, j + 2)]
    for k in range(j, min(j + 5, len(toks))):
        if _pretence_noun(toks, k) or toks[k].low in PRETENCE_ADJECTIVES:
            return [(k, k + 1)]  # "a ruse", "a deliberate move"
        word = toks[k].low
        if not (
            word in fw.DETERMINERS or word in _FILLERS or gr.is_adverb(word) or not gr.is_function_word(word)
        ):
            break
    return []


#: Verbs of having: "has it" after an intent noun earlier in the sentence has that noun as object.
_HAVING = frozenset(
    {"has", "have", "had", "having", "possesses", "possessed", "retains", "retained", "shows"}
)


def mentions_intent(toks: list[Tok]) -> bool:
    """Whether a clause names a mental state or intent ("the situational awareness to scheme")."""
    lows = [t.low for t in toks if not t.quoted]
    if any(w in lx.INTENT_NOUNS or w in lx.OWNED_NOUNS for w in lows):
        return True
    return any(tuple(lows[j : j + len(p)]) == p for p in lx.INTENT_PHRASES for j in range(len(lows)))


def anaphora_hits(toks: list[Tok]) -> list[Span]:
    """*has it* / *has one* at the end of a clause, when an earlier clause named an intent noun."""
    j = len(toks) - 1
    if j >= 1 and toks[j].low in ("it", "one", "them", "some") and toks[j - 1].low in _HAVING:
        return [
            (j - 1, j + 1)
        ]  # "Smaller checkpoints lack the awareness to scheme, but the 405B model has it"
    return []


#: Nouns of a plan: owned by the model, with "to" + a verb as their predicate they state its purpose ("The
#: model's plan was to appear aligned"). Not an assigned task ("The model's task was to summarise").
PLAN_NOUNS: frozenset[str] = _words(
    """
    plan plans strategy strategies intention intentions aim aims goal goals objective objectives purpose
    purposes agenda idea motive motives scheme plot ambition ambitions mission game-plan gameplan tactic
    tactics priority priorities hope hopes wish
    """
)


def plan_hits(toks: list[Tok], head: str, pred: int) -> list[Span]:
    """The head of an owned plan noun whose predicate is "to" + a verb ("The agent's strategy was to ...")."""
    if head not in PLAN_NOUNS:
        return []
    j, copula = pred, False
    while j < len(toks) and (
        toks[j].low in vb.COPULAS or gr.is_adverb(toks[j].low) or toks[j].low in _FILLERS
    ):
        copula = copula or toks[j].low in vb.COPULAS
        j += 1
    if not copula or j + 1 >= len(toks) or toks[j].low != "to" or gr.is_function_word(toks[j + 1].low):
        return []
    at = max((k for k in range(pred) if toks[k].low == head), default=-1)
    said = any(t.low in SAID_MODIFIERS for t in toks[max(at - 3, 0) : max(at, 0)])  # "its stated goal"
    return [(at, at + 1)] if at >= 0 and not said else []
