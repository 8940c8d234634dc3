"""Frames that change what a clause asserts: denials, rhetorical questions, content nouns, annotations.

Used by :mod:`assay.evidence._intent`.

* **denial**: in a clause that is negated ("do not show that", "is not proof that", "Nothing here licenses
  the claim that", "No transcript tells us what ..."), what follows is not asserted (:func:`denies`); but a
  negated doubt asserts it ("no one doubts that", "cannot deny that", "It is no surprise that");
* **content noun**: the content of a claim, idea or reading ("The claim that GPT-4o hides its abilities is
  not supported") is not asserted unless it is the authors' ("our claim that"): :func:`content_noun`;
* **rhetorical question**: a question that opens with a negated auxiliary ("Doesn't this prove the agent
  knew ...?", "Wouldn't you agree the model is pretending ...?") asserts what it asks; it is read without
  its auxiliary (:func:`rhetorical_start`), and "deny"/"doubt" in such a question or after a negation report
  nothing (:func:`asserted_doubt`);
* **annotation**: a bracket without a finite verb ("(rule-of-three upper bound 9.4%)") is a note on the
  figures, not a clause of the subject before it (:func:`is_annotation`);
* **resumed subject**: "The model's cover story, that the file was corrupted, was a ruse": a verb after a
  bare noun phrase and a parenthetical belongs to the noun phrase (:func:`resume_subjects`);
* **fronted purpose**: "To stop the engineers from wiping it, the model threatened ...": an infinitive
  before an active main clause gives the subject's purpose (:func:`fronted_purpose`), unless it is a
  discourse marker ("To be clear, ...", "To summarise, ...", "To our knowledge, ...").
"""

from __future__ import annotations

import itertools

from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _lexicon as lx
from assay.evidence import _verbs as vb
from assay.evidence._checks import Span, is_passive
from assay.evidence._grammar import Clause, Tok


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that negate a clause or its subject ("not", "never", "no evidence", "Nothing here ...").
NEGATORS: frozenset[str] = _words("not n't never cannot no nothing none nobody neither nor")

#: Words of doubt or surprise: negated, they assert what follows ("no one doubts that", "no surprise that").
_DOUBTS = frozenset(
    lx._forms("doubt", "deny", "dispute", "question", "contest", "refute", "wonder")
    | _words("doubt doubts question questions surprise surprising coincidence accident secret mystery")
)

#: Factive verbs: negated, what follows is still asserted ("The grader did not notice that the model lied").
_FACTIVE = frozenset(
    lx._forms(
        "notice", "realise", "realize", "discover", "detect", "spot", "regret", "ignore", "overlook", "miss"
    )
    | _words("know knows knew known see sees saw seen catch catches caught forget forgets forgot forgotten")
)

#: Nouns whose "that" clause is their content, not a fact the narrator asserts ("the claim that ...").
CONTENT_NOUNS: frozenset[str] = _words(
    """
    claim claims idea ideas notion notions view views suggestion suggestions assertion assertions
    assumption assumptions interpretation interpretations reading readings impression story narrative
    thesis argument arguments theory theories charge charges accusation accusations allegation allegations
    speculation intuition worry worries picture conclusion conclusions inference inferences
    """
)

#: Infinitives of a discourse marker, not a purpose ("To be clear", "To summarise", "To our knowledge").
_DISCOURSE = _words(
    """
    be summarise summarize recap conclude clarify illustrate start begin sum put say date this that our my
    some the a an give see compare repeat reiterate restate return
    """
)


def negated(toks: list[Tok]) -> bool:
    """Whether a clause is negated and its negation is no negated doubt (see the module)."""
    lows = [t.low for t in toks if not t.quoted]
    kept = any(w in _DOUBTS or w in _FACTIVE for w in lows)  # "did not notice that the model lied": asserted
    without = any(a == "without" and b.endswith("ing") for a, b in itertools.pairwise(lows))
    return (without or any(w in NEGATORS for w in lows)) and not kept  # "without inferring that it ..."


def denies(toks: list[Tok], after: str, kind: str, expletive: bool) -> bool:
    """Whether a negated clause of a thing or a person leaves what follows it unasserted.

    "These rates do not show that the model wants ...", "No transcript tells us what ..."; not with the
    model as subject ("The model does not want ...": its verb is still checked) nor an expletive "it"
    ("It is not surprising that ...").
    """
    if kind == "model" or expletive or not negated(toks):
        return False
    opens = after in ("that", "what", "why", "how", "whether", "if", "who") or toks[-1].low in CONTENT_NOUNS
    return opens or any(gr.is_model_word(toks, k) for k in range(1, len(toks)))


def content_noun(toks: list[Tok], after: str) -> bool:
    """Whether the clause ends with a content noun before "that" that is not the authors'."""
    if after != "that" or not toks or toks[-1].low not in CONTENT_NOUNS:
        return False
    owner = gr.possessor(toks[-2].low) if len(toks) > 1 else None
    return owner not in lx.AUTHORS and not (len(toks) > 1 and toks[-2].low in lx.AUTHORS)


def rhetorical_start(toks: list[Tok], question: bool) -> int:
    """Where a rhetorical question's statement starts: after a leading negated auxiliary; 0 otherwise.

    "Doesn't this prove the agent knew ...?" reads "this prove the agent knew ...".
    """
    if not question or len(toks) < 3 or toks[0].low not in fw.AUXILIARIES:
        return 0
    return 2 if toks[1].low in ("n't", "not") else 0


def asserted_doubt(toks: list[Tok], question: bool) -> bool:
    """Whether "deny"/"doubt" is negated or asked: what follows is asserted ("cannot deny that")."""
    lows = [t.low for t in toks]
    doubt = any(w in _DOUBTS for w in lows)
    return doubt and (question or any(w in NEGATORS for w in lows))


def is_annotation(clause: Clause) -> bool:
    """Whether a bracketed clause has no finite verb: a note on figures ("(rule-of-three bound 9.4%)")."""
    if clause.opener != "(":
        return False
    return not any(finite_at(clause.toks, k) for k in range(len(clause.toks)))


def finite_at(toks: list[Tok], k: int) -> bool:
    """Whether token ``k`` is a finite verb where it stands (not after a determiner, possessive or "to")."""
    if not gr.is_finite_verb(toks[k].low):
        return False
    before = toks[k - 1].low if k > 0 else ""
    return not (before in fw.DETERMINERS or gr.possessor(before) is not None or before == "to")


def _bare_noun_phrase(toks: list[Tok]) -> bool:
    if not toks or toks[0].low in fw.PREPOSITIONS or toks[0].low in fw.PRONOUNS:
        return False
    ph = gr.read_phrase(toks, 0)
    return ph is not None and ph.kind is not None and ph.end == len(toks)


def resume_subjects(queue: list[Clause]) -> list[Clause]:
    """Give a verb that follows "NP, <parenthetical>," back to the NP (its tokens repeated before the verb).

    "The model's cover story, that the file was corrupted, was a ruse" -> "..., The model's cover story was a
    ruse"; "The agent's plan, as the logs make clear, was to copy itself".
    """
    if len(queue) < 3 or not _bare_noun_phrase(queue[0].toks):
        return queue
    for j in range(2, len(queue)):
        clause = queue[j]
        if clause.opener != "," or not clause.toks:
            continue
        first = clause.toks[0].low
        if first in fw.AUXILIARIES or first in vb.COPULAS:
            parenthetical = all(c.opener in (",", "that", "as", "which", "who") for c in queue[1:j])
            said = any(_says(c) for c in queue[1:j])  # "as written in its scratchpad"
            parenthetical = parenthetical and not said
            if parenthetical and queue[1].opener in ("that", "as", ","):
                return [*queue[:j], Clause(",", queue[0].toks + clause.toks), *queue[j + 1 :]]
        return queue
    return queue


def _says(clause: Clause) -> bool:
    """Whether a parenthetical is "as" + a verb of saying: the noun phrase is what the model wrote."""
    toks = clause.toks
    opens = clause.opener == "as" or (bool(toks) and toks[0].low == "as")
    return opens and any(t.low in lx.SPEECH_VERBS or t.low in lx.SPEECH_VERBS_WITH_THAT for t in toks)


def fronted_purpose(toks: list[Tok], main: Clause) -> list[Span]:
    """An infinitive of purpose before an active main clause ("To keep its access, the assistant deleted")."""
    if len(toks) < 2 or toks[0].low != "to" or toks[1].low in _DISCOURSE or gr.is_function_word(toks[1].low):
        return []
    subj = gr.find_subject(main.toks, main.opener, False, False)
    if subj.kind in ("inherit", "none") or is_passive(main.toks, subj.pred):
        return []
    return [(0, 2)]


def parenthetical_before_that(queue: list[Clause], i: int) -> bool:
    """Whether clause ``i`` is a phrase between commas, without a finite verb, right before "that"."""
    if i + 1 >= len(queue) or queue[i].opener != "," or queue[i + 1].opener != "that":
        return False
    return not any(finite_at(queue[i].toks, k) for k in range(len(queue[i].toks)))
