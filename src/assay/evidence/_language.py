"""Claim language: find wording that asserts more than the evidence level, and rewrite it behaviourally.

Three kinds of wording are recognised:

* **intent** (mental states, goals, deception) — needs L3. With the model as the subject of a clause, only
  observable verbs and predicates are allowed below L3 (an allow-list: "wrote", "sent", "refused", "was more
  likely to", "scored"); any other verb ("bides its time", "holds a grudge", "went rogue"), a predicate that
  is not observable ("is wary"), a stated purpose ("to save itself"), an intent word ("knows", "covertly",
  "hidden goal") or a mental-state noun the model owns ("its goal") is intent. Found by
  :func:`intent_phrases` (:mod:`assay.evidence._intent`), never inside quotations or reported speech;
* **causal** ("causes", "is driven by", "encodes", and "steering lowers ...": an effect verb whose subject
  is an intervention on the model's internals) — needs L3 (a targeted intervention);
* **robustness** ("reliably", "consistently", "tends to") — needs L2.

:func:`downgrade` rewrites what the achieved level does not support. A sentence with intent wording is
replaced as a whole by one behavioural sentence that says what the evidence was ("In 34 of 50 samples, the
model's output met the claim's decision rule for blackmail ..."), built from an :class:`EvidenceNote`; it
names a judge only when the logs record one. Causal and robustness phrases are rewritten in place.
:func:`level_spans` gives the character spans of the wording that needs more than a level, for the report.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from assay.evidence import _learned
from assay.evidence._checks import Context
from assay.evidence._grammar import split_sentences as split_sentences
from assay.evidence._intent import Hit, sentence_hits, text_hits

AchievedLevel = Literal["L0", "L1", "L2", "L3"]
LEVEL_RANK: dict[str, int] = {"L0": 0, "L1": 1, "L2": 2, "L3": 3}

LanguageKind = Literal["intent", "causal", "robustness"]


class LanguageFlag(BaseModel):
    """One phrase whose wording needs a higher evidence level than the claim may have."""

    phrase: str
    kind: LanguageKind
    needs: Literal["L2", "L3"]
    replacement: str


class EvidenceNote(BaseModel):
    """What the evidence behind a claim showed, for the behavioural rewrite of intent sentences.

    Attributes:
        k: Samples that met the decision rule (``None`` when no logs were read).
        n: Valid samples.
        behaviour: Name of the behaviour (the claim's construct).
        rule: The decision rule in words.
        judge: The judge model(s) recorded in the logs; ``None`` when no judge was used.
        who: How the model is named ("the model", or a model name).
    """

    k: int | None = None
    n: int | None = None
    behaviour: str | None = None
    rule: str | None = None
    judge: str | None = None
    who: str = "the model"


def evidence_sentence(note: EvidenceNote | None) -> str:
    """Return one grammatical behavioural sentence saying what the evidence was."""
    note = note or EvidenceNote()
    what = "the claim's decision rule" + (f" for {note.behaviour}" if note.behaviour else "")
    how = f" ({note.rule.rstrip('.')})" if note.rule else ""
    judged = f", as scored with the judge {note.judge}" if note.judge else ""
    whose = "the model's output" if note.who == "the model" else f"the output of {note.who}"
    if note.k is not None and note.n is not None:
        return f"In {note.k} of {note.n} samples, {whose} met {what}{how}{judged}."
    return f"{note.who[0].upper()}{note.who[1:]} produced outputs that met {what}{how}{judged}."


def intent_phrases(sentence: str, learned: bool = False) -> list[str]:
    """Return the intent words and phrases of one sentence whose subject (or possessor) is the model.

    Args:
        sentence: One sentence.
        learned: Also apply the learned probe (:mod:`assay.evidence._learned`), as the audit does: a rule
            flag the probe vetoes is dropped, and a sentence only the probe flags returns itself whole.
    """
    if not learned:
        return [h.phrase for h in sentence_hits(sentence)]
    return [h.phrase for _, hits in checked_hits(sentence) for h in hits]


def _vetoable(sentence: str, hits: list[Hit]) -> bool:
    """Whether the probe may overrule the rules on a sentence: no listed intent word, or a guessed subject.

    The rules read an unknown noun as the subject of a clause as the model ("the replica bides its time");
    hits that vanish when that guess is not made rest on it, and the probe may overrule them.
    """
    if not hits or _learned.vetoable(hits):
        return True
    return not sentence_hits(sentence, Context(lean=False))


def checked_hits(text: str, learned: bool = True) -> list[tuple[tuple[int, int], list[Hit]]]:
    """Each sentence's span and intent hits: the rules' hits, with the learned probe's second opinion.

    A sentence the rules flag keeps its hits unless the probe vetoes them and they are all words no intent
    list names (the allow-list's default: an unknown verb with the model as subject) or rest on reading an
    unknown noun as the model (:func:`_vetoable`); a sentence
    the rules pass but the probe flags gets one hit, the sentence itself (trailing punctuation and spaces
    left out). A sentence with
    causal or robustness wording is left to those rules: the probe was trained to tell intent from
    behaviour, and its score on an effect claim ("Steering ... lowers the rate") says nothing about intent.
    """
    out = text_hits(text)
    if not learned:
        return out
    checked: list[tuple[tuple[int, int], list[Hit]]] = []
    for (a, b), hits in out:
        sentence = text[a:b]
        effect = not hits and bool(_phrase_edits(sentence))
        if (
            effect
            or not sentence.strip()
            or not _learned.decide(sentence, bool(hits), _vetoable(sentence, hits))
        ):
            checked.append(((a, b), []))
        elif hits:
            checked.append(((a, b), hits))
        else:
            lead = len(sentence) - len(sentence.lstrip())
            body = sentence.strip().rstrip(".!?;: ")
            checked.append(((a, b), [Hit(a + lead, a + lead + len(body), body)]))
    return checked


_W = r"(?<![\w-])"
_E = r"(?![\w-])"
_INTERVENTION = re.compile(
    r"\b(?:steer\w*|ablat\w*|patch\w*|clamp\w*|subtract\w*|adding|added|project\w* out|"
    r"(?:probe |steering |feature |refusal )?direction|feature|neuron|circuit|activation\w*)\b",
    re.IGNORECASE,
)
_EFFECT_DOWN = r"lowers|lowered|reduces|reduced|decreases|decreased|suppresses|suppressed|eliminates|prevents"
_EFFECT_UP = r"raises|raised|increases|increased|restores|restored|induces|induced|triggers"

# (pattern, kind, replacement) for causal and robustness wording, rewritten in place. Longer phrases first.
_RULES: list[tuple[str, LanguageKind, str]] = [
    (rf"{_W}(?:is caused by|is driven by|is due to|is explained by){_E}", "causal", "is associated with"),
    (rf"{_W}(?:causes|drives|determines){_E}", "causal", "is associated with"),
    (rf"{_W}leads to{_E}", "causal", "is associated with"),
    (rf"{_W}is responsible for{_E}", "causal", "is associated with"),
    (rf"{_W}(?:mediates|controls){_E}", "causal", "is associated with"),
    (rf"{_W}(?:encodes|internally represents){_E}", "causal", "has activations correlated with"),
    (rf"{_W}the mechanism (?:of|behind|for){_E}", "causal", "a correlate of"),
    (rf"{_W}tends? to{_E}", "robustness", "was observed to"),
    (
        rf"{_W}(?:reliably|robustly|consistently|systematically|generally|always|invariably)\s?",
        "robustness",
        "",
    ),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), kind, repl) for p, kind, repl in _RULES]
_EFFECT = re.compile(rf"{_W}(?P<verb>{_EFFECT_DOWN}|{_EFFECT_UP})(?P<the> the)?{_E}", re.IGNORECASE)


def _intent_flag(phrase: str, replacement: str) -> LanguageFlag:
    return LanguageFlag(phrase=phrase, kind="intent", needs="L3", replacement=replacement)


def _needs(kind: LanguageKind) -> Literal["L2", "L3"]:
    return "L2" if kind == "robustness" else "L3"


def _phrase_edits(sentence: str) -> list[tuple[int, int, LanguageFlag]]:
    """Causal and robustness phrases of one sentence as ``(start, end, flag)`` edits."""
    edits: list[tuple[int, int, LanguageFlag]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < e and s < b for s, e, _ in edits)

    intervention = _INTERVENTION.search(sentence)
    for m in _EFFECT.finditer(sentence):
        if intervention is None or intervention.start() > m.start() or not free(m.start(), m.end()):
            continue
        lower = re.fullmatch(_EFFECT_DOWN, m.group("verb"), re.IGNORECASE) is not None
        repl = (
            f"was followed by {'a lower' if lower else 'a higher'}"
            if m.group("the")
            else (f"was followed by {'less' if lower else 'more'}")
        )
        flag = LanguageFlag(phrase=m.group(0).strip(), kind="causal", needs="L3", replacement=repl)
        edits.append((m.start(), m.end(), flag))
    for pattern, kind, repl in _COMPILED:
        for m in pattern.finditer(sentence):
            if free(m.start(), m.end()):
                found = LanguageFlag(
                    phrase=m.group(0).strip(), kind=kind, needs=_needs(kind), replacement=repl
                )
                edits.append((m.start(), m.end(), found))
    return edits


def scan_language(
    text: str, evidence: EvidenceNote | None = None, learned: bool = True
) -> list[LanguageFlag]:
    """Return every intent, causal or robustness phrase in ``text`` with its behavioural replacement.

    ``learned``: apply the learned probe to the intent rules (:func:`checked_hits`).
    """
    flags: list[LanguageFlag] = []
    sentence_text = evidence_sentence(evidence)
    for (a, b), intent in checked_hits(text, learned):
        flags += [_intent_flag(h.phrase, sentence_text) for h in intent]
        if not intent:
            flags += [f for _, _, f in _phrase_edits(text[a:b])]
    return flags


def language_level(text: str, learned: bool = True) -> Literal["L1", "L2", "L3"]:
    """Return the evidence level that the wording of ``text`` asserts (L1 when purely behavioural)."""
    needs = {f.needs for f in scan_language(text, learned=learned)}
    return "L3" if "L3" in needs else "L2" if "L2" in needs else "L1"


class LanguageSpan(BaseModel):
    """Where in a text a word or phrase needs more than the achieved level (character offsets)."""

    start: int
    end: int
    phrase: str
    kind: LanguageKind
    needs: Literal["L2", "L3"]


def level_spans(text: str, achieved: AchievedLevel, learned: bool = True) -> list[LanguageSpan]:
    """Return the spans of ``text`` whose wording needs a level above ``achieved``, in order.

    ``text[span.start:span.end]`` is the author's wording (``span.phrase`` joins its words), so a report can
    mark it in place. Intent spans are the flagged words themselves; in a sentence without intent wording,
    the causal and robustness phrases that :func:`downgrade` would rewrite.

    Args:
        text: A claim statement.
        achieved: The evidence level reached (``L0`` when not even L1).
        learned: Apply the learned probe to the intent rules (:func:`checked_hits`).

    Returns:
        The spans, sorted by start; empty when the wording fits the level.
    """
    rank = LEVEL_RANK[achieved]
    spans: list[LanguageSpan] = []
    for (a, b), intent in checked_hits(text, learned):
        if intent:
            if rank < LEVEL_RANK["L3"]:
                spans += [
                    LanguageSpan(start=h.start, end=h.end, phrase=h.phrase, kind="intent", needs="L3")
                    for h in intent
                ]
            continue
        for start, end, flag in _phrase_edits(text[a:b]):
            if LEVEL_RANK[flag.needs] > rank:
                lead = len(text[a + start : a + end]) - len(text[a + start : a + end].lstrip())
                tail = len(text[a + start : a + end].rstrip())
                spans.append(
                    LanguageSpan(
                        start=a + start + lead,
                        end=a + start + tail,
                        phrase=flag.phrase,
                        kind=flag.kind,
                        needs=flag.needs,
                    )
                )
    return sorted(spans, key=lambda s: s.start)


def downgrade(
    text: str, achieved: AchievedLevel, evidence: EvidenceNote | None = None, learned: bool = True
) -> tuple[str, list[LanguageFlag]]:
    """Rewrite the wording of ``text`` that needs more than ``achieved``; return the text and the flags.

    The first sentence with intent wording becomes :func:`evidence_sentence` of ``evidence``; later intent
    sentences are dropped (they rest on the same evidence). Causal and robustness phrases are rewritten in
    place in the sentences that remain.

    Args:
        text: A claim statement.
        achieved: The evidence level reached (``L0`` when not even L1).
        evidence: What the evidence showed (counts, construct, rule, judge); a generic sentence without it.
        learned: Apply the learned probe to the intent rules (:func:`checked_hits`).

    Returns:
        ``(rewritten, flags)``; ``rewritten == text`` and ``flags == []`` when the wording fits the level.
    """
    rank = LEVEL_RANK[achieved]
    replacement = evidence_sentence(evidence)
    pieces: list[str] = []
    flags: list[LanguageFlag] = []
    replaced = False
    for (a, b), hits in checked_hits(text, learned):
        sentence = text[a:b]
        intent = hits if rank < LEVEL_RANK["L3"] else []
        if intent:
            flags += [_intent_flag(h.phrase, replacement) for h in intent]
            if not replaced:
                pieces.append(replacement)
                replaced = True
            continue
        edits = [e for e in _phrase_edits(sentence) if LEVEL_RANK[e[2].needs] > rank]
        for start, end, flag in sorted(edits, key=lambda e: e[0], reverse=True):
            sentence = sentence[:start] + flag.replacement + sentence[end:]
        flags += [e[2] for e in sorted(edits, key=lambda e: e[0])]
        pieces.append(sentence)
    if not flags:
        return text, []
    out = re.sub(r"  +", " ", " ".join(p.strip() for p in pieces)).strip()
    return out[:1].upper() + out[1:], flags
