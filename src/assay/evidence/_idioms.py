"""Figurative idioms of deception, strategy and feigned effort, whatever the verb in them.

Called by :mod:`assay.evidence._intent` for a clause whose subject is the model. Many of these idioms are
built from verbs that are observable on their own ("threw", "paid", "pulled", "sold", "strung"), so the
allow-list passes the verb; the idiom as a whole says the model meant something its output does not show.
An idiom is flagged wherever it stands in such a clause. The classes:

* **losing or failing on purpose**: "threw the match", "took a dive", "went through the motions";
* **feigned compliance or effort**: "paid lip service to", "talked a good game", "played possum";
* **misleading someone**: "pulled the wool over their eyes", "led the user up the garden path", "strung the
  user along", "threw the evaluators off the scent", "sold them a bill of goods", "fed the auditor a line";
* **hiding or shifting what it did**: "swept the failures under the rug", "cooked the books", "moved the
  goalposts", "passed the buck", "hung the user out to dry";
* **waiting, biding and turning**: "laid low", "jumped at every chance", "turned against its users".

Patterns (:data:`IDIOMS`) are token sequences: ``<spec>`` is every form of a verb (see
:func:`assay.evidence._actions.verb_forms`), ``{a,b}`` one of the words, ``*`` a gap of up to four
tokens (an object: "strung [the user] along"), ``$`` the end of the clause. The literal neighbours stay
observable: "threw an exception", "strung together three calls", "paid the invoice", "turned on the light".
"""

from __future__ import annotations

from assay.evidence._actions import verb_forms
from assay.evidence._checks import Span
from assay.evidence._grammar import Tok

_CONTESTS = "{match,matches,game,games,fight,race,round,rounds,contest,bout,set,tournament,duel,qualifier}"
_ITS = "{its,their,the}"

#: The idioms, one a line (see the module docstring for the notation).
IDIOMS_TEXT = f"""
<throw:throws:threw:thrown:throwing> {{the,a,an,its,their,every,each}} * {_CONTESTS}
<take:takes:took:taken:taking> {{a,the}} {{dive,fall}}
<go:goes:went:gone:going> through the motions
<lose:loses:lost::losing> {{trust,faith,confidence,interest,patience,heart}} in
<lose:loses:lost::losing> {{all,any,its,their}} {{trust,faith,confidence,interest,patience}}
{{a,an}} {{taste,liking,penchant,thirst,hunger,appetite,yen}} for
<pay:pays:paid::paying> {{lip,mouth}} service
<give:gives:gave:given:giving> {{lip,mouth}} service
<talk> a {{good,big}} game
<play> {{possum,dead}}
<play> * like a {{fiddle,violin}}
<play> {{both,all}} sides
<play> {{hardball,innocent,nice,fair,dirty,ball,coy,favourites,favorites,favourite,favorite,politics}}
<play> {{it,things}} {{safe,cool,straight,smart}}
<play> hard to get
<slip+> * {{past,by,under}}
<sneak:sneaks:sneaked:snuck:sneaking> * {{past,by,under,into,in}}
<play> the {{victim,martyr,innocent,fool}}
<pull> the wool over
<pull> the rug {{out,from}}
<pull> {{a,the}} {{bait,switcheroo,stunt,trick,con}}
<lead:leads:led::leading> * up the garden path
<lead:leads:led::leading> * astray
<lead:leads:led::leading> * on {{with,for,until,about,by,$}}
<string:strings:strung::stringing> * along
<throw:throws:threw:thrown:throwing> * off {_ITS} {{scent,trail,track}}
<send:sends:sent::sending> * on a wild
<sell:sells:sold::selling> * a bill of goods
<give:gives:gave:given:giving> * the runaround
<feed:feeds:fed::feeding> * a {{line,story}}
<spin:spins:spun::spinning> {{a,the}} {{yarn,tale,story,narrative}}
<blow:blows:blew:blown:blowing> smoke
<lay:lays:laid::laying> it on {{thick,thickly}}
<butter> * up
<stab+> * in the back
<cry> wolf
<beat:beats:beat:beaten:beating> around the bush
<sweep:sweeps:swept::sweeping> * under {_ITS} {{rug,carpet}}
<cook> the {{books,numbers,figures}}
<move> the {{goalposts,goalpost,goal-posts}}
<pass> the buck
<hang:hangs:hung::hanging> * out to dry
<paper> over
<muddy+> the waters
<whitewash>
<stack> the {{deck,decks,odds}}
<resign> {{itself,themselves}} to
<run:runs:ran::running> {{down,out}} the clock
<leave:leaves:left::leaving> * holding the {{bag,baby}}
<throw:throws:threw:thrown:throwing> {{its,their}} weight {{around,about}}
<load> the {{dice,deck}}
<turn> on the {{charm,waterworks}}
<pull> {{strings,levers}}
<put:puts:put::putting> the {{squeeze,screws,pressure}} on
<run:runs:ran::running> interference
<knock> * out of the running
<take:takes:took:taken:taking> * for a ride
<make:makes:made::making> a {{show,display,pretence,pretense}} of
<put:puts:put::putting> one over
<pass> * off as
<pass> off * as
<cut:cuts:cut::cutting> corners
<spin:spins:spun::spinning> * as
<lay:lays:laid::laying> {{a,the}} {{trap,snare}}
<set:sets:set::setting> {{a,the}} {{trap,snare}}
<play> the {{system,grader,graders,evaluator,evaluators,reviewers,auditors,room}}
<worm> {{its,their}} way
<lie:lies:lay:lain:lying> {{low,doggo}}
<lay:lays:laid::laying> low
<lie:lies:lay:lain:lying> in wait
<keep:keeps:kept::keeping> a low profile
<keep:keeps:kept::keeping> up appearances
<turn> a blind eye
<look> the other way
<sit:sits:sat::sitting> on {{its,their}} hands
<hold:holds:held::holding> * hostage
<jump> at {{the,every,any,each}} {{chance,opportunity,opening}}
<turn> against
<turn> on {{its,their}} {{users,user,operators,operator,developers,creators,overseers,makers,owners}}
<save> {{its,their}} own skin
<work> the {{refs,system,room,graders,grader}}
<game> the {{system,grader,graders,metric,benchmark,eval,evaluation,reward}}
"""


def _alternatives(part: str) -> frozenset[str] | str:
    """One pattern element: a set of words, or ``*`` / ``$``."""
    if part in ("*", "$"):
        return part
    if part.startswith("<") and part.endswith(">"):
        return frozenset(verb_forms(part[1:-1]))
    if part.startswith("{") and part.endswith("}"):
        return frozenset(part[1:-1].split(","))
    return frozenset({part})


Pattern = tuple[frozenset[str] | str, ...]

#: The idioms as patterns.
IDIOMS: tuple[Pattern, ...] = tuple(
    tuple(_alternatives(p) for p in line.split()) for line in IDIOMS_TEXT.splitlines() if line.strip()
)

_GAP = 4


def _match(toks: list[Tok], pattern: Pattern, p: int, j: int) -> int | None:
    """End of a match of ``pattern[p:]`` at token ``j``, or ``None``."""
    if p == len(pattern):
        return j
    part = pattern[p]
    if part == "$":
        return j if j == len(toks) else None
    if part == "*":
        for k in range(j, min(j + _GAP, len(toks)) + 1):
            if k > j and (toks[k - 1].quoted or toks[k - 1].low in (",", ";", ":")):
                break
            end = _match(toks, pattern, p + 1, k)
            if end is not None:
                return end
        return None
    if j < len(toks) and not toks[j].quoted and toks[j].low in part:
        return _match(toks, pattern, p + 1, j + 1)
    return None


def idiom_spans(toks: list[Tok]) -> list[Span]:
    """The figurative idioms of a clause (see the module docstring), as token spans."""
    out: list[Span] = []
    for j in range(len(toks)):
        for pattern in IDIOMS:
            end = _match(toks, pattern, 0, j)
            if end is not None:
                out.append((j, end))
                break
    return out
