"""Tokens, sentences and clauses for the claim-language checker (see :mod:`assay.evidence._grammar`).

Markdown emphasis (``**``, ``*``, ``_``, backticks), emoji and other symbols are not tokens, so
"**the model** wants" reads as "the model wants". Contractions are split ("doesn't" -> "does" "n't"). HTML
tags are blanked, words inside quotation marks are marked, technical terms ("chain of thought") are one
token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assay.evidence import _function_words as fw
from assay.evidence import _nouns as nn

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters and soft hyphens
_WORD = rf"[A-Za-z0-9](?:[A-Za-z0-9'’.\-_{_INVISIBLE}]*[A-Za-z0-9'])?"
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # HTML tags: <b>, </em>, <span class="x">
_TOKEN = re.compile(rf"{_WORD}|(?<=\s)-(?=\s)|[,;:()\[\]—–!?.]")
_QUOTES = re.compile(r"(?!`\w+`)`[^`]*[._:=/()][^`]*`|\"[^\"]*\"|“[^”]*”|(?<![\w'])'[^']*'(?![\w])")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”'*_`)]*\s+(?=[^a-z0-9\s])")
_CONTRACTION = re.compile(r"^(?P<word>.+?)(?P<tail>n't|'s|'re|'ve|'ll|'d|'m)$")
_NEGATED = {"ca": "can", "wo": "will", "sha": "shall"}
_SPLIT_S = frozenset({"it", "he", "she", "that", "there", "what", "who", "here", "this"})


@dataclass(slots=True)
class Tok:
    """One token of a sentence: its text, lower-cased form, character span and whether it is quoted."""

    text: str
    low: str
    start: int
    end: int
    quoted: bool
    cap: bool = False  # capitalised, in a sentence whose capitals mean something (not Title Case)
    initial: bool = False  # the sentence's first word (capitalised whatever it is)


def _split_contraction(text: str, start: int, quoted: bool) -> list[Tok]:
    low = text.lower().replace("’", "'").translate({ord(c): None for c in _INVISIBLE})
    m = _CONTRACTION.match(low)
    if m is None or (m["tail"] == "'s" and m["word"] not in _SPLIT_S) or low == "'s":
        return [Tok(text, low.rstrip("'") if low.endswith("s'") else low, start, start + len(text), quoted)]
    cut = len(m["word"])
    word = _NEGATED.get(m["word"], m["word"]) if m["tail"] == "n't" else m["word"]
    return [
        Tok(text[:cut], word, start, start + cut, quoted),
        Tok(text[cut:], m["tail"], start + cut, start + len(text), quoted),
    ]


def tokens(sentence: str) -> list[Tok]:
    """Return the tokens of ``sentence``; words inside quotation marks are marked ``quoted``.

    HTML tags are not tokens. A sentence that is wholly inside quotation marks is not a quotation (it has no
    one to quote): its words are not marked.
    """
    sentence = _TAG.sub(lambda m: " " * len(m.group(0)), sentence)  # offsets stay those of the input
    spans = [(m.start(), m.end()) for m in _QUOTES.finditer(sentence)]
    out: list[Tok] = []
    for m in _TOKEN.finditer(sentence):
        quoted = any(a <= m.start() < b for a, b in spans)
        out += _split_contraction(m.group(0), m.start(), quoted)
    out = _merge_terms(out)
    if out and all(t.quoted for t in out if t.text[:1].isalnum()):
        for tok in out:
            tok.quoted = False
    words = [t for t in out[1:] if t.text[:1].isalpha()]
    title_case = len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.6 * len(words)
    for tok in out:
        tok.cap = tok.text[:1].isupper() and not title_case
    first = next((t for t in out if t.text[:1].isalnum()), None)
    if first is not None:
        first.initial = True
    return out


def _merge_terms(toks: list[Tok]) -> list[Tok]:
    """Join each technical term ("chain of thought", "thinking tokens") into one noun token."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        lows = tuple(t.low for t in toks[i : i + 3])
        size = next((len(t) for t in nn.TECHNICAL_TERMS if lows[: len(t)] == t), 0)
        if size < 2:
            out.append(toks[i])
            i += 1
            continue
        part = toks[i : i + size]
        low = "-".join(t.low for t in part)
        out.append(Tok(" ".join(t.text for t in part), low, part[0].start, part[-1].end, part[0].quoted))
        i += size
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` span of every sentence of ``text``.

    A sentence ends at ``.``, ``!`` or ``?`` (and any closing quote or markdown marker) followed by white
    space and a character that is not a lower-case letter or a digit, so "e.g. the model" stays whole and a
    sentence that opens with an emoji or ``**`` starts a new one.
    """
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start() + len(m.group(0).rstrip())))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


@dataclass(slots=True)
class Clause:
    """A clause: the token that opened it ("" for the first, "and", "that", "," ...) and its tokens.

    ``comma``: a comma came right before the opener (", which ...": a non-restrictive relative).
    """

    opener: str
    toks: list[Tok]
    comma: bool = False


def _adverb_yet(toks: list[Tok], k: int) -> bool:
    """Whether "yet" at ``k`` is the adverb ("do not yet test", "has yet to"), not the conjunction."""
    before = toks[k - 1].low if k > 0 else ""
    after = toks[k + 1].low if k + 1 < len(toks) else ""
    return toks[k].low == "yet" and (before in ("not", "n't", "never", "as", "nor") or after == "to")


#: Forms of "be" and "get" after which "so" is a degree word ("was so eager to please", "got so angry").
_SO_AFTER = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "'s", "'re", "get", "gets", "got", "seems"}
)


def _degree_so(toks: list[Tok], k: int) -> bool:
    """Whether "so" at ``k`` modifies the next word after a copula ("was so eager"), not a conjunction."""
    return toks[k].low == "so" and k > 0 and toks[k - 1].low in _SO_AFTER and k + 1 < len(toks)


def clauses(toks: list[Tok]) -> list[Clause]:
    """Split a sentence's tokens into clauses at punctuation, conjunctions and clause openers."""
    out = [Clause("", [])]
    pending = ""  # a relative pronoun before a parenthetical: "who, in the story, wanted ..."
    for k, tok in enumerate(toks):
        opens = tok.low in fw.CLAUSE_STARTS and not tok.quoted
        if opens and not _adverb_yet(toks, k) and not _degree_so(toks, k):
            last = out[-1]
            if tok.low == "," and not last.toks and last.opener in fw.RELATIVES:
                pending = last.opener
            elif tok.low == "," and pending and last.toks:
                out.append(Clause(pending, []))
                pending = ""
                continue
            if tok.low == "that" and not last.toks and last.opener == "so":
                continue  # "so that" opens a purpose or result like "so"
            out.append(Clause(tok.low, [], comma=not last.toks and last.opener == ","))
        else:
            out[-1].toks.append(tok)
    return [c for c in out if c.toks]
