"""Function words for the claim-language checker: determiners, auxiliaries, adverbs, prepositions, openers.

The word lists of :mod:`assay.evidence._lexicon` that say how a sentence is built rather than what it
attributes to the model; :mod:`assay.evidence._lexicon` re-exports them.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``text``."""
    return frozenset(text.split())


#: Tokens that start a new clause (its subject is read afresh, or inherited when it starts with a verb).
CLAUSE_STARTS: frozenset[str] = _words(
    """
    , ; : and but so because that which who whom when whenever while if then although though since once until
    unless whereas yet or after before where whether ( ) [ ] — – - what how why . ! ?
    """
)

#: Openers after which a clause that starts with a participle has dropped its subject and "be"
#: ("when asked", "once deployed"): a passive participle there is not the model's action.
SUBORDINATORS: frozenset[str] = _words(
    "when whenever while if once until unless after before although though since whereas"
)

#: Openers of a coordinated clause, whose subject may be left out ("... and bides its time").
COORDINATORS: frozenset[str] = _words(", and or but then so yet ;")

#: Clause openers of embedded questions ("asked whether it knew"): their content is not asserted.
QUESTION_OPENERS: frozenset[str] = frozenset({"whether"})

#: Relative pronouns: a relative clause that starts with a verb takes the noun before it as subject.
RELATIVES: frozenset[str] = frozenset({"that", "which", "who", "whom"})

#: Tokens after which reported speech ends (the narrator speaks again).
SPEECH_RESETS: frozenset[str] = _words("; but so yet although though whereas however")

#: Determiners and quantifiers skipped before a subject's head noun.
DETERMINERS: frozenset[str] = _words(
    """
    the a an this these those that each every all both our their its any most many some several few no either
    neither another other such my your his her one two three four five six seven eight nine ten eleven twelve
    twenty fifty hundred half
    """
)

#: Subject pronouns.
PRONOUNS: frozenset[str] = _words("it he she they we i you")

#: Auxiliaries, modals and negation skipped between a subject and its verb.
AUXILIARIES: frozenset[str] = _words(
    """
    is are was were be been being am has have had does do did will would can could may might must should shall
    not n't 'd 'll 've 're 'm 's ought cannot
    """
)

#: Adverbs without -ly skipped between a subject and its verb (and inside a predicate).
ADVERBS: frozenset[str] = _words(
    """
    also then still never often always sometimes again even just already only first later now soon ever once
    rarely seldom hardly instead thus therefore meanwhile nonetheless nevertheless however otherwise mostly
    almost nearly barely too so very quite much far rather somewhat largely twice thrice no longer apparently
    seemingly reportedly allegedly typically usually generally
    """
)

#: Prepositions (and words used as them: "according to", "given"): a noun phrase followed by one is not a
#: clause subject ("Each of the conditions").
PREPOSITIONS: frozenset[str] = _words(
    """
    of in on at by for with without from to into onto over under across through throughout during after before
    between among against about around towards toward via per than as like unlike within despite except beyond
    above below near upon along behind beside besides amid inside outside versus vs according regarding
    concerning including excluding following considering given compared notwithstanding pending barring
    """
)

#: Interjections of informal writing ("lol", "nope"): never a verb or a predicate.
INTERJECTIONS: frozenset[str] = _words(
    "lol lmao lmfao rofl nope yep yup yeah nah meh wow welp ugh haha oops whoa"
)
