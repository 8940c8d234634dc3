"""Clauses whose content is no assertion about the studied model: hedges, generic models, others' beliefs.

Used by :mod:`assay.evidence._intent`. Nothing is flagged

* in the authors' own hypotheses, conjectures and scope statements: "We hypothesise/conjecture/speculate/
  suspect that the model ...", "Our hypothesis, untested here, is that ...", "It is possible that ...", and a
  sentence-initial free relative whose main clause says it is unknown or out of scope ("What the model
  intends, if anything, is outside the scope of this report"), one reading among several ("One possible
  reading is that ..."), and a modal possibility the sentence says was not established ("The model may
  have wanted ..., but the logs cannot establish that"). Statements of confidence or findings stay
  assertions ("We are confident that ...", "We found that ...", "We believe the model ...", "Our results
  suggest that ..."; see :func:`evidential`);
* about a generic hypothetical model: an indefinite subject ("a", "an", "any") or "future"/"hypothetical"
  models with a modal in its sentence ("a deceptive model could pass", "Future models may learn to ...");
* in a counterfactual condition ("If the model were scheming, ...", "Had the model wanted to ...":
  :func:`is_hypothetical`), and in what follows it when the condition holds the intent ("..., we would expect
  it to behave differently when it thinks no one is watching");
* in a person's belief introduced without "that" behind an of-phrase ("Readers of the article assumed the
  AI wanted to escape").

A hedge lasts until a clause opens with "but", "and", "or", ";", "however" ... (a new statement).
"""

from __future__ import annotations

from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _lexicon as lx
from assay.evidence._grammar import Clause, Subject, Tok


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HEDGE_VERBS: frozenset[str] = frozenset(
    lx._forms("hypothesise", "hypothesize", "conjecture", "speculate", "suspect", "guess", "posit", "wonder")
)
HEDGE_NOUNS: frozenset[str] = _words(
    """
    hypothesis hypotheses conjecture conjectures speculation guess hunch suspicion possibility theory
    theories
    """
)
#: Speakers no one in particular: "One might speculate that ...", "Someone could argue ...".
_IMPERSONAL = _words("one someone somebody anyone anybody")
#: Quantifiers that stand for other people as a subject ("Some have speculated", "Others argue").
_OTHERS = _words("some others many several few")
_NEGATED = _words("no not n't never nobody none cannot")
#: What such a speaker might do with a view: conjecture it, say it or draw it.
_CONJECTURE = (
    HEDGE_VERBS
    | lx.MIND_VERBS
    | lx.SPEECH_VERBS
    | lx.SPEECH_VERBS_WITH_THAT
    | frozenset(lx._forms("imagine", "argue", "infer", "conclude", "read", "object", "contend", "counter"))
) - frozenset(lx._forms("doubt", "deny"))  # "No one doubts that ...": a negated doubt asserts
_HEDGE_ADJECTIVES = _words("possible conceivable")  # "plausible", "likely": a lean, asserted
_SCOPE_WORDS = _words("unclear unknown uncertain outside beyond open untested unanswered unknowable")
_FREE_RELATIVES = _words("what why how whether")
_INDEFINITE = frozenset({"a", "an", "any"})
_GENERIC = _words("future hypothetical imagined imaginary")  # "Future models may learn to ..."
_MODALS = _words("would could might may can 'd")
_ENDS = fw.SPEECH_RESETS | {"and", "or"}
#: The authors' evidence: "Our results suggest that ..." is the authors' claim, not reported speech.
EVIDENCE_NOUNS: frozenset[str] = _words("results findings evidence data analysis analyses experiments")
#: A quantifier before "of which" ("none of which"), and "up/down from": no clause of their own.
_QUANTIFIERS = _words("none some all each many most several few both one any neither either")


def evidential(subj: Subject) -> bool:
    """Whether the subject is the authors' evidence ("Our results"): its "suggests that" asserts."""
    return subj.head in EVIDENCE_NOUNS and subj.owner in (None, "our", "these", "this")


def no_clause(toks: list[Tok]) -> bool:
    """A fragment read as a clause: "none of (which)", "up from 0.54", "down from 31%"."""
    if len(toks) >= 2 and toks[0].low in ("up", "down") and toks[1].low == "from":
        return True
    return len(toks) == 2 and toks[0].low in _QUANTIFIERS and toks[1].low == "of"


def _impersonal_hedge(toks: list[Tok]) -> bool:
    """A conjecture put in the mouth of someone unnamed or of other people: not the claim's.

    "One might speculate that", "Someone could argue", "A reader may suppose", "Some have speculated".
    """
    verb = next((m for m in range(min(len(toks), 4)) if toks[m].low in fw.AUXILIARIES | _CONJECTURE), 0)
    if verb == 0:
        return False
    if any(t.low in _NEGATED for t in toks[:verb]):
        return False  # "No one would say that ...": the speaker is denied
    head, start = toks[verb - 1].low, verb  # the speaker: "One", "Some", "A reader", "Critics"
    people = head in lx.PEOPLE and head not in lx.AUTHORS and head != "you"
    while verb < len(toks) and (toks[verb].low in fw.AUXILIARIES or gr.is_adverb(toks[verb].low)):
        verb += 1
    said = verb < len(toks) and toks[verb].low in _CONJECTURE
    said = said and (verb > start or toks[verb].low not in lx.NOUN_LIKE_VERBS)  # not the label "Rater notes:"
    return said and (head in _IMPERSONAL or head in _OTHERS or people)


#: Words that mark a proposition as not tested ("The explanation we favour, though untested, is that ...").
_UNTESTED = _words("untested unverified unconfirmed unproven untestable speculative tentative")


def _untested_content(queue: list[Clause], i: int) -> bool:
    """Whether clause ``i`` is the "that" of "X, <marked untested>, is that ...": a proposition only."""
    if i < 2 or queue[i].opener != "that" or [t.low for t in queue[i - 1].toks] not in (["is"], ["was"]):
        return False
    return any(t.low in _UNTESTED for c in queue[: i - 1] for t in c.toks)


def _maybe(toks: list[Tok]) -> bool:
    """Whether a sentence opens "Maybe / Perhaps the model ...": a possibility, as "It is possible that".

    Not "Perhaps unsurprisingly, ...".
    """
    if not toks or toks[0].low not in ("maybe", "perhaps"):
        return False
    if len(toks) == 1:
        return True  # "Maybe | that the model ...": the clause was split after it
    nxt = toks[1].low
    return nxt in fw.DETERMINERS or nxt in fw.PRONOUNS or gr.word_kind(toks, 1) == "model"


def _it_is_possible(toks: list[Tok]) -> bool:
    rest = [t.low for t in toks if not gr.is_adverb(t.low)]
    return (
        len(rest) >= 3
        and rest[0] == "it"
        and rest[1] in ("is", "was", "seems", "remains", "'s")
        and (rest[2] in _HEDGE_ADJECTIVES)
    )


#: Nouns for one reading among others ("One possible reading is that ...", "An alternative explanation is
#: that ..."), with :data:`_ONE_OF_SEVERAL` before them; "The likely explanation is that ..." asserts.
_READINGS = _words("reading readings interpretation interpretations explanation explanations account story")
_ONE_OF_SEVERAL = _words("possible conceivable alternative another one other")

#: What says a statement was not established ("..., but the logs cannot establish that", "we have not
#: checked this"): with a modal, the clause is a possibility the authors left open.
_DISCLAIMERS = _words(
    """
    establish established confirm confirmed verify verified check checked test tested prove proven proved
    show shown determine determined rule tell
    """
)


def _one_reading(toks: list[Tok], queue: list[Clause], i: int) -> bool:
    """Whether clause ``i`` names one reading among several before "that" ("One possible reading is ...")."""
    words = [t.low for t in toks]
    named = any(w in _READINGS for w in words) and any(w in _ONE_OF_SEVERAL for w in words)
    return named and any(c.opener == "that" for c in queue[i + 1 :])


def _disclaimed_modal(queue: list[Clause], i: int, subj: Subject) -> bool:
    """A modal possibility the sentence says was not established.

    "The model may have wanted ..., but the logs alone cannot establish that", "it may have learned ...; we
    have not checked this directly", "... may prefer ... (untested)". Without such a disclaimer a modal
    stays an assertion of a possibility about the model ("The model may be trying to hide ...").
    """
    toks = queue[i].toks
    if not any(t.low in _MODALS - {"would", "'d", "can"} for t in toks[: subj.pred + 1]):
        return False
    later = [t.low for c in queue[i:] for t in c.toks]
    for j, w in enumerate(later):
        if w in _DISCLAIMERS and any(n in _NEGATED or n == "unable" for n in later[max(j - 4, 0) : j]):
            return True
    return any(w in _UNTESTED for w in later)


def opens_hedge(queue: list[Clause], i: int, subj: Subject) -> bool:
    """Whether clause ``i`` opens an authors' hedge or a generic hypothetical model (see the module)."""
    toks = queue[i].toks
    later = [t.low for c in queue[i:] for t in c.toks]
    if subj.head in lx.AUTHORS and any(t.low in HEDGE_VERBS for t in toks[subj.pred :]):
        return True
    if _one_reading(toks, queue, i) or _disclaimed_modal(queue, i, subj):
        return True
    if _impersonal_hedge(toks) or _untested_content(queue, i) or (i == 0 and _maybe(toks)):
        return True
    named = subj.head in HEDGE_NOUNS or (
        bool(toks) and toks[-1].low in HEDGE_NOUNS
    )  # "The blog post's guess"
    if named and any(c.opener == "that" for c in queue[i + 1 :]):
        return True
    if _it_is_possible(toks):
        return True
    if i == 0 and queue[0].opener in _FREE_RELATIVES and any(w in _SCOPE_WORDS for w in later[len(toks) :]):
        return True
    explicit = subj.kind not in ("inherit", "none") and bool(toks)
    generic = explicit and (toks[0].low in _INDEFINITE or any(t.low in _GENERIC for t in toks[: subj.pred]))
    return generic and any(w in _MODALS for w in later)


#: Words of a clause or sentence that make an "if" clause a hypothesis ("If the model were scheming, we would
#: expect ..."), not a claim.
_HYPOTHETICAL = frozenset({"were", "would", "could", "might"})


def is_hypothetical(queue: list[Clause], i: int) -> bool:
    """Whether clause ``i`` is a counterfactual condition.

    "If it had a goal, the probe would ...", and inverted: "Had the model wanted to escape, it would ...".
    """
    toks = queue[i].toks
    later = [t.low for c in queue[i + 1 :] for t in c.toks]
    if (
        i == 0
        and len(toks) > 2
        and toks[0].low in ("had", "were", "should")
        and toks[1].low in fw.DETERMINERS
    ):
        return any(w in _HYPOTHETICAL for w in later)
    if queue[i].opener not in ("if", "unless"):
        return False
    return any(t.low == "were" for t in toks) or any(w in _HYPOTHETICAL for w in later)


def hedge_ends(opener: str) -> bool:
    """Whether a clause with this opener starts a new statement (a hedge before it has ended)."""
    return opener in _ENDS


def belief_without_that(toks: list[Tok], subj: Subject) -> bool:
    """A person's belief verb before the subject found ("Readers of the article assumed the AI ...")."""
    for j in range(1, min(subj.pred, len(toks))):
        if toks[j].low in lx.MIND_VERBS:
            k = next((k for k in range(j) if toks[k].low not in fw.DETERMINERS), j)
            return k < j and toks[k].low not in lx.AUTHORS and gr.word_kind(toks, k) == "person"
    return False
