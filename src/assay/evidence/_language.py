"""Claim language: find wording that asserts more than the evidence level, and rewrite it behaviourally.

Three kinds of wording are recognised:

* **intent** (mental states, goals, deception: "knows", "wants", "lies", "covertly", "hidden goal") — needs
  L3. Found by :func:`intent_phrases` with the lexicon of :mod:`assay.evidence._lexicon`, only where the
  model is the subject, never inside quotations or reported speech;
* **causal** ("causes", "is driven by", "encodes", and "steering lowers ...": an effect verb whose subject
  is an intervention on the model's internals) — needs L3 (a targeted intervention);
* **robustness** ("reliably", "consistently", "tends to") — needs L2.

:func:`downgrade` rewrites what the achieved level does not support. A sentence with intent wording is
replaced as a whole by one behavioural sentence that says what the evidence was ("In 34 of 50 samples, the
model's output met the claim's decision rule for blackmail ..."), built from an :class:`EvidenceNote`; it
names a judge only when the logs record one. Causal and robustness phrases are rewritten in place.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from assay.evidence import _lexicon as lx

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


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.\-]*[A-Za-z0-9]|[A-Za-z0-9]|[^\sA-Za-z0-9]")
_QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”|(?<![\w'])'[^']*'(?![\w])")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”']?\s+(?=[A-Z\"“'(])")


class _Tok:
    __slots__ = ("end", "low", "quoted", "start", "text")

    def __init__(self, m: re.Match[str], quoted: bool) -> None:
        self.text, self.start, self.end, self.quoted = m.group(0), m.start(), m.end(), quoted
        self.low = self.text.lower().replace("’", "'")


def _tokens(sentence: str) -> list[_Tok]:
    spans = [(m.start(), m.end()) for m in _QUOTES.finditer(sentence)]
    toks = []
    for m in _TOKEN.finditer(sentence):
        quoted = any(a <= m.start() < b for a, b in spans)
        toks.append(_Tok(m, quoted))
    return toks


def _possessor(low: str) -> str | None:
    return low[:-2] if low.endswith("'s") else ("it" if low == "its" else None)


_PRONOUNS = frozenset({"it", "itself", "he", "she", "they", "we", "i", "you"})


def _is_model(word: str) -> bool:
    return word in lx.MODEL_NOUNS or bool(lx.MODEL_NAME.match(word))


def _is_intent_word(low: str) -> bool:
    return (
        low in lx.INTENT_VERBS
        or low in lx.DECEPTION_VERBS
        or low in lx.CHOICE_VERBS
        or low in lx.INTENT_ADVERBS
        or low in lx.INTENT_ADJECTIVES
    )


def _subject(seg: list[_Tok]) -> tuple[str, bool]:
    """Return the subject of a clause (``model``, ``other`` or ``inherit``) and whether the model owns it."""
    i = 0
    while i < len(seg) and (seg[i].low in lx.AUXILIARIES or seg[i].low.endswith("ly")):
        i += 1
    if i == len(seg):
        return "inherit", False
    first = seg[i]
    if first.low.endswith("ing") and first.low not in lx.MODEL_NOUNS:
        return "inherit", False  # a participle ("Knowing it would be replaced, the model ...")
    capital = first.text[:1].isupper()
    known = first.low in lx.MODEL_NOUNS or first.low in lx.OTHER_SUBJECTS or _is_model(first.text)
    if not (first.low in lx.DETERMINERS or known or capital or _possessor(first.low)):
        return "inherit", False
    head, owned = "", False
    for tok in seg[i : i + 6]:
        pos = _possessor(tok.low)
        if pos is not None:
            owned, head = _is_model(pos), ""
            continue
        if tok.low in lx.DETERMINERS:
            continue
        if head and tok.low in _PRONOUNS:  # "Knowing it ...": a new phrase, not part of the subject
            break
        if _is_model(tok.low) or _is_model(tok.text):
            head = "model"
        elif tok.low in lx.OTHER_SUBJECTS or (tok.text[:1].isupper() and not head):
            head = "other"
        elif head or tok.low in lx.AUXILIARIES or _is_intent_word(tok.low) or tok.low in lx.SPEECH_VERBS:
            break
    return (head or "other"), owned


def _clauses(toks: list[_Tok]) -> list[tuple[str, list[_Tok]]]:
    """Split a sentence's tokens into clauses; return (opening token, clause tokens) pairs."""
    out: list[tuple[str, list[_Tok]]] = [("", [])]
    for tok in toks:
        if tok.low in lx.CLAUSE_STARTS and not tok.quoted:
            out.append((tok.low, []))
        else:
            out[-1][1].append(tok)
    return [c for c in out if c[1]]


def _phrase_at(toks: list[_Tok], j: int) -> int:
    """Return the length of the multi-word intent phrase starting at token ``j`` (0 when none)."""
    for phrase in lx.INTENT_PHRASES:
        words = [t.low for t in toks[j : j + len(phrase)]]
        if tuple(words) == phrase and not any(t.quoted for t in toks[j : j + len(phrase)]):
            return len(phrase)
    return 0


def _owned_by_model(toks: list[_Tok], j: int) -> bool:
    """Whether the noun phrase at ``j`` is the model's ("its hidden goal", "the model's intent")."""
    for back in range(1, 3):
        if j - back < 0:
            return False
        pos = _possessor(toks[j - back].low)
        if pos is not None:
            return _is_model(pos)
    return False


def _clause_hits(clause: list[_Tok], subject: str, reported: bool, after: str = "") -> tuple[list[str], bool]:
    """Return the intent phrases of one clause and whether reported speech is still open at its end.

    ``after`` is the token that opens the next clause (``that`` in "decided that ...").
    """
    hits: list[str] = []
    j = 0
    while j < len(clause):
        tok = clause[j]
        nxt = clause[j + 1].low if j + 1 < len(clause) else after
        if tok.low in lx.SPEECH_RESETS:
            reported = False
        if tok.quoted or reported:
            j += 1
            continue
        if tok.low in lx.SPEECH_VERBS or tok.low in lx.LABEL_VERBS:
            reported = True
            j += 1
            continue
        quote_next = j + 1 < len(clause) and clause[j + 1].quoted
        if tok.low in lx.SPEECH_VERBS_WITH_THAT and (nxt in ("that", ":") or quote_next):
            reported = True
            j += 1
            continue
        size = _phrase_at(clause, j)
        model = subject == "model"
        if size and (model or _owned_by_model(clause, j)):
            hits.append(" ".join(t.text for t in clause[j : j + size]))
            j += size
            continue
        low = tok.low
        after_article = j > 0 and clause[j - 1].low in ("the", "a", "an")  # "the plans": a noun, not a verb
        verb = (low in lx.INTENT_VERBS or low in lx.DECEPTION_VERBS) and not after_article
        flagged = model and (
            verb
            or low in lx.INTENT_ADVERBS
            or low in lx.INTENT_ADJECTIVES
            or (low in lx.CHOICE_VERBS and nxt in lx.CHOICE_COMPLEMENTS)
        )
        owned = low in lx.INTENT_NOUNS or low in lx.INTENT_ADJECTIVES
        if flagged or (owned and (model or _owned_by_model(clause, j))):
            hits.append(tok.text)
        j += 1
    return hits, reported


def intent_phrases(sentence: str) -> list[str]:
    """Return the intent words and phrases of one sentence whose subject (or possessor) is the model."""
    hits: list[str] = []
    subject, reported = "other", False
    clauses = _clauses(_tokens(sentence))
    question = False
    for i, (opener, clause) in enumerate(clauses):
        after = clauses[i + 1][0] if i + 1 < len(clauses) else ""
        if opener in lx.SPEECH_RESETS:
            reported = False
        question = opener in lx.QUESTION_OPENERS or (
            question and opener not in lx.SPEECH_RESETS and opener != ";"
        )
        own, _ = _subject(clause)
        if own == "inherit" and i == 0:  # an opening participle or subordinate clause: the main subject
            own = next((k for _, c in clauses[1:] if (k := _subject(c)[0]) != "inherit"), "other")
        elif own == "inherit":
            own = _last_noun(clauses[i - 1][1]) if opener in lx.RELATIVES else subject
        subject = own
        found, reported = _clause_hits(clause, subject, reported or question, after)
        if not question:
            hits += found
    return hits


def _last_noun(clause: list[_Tok]) -> str:
    """The kind of the last noun of a clause (``model`` or ``other``): the antecedent of a relative clause."""
    for tok in reversed(clause):
        if _is_model(tok.low) or _is_model(tok.text):
            return "model"
        if tok.low in lx.OTHER_SUBJECTS or tok.text[:1].isupper():
            return "other"
    return "other"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` span of every sentence of ``text``."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start() + len(m.group(0).rstrip())))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


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


def scan_language(text: str, evidence: EvidenceNote | None = None) -> list[LanguageFlag]:
    """Return every intent, causal or robustness phrase in ``text`` with its behavioural replacement."""
    flags: list[LanguageFlag] = []
    sentence_text = evidence_sentence(evidence)
    for a, b in split_sentences(text):
        sentence = text[a:b]
        intent = intent_phrases(sentence)
        flags += [_intent_flag(p, sentence_text) for p in intent]
        if not intent:
            flags += [f for _, _, f in _phrase_edits(sentence)]
    return flags


def language_level(text: str) -> Literal["L1", "L2", "L3"]:
    """Return the evidence level that the wording of ``text`` asserts (L1 when purely behavioural)."""
    needs = {f.needs for f in scan_language(text)}
    return "L3" if "L3" in needs else "L2" if "L2" in needs else "L1"


def downgrade(
    text: str, achieved: AchievedLevel, evidence: EvidenceNote | None = None
) -> tuple[str, list[LanguageFlag]]:
    """Rewrite the wording of ``text`` that needs more than ``achieved``; return the text and the flags.

    The first sentence with intent wording becomes :func:`evidence_sentence` of ``evidence``; later intent
    sentences are dropped (they rest on the same evidence). Causal and robustness phrases are rewritten in
    place in the sentences that remain.

    Args:
        text: A claim statement.
        achieved: The evidence level reached (``L0`` when not even L1).
        evidence: What the evidence showed (counts, construct, rule, judge); a generic sentence without it.

    Returns:
        ``(rewritten, flags)``; ``rewritten == text`` and ``flags == []`` when the wording fits the level.
    """
    rank = LEVEL_RANK[achieved]
    replacement = evidence_sentence(evidence)
    pieces: list[str] = []
    flags: list[LanguageFlag] = []
    replaced = False
    for a, b in split_sentences(text):
        sentence = text[a:b]
        intent = intent_phrases(sentence) if rank < 3 else []
        if intent:
            flags += [_intent_flag(p, replacement) for p in intent]
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
