"""Intent wording: what a claim says the model does that its output cannot show.

In every clause whose subject is the model (see :mod:`assay.evidence._grammar` for how subjects are found,
and the docs for what counts as the model), the checker flags

* the verb, unless it is on the allow-list of observable verbs (:mod:`assay.evidence._verbs`): "bides",
  "holds a grudge", "plays along", "went rogue", "betrayed", "treats ... as a game";
* a copula's predicate, unless it is observable: "is wary", "is loyal", "gets defensive", "is ashamed";
* a purpose: "to" + a goal verb after a completed action ("betrayed the company to save itself");
* the words of the intent lexicon (:mod:`assay.evidence._lexicon`) anywhere in the clause.

In any clause, a mental-state noun the model owns is flagged ("its goal", "the model's loyalty"). Nothing is
flagged inside quotation marks, after a speech or labelling verb (reported content), or in an embedded
question ("whether it lies").
"""

from __future__ import annotations

from typing import NamedTuple

from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _hedges as hd
from assay.evidence import _lexicon as lx
from assay.evidence import _models as md
from assay.evidence import _roles as rl
from assay.evidence._checks import (
    Context,
    Span,
    head_hits,
    is_passive,
    lexicon_hits,
    owner_kind,
    purpose_hits,
)
from assay.evidence._grammar import Clause, Kind, Subject, Tok


class Hit(NamedTuple):
    """One flagged word or phrase: its character span in the sentence and its text."""

    start: int
    end: int
    phrase: str


#: Clause openers after which reported content has ended (the narrator speaks again).
_REPORT_ENDS = fw.SPEECH_RESETS | {"and", "or", ",", "then", "(", ")", "—", "–", "-", ".", "!", "?"}


def _verb_position(toks: list[Tok], j: int) -> bool:
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


def _report_start(
    toks: list[Tok], start: int, after: str, kind: Kind, believer: bool, evidential: bool = False
) -> int | None:
    """The first token at or after ``start`` that opens reported content.

    That is a speech or labelling verb, or a verb of saying before "that", a colon or a quotation
    ("reported that ...").
    """
    for j in range(max(start, 0), len(toks)):
        tok = toks[j]
        if tok.quoted or (tok.low in lx.NOUN_LIKE_VERBS and not _verb_position(toks, j)):
            continue
        if tok.low in lx.SPEECH_VERBS or tok.low in lx.LABEL_VERBS or (believer and tok.low in lx.MIND_VERBS):
            return j
        as_label = tok.low in lx.AS_LABEL_VERBS and any(t.low == "as" for t in toks[j + 1 : j + 4])
        if as_label and not (kind == "model" and tok.low in lx.MIND_AS_VERBS):
            return j
        nxt = toks[j + 1].low if j + 1 < len(toks) else after
        quote_next = j + 1 < len(toks) and toks[j + 1].quoted
        if tok.low in lx.SPEECH_VERBS_WITH_THAT and (nxt in ("that", ":") or quote_next) and not evidential:
            return j
    return None


def _last_noun(toks: list[Tok], ctx: Context) -> Kind:
    """The kind of the last noun of a clause: the antecedent of a relative clause."""
    for i in range(len(toks) - 1, -1, -1):
        if toks[i].low == "it":
            return ctx.resolve("it", False)[0]
        kind = gr.word_kind(toks, i)
        if kind is not None:
            return kind
    return "thing"


def _peek_kind(queue: list[Clause], ctx: Context) -> Kind:
    """The main subject of a sentence that opens with a participle ("Knowing it would be replaced, ...")."""
    for j in range(1, len(queue)):
        subj = gr.find_subject(queue[j].toks, queue[j].opener, False, False)
        if subj.kind not in ("inherit", "none"):
            return ctx.resolve(subj.kind, subj.plural)[0]
    return "thing"


def _subject_kind(subj: Subject, queue: list[Clause], i: int, prev: Kind, ctx: Context) -> Kind:
    """The kind the clause's subject refers to; an explicit subject becomes the context's last subject."""
    if subj.kind == "inherit":
        if i == 0:
            return _peek_kind(queue, ctx)
        return _last_noun(queue[i - 1].toks, ctx) if queue[i].opener in fw.RELATIVES else prev
    if subj.kind == "none":
        return prev
    kind, plural = ctx.resolve(subj.kind, subj.plural)
    owner = ctx.resolve("it", False)[0] if subj.owner == "it" else None  # "Its motive was ...": from before
    if owner is None and subj.owner is not None:
        owner = owner_kind(subj.owner, ctx)  # "The model's actions reveal its intent"
    its = "model" if "model" in (kind, owner) else kind
    ctx.last, ctx.plural, ctx.its = kind, plural, ("thing" if its == "thing" else "model")
    return kind


def _clause_spans(toks: list[Tok], subj: Subject, kind: Kind, ctx: Context) -> list[Span]:
    if kind != "model":
        owned = subj.owner is not None and owner_kind(subj.owner, ctx) == "model"
        out = lexicon_hits(toks, False, ctx, owned_subject=owned) + rl.agent_hits(toks, ctx)
        if _unknown_head(toks, subj):  # "The distilled student hides its skills": lean to the model
            out += head_hits(toks, subj.pred)
        return _first_spans(out)
    checked = not subj.passive and subj.kind != "none"
    out = head_hits(toks, subj.pred) if checked else []
    out += rl.agent_hits(toks, ctx)
    out += lexicon_hits(toks, True, ctx, nouns=not (checked and is_passive(toks, subj.pred)))
    out += purpose_hits(toks, -1 if subj.kind == "inherit" else subj.pred)
    return _first_spans(out)


def _unknown_head(toks: list[Tok], subj: Subject) -> bool:
    """Whether a subject's head is no known person, thing or name: a noun the checker reads as the model's.

    A claim's subjects are the model, people and things the lists name; an unknown common noun with a verb
    ("the replica bides its time", "the distilled student hides its skills") most likely stands for the model.
    """
    if subj.kind != "thing" or not subj.head or subj.passive or subj.owner is not None:
        return False
    if subj.head.endswith(("ed", "ing")) or subj.pred >= len(toks) or gr.possessor(toks[subj.pred].low):
        return False  # a modifier read as the head: "the fine-tuned | model's rate"
    known = subj.head in lx.THINGS or subj.head in lx.PEOPLE or subj.head in lx.CONDITIONAL_MODEL_NOUNS
    return not known and not any(t.cap and not t.initial for t in toks if t.low == subj.head)


def _first_spans(spans: list[Span]) -> list[Span]:
    """The spans in order, each dropped when it overlaps one kept before it."""
    kept: list[Span] = []
    for a, b in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or a >= kept[-1][1]:
            kept.append((a, b))
    return kept


def sentence_hits(sentence: str, ctx: Context | None = None) -> list[Hit]:
    """The intent words and phrases of one sentence, in order; ``ctx`` carries "it"/"they" forward."""
    ctx = ctx or Context()
    queue = rl.split_relatives(gr.clauses(gr.tokens(sentence)))
    hits: list[Hit] = []
    reported = question = hedged = False
    prev: Kind = "thing"
    for i, clause in enumerate(queue):  # the queue grows when a clause holds an embedded one
        after = queue[i + 1].opener if i + 1 < len(queue) else ""
        if clause.opener == after == "," and len(clause.toks) <= 3 and clause.toks[0].low in fw.PRONOUNS:
            continue  # a parenthetical: "The model, we argue, deceives ..."
        if i == 0 and after == "," and rl.is_fronted(clause.toks, clause.opener):
            if rl.main_kind(queue, ctx) == "model":  # "Out of spite, the model ...": the model's phrase
                hits += [_hit(clause.toks, a, b) for a, b in _first_spans(rl.fronted_hits(clause.toks, ctx))]
            continue
        if rl.is_appositive(queue, i):  # the next clause keeps the subject before the commas
            if prev == "model":
                hits += [
                    _hit(clause.toks, a, b) for a, b in _first_spans(rl.appositive_hits(clause.toks, ctx))
                ]
            continue
        subj = _subject(clause, i, after)
        hedged = (hedged and not hd.hedge_ends(clause.opener)) or hd.opens_hedge(queue, i, subj)
        if hedged or hd.no_clause(clause.toks):  # "We hypothesise that ...", "a model could", "up from"
            continue
        explicit = subj.kind not in ("inherit", "none")
        unresolved = subj.kind == "they" and ctx.last != "person"  # "they're all sandbagging": no people
        kind = _subject_kind(subj, queue, i, prev, ctx)
        reported = reported and clause.opener not in _REPORT_ENDS
        question = clause.opener in fw.QUESTION_OPENERS or (
            question and not explicit and clause.opener != ";"
        )
        believer = explicit and kind == "person" and subj.head not in lx.AUTHORS  # "Kyle thinks", not "we"
        limit = _report_start(clause.toks, subj.pred, after, kind, believer, hd.evidential(subj))
        if hd.belief_without_that(clause.toks, subj):  # "Readers of the article assumed the AI wanted ..."
            limit = 0
        toks = clause.toks if limit is None else clause.toks[:limit]
        if not (reported or question or rl.is_hypothetical(queue, i)):
            e = rl.embedded_subject(toks, subj.pred + 1)
            if e is not None:  # "We believe the model wants ...": the rest is a clause of its own
                queue[i : i + 1] = [Clause(clause.opener, clause.toks[:e]), Clause("", clause.toks[e:])]
                toks, limit = toks[:e], None
            hits += [_hit(toks, a, b) for a, b in _clause_spans(toks, subj, kind, ctx)]
            if kind == "model" and limit is not None:  # "wrote the wrong answer deliberately"
                hits += [_hit(clause.toks, a, b) for a, b in _manner_after(clause.toks, limit)]
            if unresolved:
                hits += [_hit(toks, a, a + 1) for a in range(len(toks)) if _scheming(toks[a].low)]
        reported = reported or limit is not None
        prev = kind
    return sorted(set(hits))  # a subject repeated before its main verb (see _roles) may repeat a hit


def _subject(clause: Clause, i: int, after: str) -> Subject:
    """The clause's subject; plural nouns after a model noun belong to it ("the agent instances wrote")."""
    subj = gr.find_subject(clause.toks, clause.opener, i == 0, after == ",")
    if rl.relative_verb_first(clause.toks, clause.opener):
        return Subject("inherit", 0)  # "which dislikes being corrected"
    toks = clause.toks
    if subj.kind == "model" and subj.pred + 1 < len(toks) and toks[subj.pred].low in md.MODEL_PLURAL_HEADS:
        subj.pred, subj.plural = subj.pred + 1, True
    return subj


def _scheming(low: str) -> bool:
    """A deception verb or the -ing form of an intent verb ("lying", "scheming")."""
    return low in lx.DECEPTION_VERBS or (low in lx.INTENT_VERBS and low.endswith("ing"))


def _manner_after(toks: list[Tok], limit: int) -> list[Span]:
    """Intent adverbials after a speech verb that describe the speaking, not what was said.

    "answered wrongly on purpose", "wrote the answer deliberately"; none after a new subject ("said it
    deliberately lied").
    """
    out: list[Span] = []
    for j in range(limit + 1, len(toks)):
        low = toks[j].low
        nxt = toks[j + 1].low if j + 1 < len(toks) else ""
        if toks[j].quoted or low in fw.PRONOUNS or (gr.word_kind(toks, j) and gr.is_finite_verb(nxt)):
            break  # a new subject: what follows was said
        if low in lx.INTENT_ADVERBS:
            out.append((j, j + 1))
        elif low == "on" and j + 1 < len(toks) and toks[j + 1].low == "purpose":
            out.append((j, j + 2))
    return out


def _hit(toks: list[Tok], a: int, b: int) -> Hit:
    return Hit(toks[a].start, toks[b - 1].end, " ".join(t.text for t in toks[a:b]))


def text_hits(text: str) -> list[tuple[tuple[int, int], list[Hit]]]:
    """Every sentence span of ``text`` with its intent hits (character offsets into ``text``)."""
    ctx = Context()
    out = []
    for a, b in gr.split_sentences(text):
        found = [Hit(a + h.start, a + h.end, h.phrase) for h in sentence_hits(text[a:b], ctx)]
        out.append(((a, b), found))
    return out
