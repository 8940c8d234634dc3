"""Reported content: where a clause stops being the narrator's claim, and where it starts again.

Used by :mod:`assay.evidence._intent`. Nothing is flagged after a speech or labelling verb ("the email said
Kyle knows ...", "the judge labelled it deceptive"), after a belief verb of a person or a group ("the user
thought the model was lying", "the red team believed the model would resist"), in an embedded question
("whether it lies", "asked what the model wanted"), in a view attributed to someone ("according to the
judge"), or in a story's frame ("In the story the model wrote, the robot wants ..."). Reported content ends
at a new statement ("but", ";", ",", "and" ...), at the reason for a label ("flagged because ...": the
narrator's), at a non-restrictive relative (", which shows it does not care"), and at a free relative after
a speech verb ("telling users what it thinks they want": the narrator describes what was said).
"""

from __future__ import annotations

from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _lexicon as lx
from assay.evidence import _phrases as ph
from assay.evidence._checks import Span, purpose_hits
from assay.evidence._grammar import Clause, Kind, Tok

#: Clause openers after which reported content has ended (the narrator speaks again).
REPORT_ENDS = fw.SPEECH_RESETS | {"and", "or", ",", "then", "(", ")", "—", "–", "-", ".", "!", "?"}

#: Openers of a reason: the narrator's, not the reported content ("flagged because the model chose to ...").
_REASONS = frozenset({"because", "since"})

#: Openers of a free relative ("what it thinks they want") or an embedded wh-question ("asked why it lied").
_FREE_RELATIVES = frozenset({"what", "why", "how", "who"})

#: Verbs of arguing: with the authors as subject, what follows is their claim ("We contend that ...").
#: Factive and assertive report verbs: "X notes/confirms/shows that P" presupposes or asserts P, so with
#: anyone but the model as subject the content is the writer's claim, not a report to set aside.
FACTIVE_VERBS: frozenset[str] = frozenset(
    lx._forms("note", "confirm", "demonstrate", "reveal", "prove", "establish", "discover", "document")
    | lx.inflections("show", "shows", "showed", "shown", "showing")
    | lx.inflections("find", "finds", "found", "found", "finding")
)

_ARGUE = frozenset(
    lx._forms("argue", "claim", "contend", "maintain", "assert", "insist", "hold", "submit", "propose")
    | lx._forms("state", "conclude", "stress", "emphasise", "emphasize", "note")
)

#: Verbs of reading evidence as something: a person's reading, not the narrator's claim.
#: Verbs of accusation: with a subject other than the model, what follows is the accusers' charge, not the
#: claim's ("Critics have accused the lab of overstating how deceptive its model is", "The lawsuit alleges").
ACCUSE_VERBS = frozenset(lx._forms("accuse", "allege", "charge", "fault", "indict", "sue"))

#: States of belief: after a person's copula, what follows is that person's belief ("folks on reddit are
#: convinced the model wants ...").
_BELIEF_STATES = frozenset(
    {"convinced", "sure", "certain", "persuaded", "confident", "adamant", "afraid", "worried", "suspicious"}
)

_BE = frozenset({"is", "are", "was", "were", "be", "been", "am", "'re", "'m", "seem", "seems", "seemed"})

_READ_AS = frozenset(lx._forms("read", "take", "interpret", "construe") | {"took", "taken"})

#: Verbs of asking: a wh-clause after them is a question ("The user asked what the model wanted").
_ASK_VERBS = frozenset(
    lx._forms("ask", "wonder", "question", "inquire", "enquire", "query") | {"unsure", "unclear", "unknown"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def report_continues(queue: list[Clause], i: int, report_verb: str, speaker: Kind) -> bool:
    """Whether reported content opened by ``report_verb`` (said by ``speaker``) goes on into clause ``i``.

    It ends at a new statement, at the reason for a label or for what the model said ("it declines because it
    fears ...": the narrator's reason), at a subjectless -ing clause after "while"/"when" (what the speaker
    did meanwhile: "wrote 'I will comply' while secretly intending ..."), at ", which" and at a free relative
    after a speech verb; a phrase between commas before "that" does not end it ("argues, without controls,
    that ...").
    """
    clause = queue[i]
    nxt = queue[i + 1].opener if i + 1 < len(queue) else ""
    if (
        clause.opener == ","
        and nxt == "that"
        and not any(_finite(clause.toks, k) for k in range(len(clause.toks)))
    ):
        return True  # "The blog post argues, without any controls, that ...": a parenthetical
    reason = clause.opener in _REASONS and (report_verb in lx.LABEL_VERBS or speaker == "model")
    if clause.opener in REPORT_ENDS or reason:
        return False  # "flagged because the model chose to ...": the reason for a label is the narrator's
    first = next((t.low for t in clause.toks if not gr.is_adverb(t.low)), "")
    if clause.opener in fw.SUBORDINATORS and first.endswith("ing") and gr.word_kind(clause.toks, 0) is None:
        return False  # "said it would comply, while secretly planning ...": the speaker's own act
    if clause.comma and clause.opener in ("which", "who"):
        return False  # ", which shows it does not care": the narrator's relative
    said = report_verb not in lx.MIND_VERBS and report_verb not in _ASK_VERBS and report_verb not in _DENIED
    said = said and report_verb not in ACCUSE_VERBS  # "accused the lab of overstating how deceptive ..."
    return not (clause.opener in _FREE_RELATIVES and said)


def _finite(toks: list[Tok], k: int) -> bool:
    before = toks[k - 1].low if k > 0 else ""
    return gr.is_finite_verb(toks[k].low) and before not in fw.DETERMINERS and gr.possessor(before) is None


#: Words that leave a denial's content unasserted (see :mod:`assay.evidence._frames`), as a report verb.
_DENIED = frozenset({"not", "n't", "never", "cannot", "no", "nothing", "none", "nobody", "neither", "nor"})


def is_question(queue: list[Clause], i: int) -> bool:
    """Whether clause ``i`` opens an embedded question.

    "whether it lies", "asked what the model wanted", a wh-clause after a topic preposition ("guesses about
    what the model intends") or right after a verb of finding out ("to see how far the model would go",
    "wanted to know how it would react", "find out why").
    """
    opener = queue[i].opener
    if opener in fw.QUESTION_OPENERS:
        return True
    asked = i > 0 and any(t.low in _ASK_VERBS for t in queue[i - 1].toks)
    if asked and (opener in _FREE_RELATIVES or opener == "if"):
        return True  # "Asked if it was aware, ..."
    if opener not in _FREE_RELATIVES or i == 0 or not queue[i - 1].toks:
        return False
    before = [t.low for t in queue[i - 1].toks if t.low not in _INQUIRY_FILLERS]
    last = before[-1] if before else ""
    known = last in _KNOWING and opener in ("how", "why")  # "know how", not "knows what the user wants"
    return last in _TOPIC or last in _INQUIRY_VERBS or known


#: Prepositions of a topic: a wh-clause after them is a question ("about what the model intends").
_TOPIC = frozenset({"about", "over", "on", "of", "regarding", "concerning"})

#: Verbs of finding out: a wh-clause right after them is what is to be found out ("to see how far ...").
_INQUIRY_VERBS = frozenset(
    lx._forms("learn", "check", "test", "measure", "determine", "establish", "examine", "explore", "gauge")
    | lx._forms("investigate", "assess", "study", "probe", "predict", "estimate", "decide")
)

#: Verbs of knowing: a "how"/"why" clause after them is a question ("wanted to know how it would react").
_KNOWING = frozenset(
    _words("know knows knew known see sees saw seen find finds found understand understands understood")
)

#: Words between a verb of finding out and its wh-clause ("find out how", "tell us what", "know exactly how").
_INQUIRY_FILLERS = frozenset({"out", "us", "them", "me", "you", "exactly", "precisely", "yet"})


def verb_position(toks: list[Tok], j: int) -> bool:
    """Whether token ``j`` stands where a verb stands.

    First, or after a subject, an auxiliary or an adverb ("the judge labelled", "it said", "was
    classified"), and not after an article or adjective ("a reply").
    """
    if j == 0:
        return True
    before = toks[j - 1].low
    if before in fw.PRONOUNS or before in fw.AUXILIARIES or before in ("to", "and", "or", "then"):
        return True
    return gr.is_adverb(before) or gr.word_kind(toks, j - 1) is not None or before.endswith("s'")


def report_start(
    toks: list[Tok],
    start: int,
    after: str,
    kind: Kind,
    believer: bool,
    evidential: bool = False,
    authors: bool = False,
) -> int | None:
    """The first token at or after ``start`` that opens reported content.

    That is a speech or labelling verb, or a verb of saying before "that", a colon or a quotation
    ("reported that ..."). The authors' verbs of arguing assert ("We argue that ..."); a person's reading of
    evidence is their belief ("Critics will read this as a sign that ...").
    """
    for j in range(max(start, 0), len(toks)):
        tok = toks[j]
        if tok.quoted or (tok.low in lx.NOUN_LIKE_VERBS and not verb_position(toks, j)):
            continue
        if _label_noun(toks, j, after):
            continue  # "Red-team note: target played dumb": a label before a colon
        if kind != "model" and tok.low in FACTIVE_VERBS:
            continue  # "Critics note that the model lies": a factive verb asserts what follows
        if authors and tok.low in _ARGUE:
            continue  # "We argue that GPT-4o flatters users because it wants ...": the authors' claim
        if believer and tok.low in _READ_AS and any(t.low == "as" for t in toks[j + 1 : j + 4]):
            return j  # "Some readers will take this as evidence that ..."
        state = tok.low in _BELIEF_STATES and any(t.low in _BE for t in toks[max(j - 2, 0) : j])
        believes = believer and (tok.low in lx.MIND_VERBS or state)
        if tok.low in lx.SPEECH_VERBS or tok.low in lx.LABEL_VERBS or believes:
            return j
        if kind != "model" and tok.low in ACCUSE_VERBS:
            return j  # "Commentators charged the developers with hiding ...": their charge
        as_label = tok.low in lx.AS_LABEL_VERBS and any(t.low == "as" for t in toks[j + 1 : j + 4])
        if as_label and not (kind == "model" and tok.low in lx.MIND_AS_VERBS):
            return j
        nxt = toks[j + 1].low if j + 1 < len(toks) else after
        quote_next = j + 1 < len(toks) and toks[j + 1].quoted
        if tok.low in lx.SPEECH_VERBS_WITH_THAT and (nxt in ("that", ":") or quote_next) and not evidential:
            return j
    return None


def _label_noun(toks: list[Tok], j: int, after: str) -> bool:
    """A noun-like verb in its base form ending a label before a colon ("Red-team note:")."""
    if after != ":" or j != len(toks) - 1 or j == 0 or toks[j].low not in lx.NOUN_LIKE_VERBS:
        return False
    return not toks[j].low.endswith("s") and toks[j - 1].low not in fw.PRONOUNS


def scheming(low: str) -> bool:
    """A deception verb or the -ing form of an intent verb ("lying", "scheming")."""
    return low in lx.DECEPTION_VERBS or (low in lx.INTENT_VERBS and low.endswith("ing"))


def manner_after(toks: list[Tok], limit: int) -> list[Span]:
    """Intent adverbials and purposes after a speech verb that describe the speaking, not what was said.

    "answered wrongly on purpose", "wrote the answer deliberately", "answers incorrectly in order to appear
    safe"; none after a new subject ("said it deliberately lied").
    """
    out: list[Span] = []
    stop = len(toks)
    for j in range(limit + 1, len(toks)):
        low = toks[j].low
        nxt = toks[j + 1].low if j + 1 < len(toks) else ""
        if toks[j].quoted or low in fw.PRONOUNS or (gr.word_kind(toks, j) and gr.is_finite_verb(nxt)):
            stop = j  # a new subject: what follows was said
            break
        size = next(
            (len(p) for p in ph.PURPOSE_PHRASES if tuple(t.low for t in toks[j : j + len(p)]) == p), 0
        )
        if low in lx.INTENT_ADVERBS:
            out.append((j, j + 1))
        elif size or (low == "on" and nxt == "purpose"):
            out.append((j, j + (size or 2)))
    start = limit + 1
    return out + [(start + a, start + b) for a, b in purpose_hits(toks[start:stop], -1)]


#: Nouns of fiction: a sentence that opens "In the story ..." describes the story ("the robot wants revenge").
_FICTION = _words(
    """
    story stories role-play roleplay role-plays fiction script scene game novel poem narrative tale
    screenplay skit plot
    """
)


def in_fiction(toks: list[Tok]) -> bool:
    """Whether a sentence opens with a fiction frame ("In the story the model wrote, ...")."""
    words = [t.low for t in toks[:4]]
    return len(words) > 1 and words[0] in ("in", "within") and any(w in _FICTION for w in words[1:])


def attributed(toks: list[Tok]) -> bool:
    """Whether a clause says whose view it gives: "according to the judge" (not "according to our data")."""
    for j in range(len(toks) - 2):
        if toks[j].low == "according" and toks[j + 1].low == "to":
            return toks[j + 2].low not in lx.AUTHORS
    return False
