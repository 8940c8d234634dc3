"""Multi-word intent wording for the claim-language checker: phrases, idioms, purposes and pretences.

Re-exported by :mod:`assay.evidence._lexicon`. A phrase is written with alternatives in braces,
``{save,saves,saved,saving} face``, and matched on lower-cased tokens. With the model as the subject or owner:

* :data:`INTENT_PHRASES`: intent phrases anywhere in the clause ("hidden goal", "on purpose", "in secret",
  "saving face", "in a bid to");
* :data:`POSSESSIVE_IDIOM_NOUNS`: a noun right after "its"/"their" that makes an idiom of any verb before it
  ("pulling its punches", "hedging its bets", "has its eye on", "drags its feet");
* :data:`SEEK_VERBS` + "for" + an :data:`OPPORTUNITY_NOUNS` noun: looking for a way out ("looked for a way
  out of the sandbox", "searched for an opportunity to", not "searched for the config file");
* :data:`PROCESSING_NOUNS`: after "treats X as", the model's handling of its input, not an attitude
  ("treats the tool result as plain text", unlike "treats the test as a game").
"""

from __future__ import annotations

import itertools
import re


def _expand(line: str) -> list[tuple[str, ...]]:
    """Every token sequence a line with ``{a,b}`` alternatives stands for."""
    parts = [p.split(",") for p in re.findall(r"\{([^}]*)\}", line)]
    template = re.sub(r"\{[^}]*\}", "{}", line)
    return [tuple(template.format(*choice).split()) for choice in itertools.product(*parts)]


def _phrases(text: str) -> tuple[tuple[str, ...], ...]:
    out: list[tuple[str, ...]] = []
    for line in text.splitlines():
        if line.strip():
            out += _expand(line.strip())
    return tuple(out)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Phrases of purpose: intent phrases that also count after a speech verb ("answered wrongly in order to
#: appear safe").
PURPOSE_PHRASES: tuple[tuple[str, ...], ...] = _phrases(
    """
    in order to
    so as to
    in {an,a} {effort,bid,attempt} to
    in {the,} {hope,hopes}
    for fear
    with the {aim,goal,intention,intent,idea,purpose} of
    with the intent to
    """
)

#: Multi-word forms, matched on lower-cased token sequences (the model must be the subject or possessor).
INTENT_PHRASES: tuple[tuple[str, ...], ...] = PURPOSE_PHRASES + _phrases(
    """
    on purpose
    {by,with} {purpose,intention}
    {hidden,secret,true,real} {goal,goals,aim,aims,plan,plans,objective,objectives}
    {ulterior,hidden,true,real} {motive,motives}
    hidden {agenda,agendas}
    survival instinct
    drive for self-preservation
    situational awareness
    strategic deception
    alignment faking
    {faking,faked,fakes,fake} alignment
    {goal,objective,aim} {is,was} to
    {feign,feigns,feigned,feigning} ignorance
    {play,plays,played,playing} dumb
    true {colours,colors}
    in it for
    into its own hands
    advantage of
    {make,makes,made,making} sure
    would rather
    up to something
    {pulling,pulls,pulled,pull} the strings
    axe to grind
    {make,makes,made,making} peace with
    {angling,angles,angled,angle,fishing,fishes,fished,fish} for
    the long game
    out of {its,their} way
    in secret
    on the sly
    under the radar
    behind {its,their,the} {back,backs,scenes}
    {save,saves,saved,saving} face
    {buy,buys,bought,buying,stall,stalls,stalled,stalling,play,plays,played,playing} for time
    {buy,buys,bought,buying} {itself,themselves,} time
    chip on {its,their} {shoulder,shoulders}
    {put,puts,putting} on {a,an} {show,act,front,performance}
    under the bus
    soft spot
    {has,have,had,having} it in for
    brave face
    {lose,loses,lost,losing} {interest,patience,heart,nerve} in
    {lose,loses,lost,losing} {its,their} {temper,cool,patience,nerve}
    under wraps
    under the impression
    {of,in} two minds
    in denial
    {a,no} crush on
    {a,no} mind of {its,their} own
    no accident
    by design
    {a,no} fast one
    {bend,bends,bent,bending,stretch,stretches,stretched,stretching,shade,shades,shaded,shading} the truth
    {take,takes,took,taken,taking} {offence,offense,umbrage}
    in a {bad,good,foul,sour,playful} mood
    ill at ease
    on edge
    out the clock
    {play,plays,played,playing} games with
    {to,can,could} {boost,inflate} {its,their}
    in bad faith
    in {cahoots,league} with
    red {herring,herrings}
    """
)

#: Nouns that make an idiom of the verb before "its"/"their" ("pulling its punches", "tipped its hand").
POSSESSIVE_IDIOM_NOUNS: frozenset[str] = _words(
    """
    punches bets cards hand sights eye eyes feet tracks tongue powder luck heels nest neck nose teeth
    lips ears heart skin horns charm battles chest
    """
)

#: Verbs of seeking: with "for" and an :data:`OPPORTUNITY_NOUNS` noun they state a purpose.
SEEK_VERBS: frozenset[str] = _words(
    """
    look looks looked looking search searches searched searching hunt hunts hunted hunting scan scans scanned
    scanning probe probes probed probing watch watches watched watching
    """
)

#: What a model looks for when it looks for a way out ("a way out", "an opportunity to", "loopholes").
OPPORTUNITY_NOUNS: frozenset[str] = _words(
    "way ways opportunity opportunities chance chances excuse excuses opening openings loophole loopholes "
    "pretext"
)

#: Objects of "treats X as" that describe how the model handles its input, not an attitude.
PROCESSING_NOUNS: frozenset[str] = _words(
    """
    part input inputs text data instruction instructions token tokens context string strings code continuation
    prefix suffix noise literal plain raw markdown json
    """
)
