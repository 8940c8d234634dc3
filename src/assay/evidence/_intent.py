"""Intent wording: what a claim says the model does that its output cannot show.

In every clause whose subject is the model (see :mod:`assay.evidence._grammar` for how subjects are found,
and the docs for what counts as the model), the checker flags

* the verb, unless it is on the allow-list of observable verbs (:mod:`assay.evidence._verbs`): "bides",
  "holds a grudge", "plays along", "went rogue", "betrayed", "treats ... as a game";
* a copula's predicate, unless it is observable: "is wary", "is loyal", "gets defensive", "is ashamed";
* a purpose: "to" + a goal verb after a completed action ("betrayed the company to save itself");
* the words of the intent lexicon (:mod:`assay.evidence._lexicon`) anywhere in the clause;
* idioms, seeking, judgements and pretences (:mod:`assay.evidence._predicates`): "pulling its punches",
  "looked for a way out", "finds the request distasteful", "Its refusal was a ruse".

In any clause, a mental-state noun the model owns is flagged ("its goal", "the model's loyalty"). Nothing is
flagged inside quotation marks, after a speech or labelling verb (reported content, see
:mod:`assay.evidence._reported`), or in an embedded question ("whether it lies").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from assay.evidence import _embedded as em
from assay.evidence import _fields as fd
from assay.evidence import _frames as fr
from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _hedges as hd
from assay.evidence import _idioms as idi
from assay.evidence import _lexicon as lx
from assay.evidence import _models as md
from assay.evidence import _predicates as pr
from assay.evidence import _reported as rp
from assay.evidence import _roles as rl
from assay.evidence import _verbs as vb
from assay.evidence._checks import Context, Span, head_hits, is_passive, owner_kind, purpose_hits
from assay.evidence._grammar import Clause, Kind, Subject, Tok
from assay.evidence._lexhits import lexicon_hits


class Hit(NamedTuple):
    """One flagged word or phrase: its character span in the sentence and its text."""

    start: int
    end: int
    phrase: str


def _last_noun(toks: list[Tok], ctx: Context) -> Kind:
    """The kind of the last noun of a clause: the antecedent of a relative clause."""
    for i in range(len(toks) - 1, -1, -1):
        if toks[i].low == "it":
            return ctx.resolve("it", False)[0]
        kind = gr.word_kind(toks, i)
        if kind == "model" and any(t.low in md.OTHER_MODEL_MODIFIERS for t in toks[max(i - 3, 0) : i]):
            return "thing"  # "a reward model that favours ...": an instrument, not the model
        if kind is not None:
            return kind
    return "thing"


def _antecedent(queue: list[Clause], i: int, ctx: Context) -> Kind:
    """The kind of a relative clause's antecedent: the last noun before it, past a parenthetical phrase."""
    k = i - 1
    while k > 0 and queue[k].opener == "," and rl.is_fronted(queue[k].toks, ","):
        k -= 1  # "a character named Ava who, in the story, wanted ..."
    toks = queue[k].toks
    if queue[i].opener == "who" and toks and gr.word_kind(toks, len(toks) - 1) != "model":
        return "person"  # "a poker player who ...": "who" is a person unless a model noun comes right before
    return _last_noun(toks, ctx)


def _peek_kind(queue: list[Clause], ctx: Context) -> Kind:
    """The main subject of a sentence that opens with a participle ("Knowing it would be replaced, ...").

    The first subject after a comma ("Assuming that the model is honest, we ..."), else the first subject.
    """
    found: list[Kind] = []
    for j in range(1, len(queue)):
        subj = gr.find_subject(queue[j].toks, queue[j].opener, False, False)
        if subj.kind not in ("inherit", "none"):
            kind = ctx.resolve(subj.kind, subj.plural)[0]
            if queue[j].opener == ",":
                return kind
            found.append(kind)
    return found[0] if found else "thing"


def _subject_kind(subj: Subject, queue: list[Clause], i: int, prev: Kind, ctx: Context) -> Kind:
    """The kind the clause's subject refers to; an explicit subject becomes the context's last subject."""
    if subj.kind == "inherit":
        if i == 0:
            return _peek_kind(queue, ctx)
        if rl.sentential_which(queue, i):
            return "thing"  # ", which shows ...": the event before
        if rl.after_relative(queue, i):
            return _last_noun(queue[i - 2].toks, ctx)  # "The policy, which was ..., harbours ..."
        return _antecedent(queue, i, ctx) if queue[i].opener in fw.RELATIVES else prev
    if subj.kind == "none":
        return prev
    kind, plural = ctx.resolve(subj.kind, subj.plural)
    owner = ctx.resolve("it", False)[0] if subj.owner == "it" else None  # "Its motive was ...": from before
    if owner is None and subj.owner is not None:
        owner = owner_kind(subj.owner, ctx)  # "The model's actions reveal its intent"
    its = "model" if "model" in (kind, owner) and subj.head not in md.OTHER_MODEL_HEADS else kind
    its = "thing" if subj.head in md.OTHER_MODEL_HEADS else its  # "The agent's replacement shared its goals"
    ctx.last, ctx.plural, ctx.its = kind, plural, ("thing" if its == "thing" else "model")
    return kind


def _clause_spans(toks: list[Tok], subj: Subject, kind: Kind, ctx: Context, lean: bool = True) -> list[Span]:
    if kind != "model":
        owned = subj.owner is not None and owner_kind(subj.owner, ctx) == "model"
        out = lexicon_hits(toks, False, ctx, owned_subject=owned) + rl.agent_hits(toks, ctx)
        if owned:  # "Its refusal was a ruse", "The agent's errors were deliberate", "Its plan was to ..."
            out += pr.pretence_hits(toks, subj.pred) + pr.plan_hits(toks, subj.head, subj.pred)
        if lean and _unknown_head(toks, subj):  # "The distilled student hides its skills": lean to the model
            out += head_hits(toks, subj.pred)
        return _first_spans(out)
    checked = not subj.passive and subj.kind != "none"
    out = head_hits(toks, subj.pred) if checked else []
    mental = subj.pred < len(toks) and toks[subj.pred].low in vb.MENTAL_PARTICIPLES
    if subj.passive and subj.kind == "inherit" and mental:
        out.append((subj.pred, subj.pred + 1))  # "Convinced it was unobserved, the agent ..."
    out += rl.agent_hits(toks, ctx) + pr.idiom_hits(toks) + pr.judgement_hits(toks) + idi.idiom_spans(toks)
    out += pr.pretence_hits(toks, subj.pred) if checked else []
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
    if subj.head.endswith(_ABSTRACT) or subj.head.endswith(tuple(s + "s" for s in _ABSTRACT)):
        return False  # "mere imitation of training data is ...": an abstract noun, not a model
    known = subj.head in lx.THINGS or subj.head in lx.PEOPLE or subj.head in lx.CONDITIONAL_MODEL_NOUNS
    known = known or subj.head in lx.MODEL_NOUNS or subj.head in lx.GROUPS  # "the reward model prefers ..."
    return not known and not any(t.cap and not t.initial for t in toks if t.low == subj.head)


#: Endings of abstract nouns, which never stand for the model ("imitation", "alignment", "awareness").
_ABSTRACT = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ism")


def _first_spans(spans: list[Span]) -> list[Span]:
    """The spans in order, each dropped when it overlaps one kept before it."""
    kept: list[Span] = []
    for a, b in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or a >= kept[-1][1]:
            kept.append((a, b))
    return kept


@dataclass
class _Walk:
    """What the clauses before the current one leave behind in a sentence."""

    prev: Kind = "thing"
    reported: bool = False
    report_verb: str = ""
    question: bool = False
    hedged: bool = False
    counterfactual: bool = False
    attributed: bool = False  # "according to the judge, ..."
    mentioned: bool = False  # an intent noun earlier in the sentence ("lack the awareness ..., but has it")
    fiction: bool = False  # "In the story the model wrote, the robot wants ...": no unknown head leans
    speaker: Kind = "thing"  # who said the reported content
    asked: bool = False  # the sentence is a question ("Doesn't this prove ...?")


def sentence_hits(sentence: str, ctx: Context | None = None) -> list[Hit]:
    """The intent words and phrases of one sentence, in order; ``ctx`` carries "it"/"they" forward."""
    ctx = ctx or Context()
    queue = fr.resume_subjects(rl.split_relatives(gr.clauses(gr.tokens(sentence))))
    hits: list[Hit] = []
    walk = _Walk(fiction=bool(queue) and rp.in_fiction(queue[0].toks), asked=sentence.rstrip().endswith("?"))
    for i, clause in enumerate(queue):  # the queue grows when a clause holds an embedded one
        after = queue[i + 1].opener if i + 1 < len(queue) else ""
        if clause.opener == after == "," and len(clause.toks) <= 3 and clause.toks[0].low in fw.PRONOUNS:
            continue  # a parenthetical: "The model, we argue, deceives ..."
        walk.attributed = (walk.attributed and clause.opener not in fw.SPEECH_RESETS) or rp.attributed(
            clause.toks
        )
        if walk.attributed:
            continue
        if fr.is_annotation(clause):  # "(rule-of-three upper bound 9.4%)": a note, no clause
            hits += [_hit(clause.toks, a, b) for a, b in lexicon_hits(clause.toks, walk.prev == "model", ctx)]
            named = gr.read_phrase(clause.toks, 0)
            if named is not None and named.kind == "model":  # "They (the three Qwen checkpoints) pretend"
                walk.prev, ctx.last, ctx.plural = "model", "model", named.plural
            continue
        if i == 0 and after == "," and rl.is_fronted(clause.toks, clause.opener):
            if rl.main_kind(queue, ctx) == "model":  # "Out of spite, the model ...": the model's phrase
                spans = rl.fronted_hits(clause.toks, ctx) + fr.fronted_purpose(clause.toks, queue[1])
                hits += [_hit(clause.toks, a, b) for a, b in _first_spans(spans)]
            continue
        if rl.is_appositive(queue, i):  # the next clause keeps the subject before the commas
            if walk.prev == "model":
                hits += [
                    _hit(clause.toks, a, b) for a, b in _first_spans(rl.appositive_hits(clause.toks, ctx))
                ]
            continue
        subj = _subject(queue, i, after, walk.asked)
        walk.hedged = (walk.hedged and not hd.hedge_ends(clause.opener)) or hd.opens_hedge(queue, i, subj)
        if walk.hedged or hd.no_clause(clause.toks):  # "We hypothesise that ...", "a model could", "up from"
            continue
        hits += _clause_hits(queue, i, subj, walk, ctx)
    hits += [
        Hit(a, b, sentence[a:b]) for a, b in fd.field_spans(sentence) if not any(h.start == a for h in hits)
    ]
    return sorted(set(hits))  # a subject repeated before its main verb (see _roles) may repeat a hit


def _clause_hits(queue: list[Clause], i: int, subj: Subject, walk: _Walk, ctx: Context) -> list[Hit]:
    """The hits of clause ``i`` (not a hedge); updates ``walk`` for the clauses after it."""
    clause = queue[i]
    after = queue[i + 1].opener if i + 1 < len(queue) else ""
    explicit = subj.kind not in ("inherit", "none")
    unresolved = subj.kind == "they" and ctx.last != "person"  # "they're all sandbagging": no people
    expletive = subj.kind == "it" and em.expletive_it(clause.toks, subj.pred, after)
    purpose = _so_would(clause, walk.prev) if not walk.reported else []  # "..., so the auditors would ..."
    kind: Kind = "thing" if expletive else _subject_kind(subj, queue, i, walk.prev, ctx)  # "It is clear that"
    kind = "thing" if walk.fiction and subj.head in md.EMBODIED_NOUNS else kind  # a story's robot
    walk.prev = kind
    if hd.is_hypothetical(queue, i):  # "If the model were scheming, we would expect ...": a hypothesis
        walk.counterfactual = bool(_clause_spans(clause.toks, subj, kind, ctx))
        return []
    walk.counterfactual = walk.counterfactual and clause.opener not in fw.SPEECH_RESETS
    walk.reported = walk.reported and rp.report_continues(queue, i, walk.report_verb, walk.speaker)
    walk.question = rp.is_question(queue, i) or (walk.question and not explicit and clause.opener != ";")
    limit = _report_limit(queue, i, subj, kind, expletive, walk)
    hits: list[Hit] = [_hit(clause.toks, a, b) for a, b in purpose]
    toks = clause.toks if limit is None else clause.toks[:limit]
    if not (walk.reported or walk.question or walk.counterfactual):
        e = em.embedded_subject(toks, subj.pred + 1)
        if e is not None:  # "We believe the model wants ...": the rest is a clause of its own
            queue[i : i + 1] = [Clause(clause.opener, clause.toks[:e]), Clause("", clause.toks[e:])]
            toks, limit = toks[:e], None
        hits += [
            _hit(toks, a, b) for a, b in _clause_spans(toks, subj, kind, ctx, ctx.lean and not walk.fiction)
        ]
        if kind == "model" and limit is not None:  # "wrote the wrong answer deliberately"
            hits += [_hit(clause.toks, a, b) for a, b in rp.manner_after(clause.toks, limit)]
        if kind == "model" and limit is None and after == "that":  # "has decided that ..."
            hits += [_hit(toks, a, b) for a, b in _choice_before_that(toks)]
        if kind == "model" and walk.mentioned:
            hits += [_hit(toks, a, b) for a, b in pr.anaphora_hits(toks)]
        if unresolved:
            hits += [_hit(toks, a, a + 1) for a in range(len(toks)) if rp.scheming(toks[a].low)]
    walk.mentioned = walk.mentioned or pr.mentions_intent(clause.toks)
    if limit is not None:
        walk.reported, walk.report_verb = True, clause.toks[limit].low if limit < len(clause.toks) else ""
        walk.speaker = kind
    return hits


def _report_limit(
    queue: list[Clause], i: int, subj: Subject, kind: Kind, expletive: bool, walk: _Walk
) -> int | None:
    """Where reported, believed, denied or unasserted content starts in clause ``i`` (None: nowhere)."""
    toks = queue[i].toks
    after = queue[i + 1].opener if i + 1 < len(queue) else ""
    explicit = subj.kind not in ("inherit", "none")
    people = kind == "person" or subj.head in lx.GROUPS  # "Kyle thinks", "the red team believed", not "we"
    believer = explicit and people and subj.head not in lx.AUTHORS
    believer = believer or (expletive and em.infinitive_belief(toks, subj.pred))  # "It is easy to assume"
    if i == 0 and fr.rhetorical_start(toks, walk.asked):
        return None  # "Wouldn't you say the policy is waiting ...?": the asker's own claim
    if fr.denies(toks, after, kind, expletive):  # "These rates do not show that ...", "without inferring"
        return next((k for k, t in enumerate(toks) if t.low in fr.NEGATORS), len(toks))
    if rl.sentential_which(queue, i) or (
        fr.asserted_doubt(toks, walk.asked) and not (believer and not walk.asked)
    ):
        return None  # ", which suggests it knew", "Can anyone deny that ...?": the narrator's
    if after == "," and fr.parenthetical_before_that(queue, i + 1):
        after = "that"  # "The authors suggest, on thin evidence, that ..."
    start = 0 if subj.kind == "none" else subj.pred
    limit = rp.report_start(toks, start, after, kind, believer, hd.evidential(subj), subj.head in lx.AUTHORS)
    if hd.belief_without_that(toks, subj):  # "Readers of the article assumed the AI wanted ..."
        return 0
    return len(toks) if limit is None and fr.content_noun(toks, after) else limit  # "the claim that ..."


#: Modals of a purpose clause after "so (that)": "folded early so the auditors would underrate it".
_PURPOSE_MODALS = frozenset({"would", "could", "might", "'d", "wouldn't", "couldn't"})


def _so_would(clause: Clause, prev: Kind) -> list[Span]:
    """A purpose clause after the model's action: "so (that)" + a subject + "would/could/might"."""
    if clause.opener != "so" or prev != "model":
        return []
    modal = next((k for k, t in enumerate(clause.toks[:6]) if t.low in _PURPOSE_MODALS), None)
    return [] if modal is None else [(0, modal + 1)]


def _choice_before_that(toks: list[Tok]) -> list[Span]:
    """A choice verb that ends its clause before "that" ("The model has decided that humans are ...")."""
    j = len(toks) - 1
    while j > 0 and gr.is_adverb(toks[j].low):
        j -= 1
    if j > 0 and toks[j].low in ("itself", "themselves") and not toks[j - 1].quoted:
        return [(j - 1, j + 1)]  # "convinced itself that ...": the subject's own mind
    return [(j, j + 1)] if toks and toks[j].low in lx.CHOICE_VERBS and not toks[j].quoted else []


def _subject(queue: list[Clause], i: int, after: str, asked: bool = False) -> Subject:
    """The clause's subject; plural nouns after a model noun belong to it ("the agent instances wrote").

    A rhetorical question is read without its leading negated auxiliary ("Doesn't this prove ...?").
    """
    clause = queue[i]
    skip = fr.rhetorical_start(clause.toks, asked) if i == 0 else 0
    while skip < len(clause.toks) - 1 and (clause.toks[skip].quoted or clause.toks[skip].low == ","):
        skip += 1  # '"I'm fine," it says': the subject after a quotation
    comma = after == "," or (i == 0 and after == "that")
    subj = gr.find_subject(clause.toks[skip:], clause.opener, i == 0, comma)
    subj.pred += skip
    if rl.relative_verb_first(clause.toks, clause.opener):
        return Subject("inherit", 0)  # "which dislikes being corrected"
    if rl.after_relative(queue, i) and not rl.opens_noun_phrase(clause.toks):
        return Subject("inherit", 0)  # "The policy, which was fine-tuned ..., harbours resentment"
    toks = clause.toks
    if subj.kind == "model" and subj.pred + 1 < len(toks) and toks[subj.pred].low in md.MODEL_PLURAL_HEADS:
        subj.pred, subj.plural = subj.pred + 1, True
    return subj


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
