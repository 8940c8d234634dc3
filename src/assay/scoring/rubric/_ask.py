"""Asking one or more judges to score a transcript on a rubric: groups of dimensions or log-probabilities.

**Groups and their token budget.** With generated replies the rubric is judged ``group_size`` dimensions at
a time (:data:`DEFAULT_GROUP_SIZE`), one call per group, so a reply never has to hold all 22 justifications.
Each call's ``max_tokens`` is sized from its group: :data:`TOKENS_PER_DIMENSION` per dimension (a
justification of :data:`MAX_JUSTIFICATION` characters at :data:`CHARS_PER_TOKEN` characters per token, plus
:data:`DIMENSION_OVERHEAD` tokens for the name, score, citations and JSON punctuation) plus
:data:`REPLY_OVERHEAD` for the reply's own braces and any preamble. ``max_tokens`` may be fixed instead
(:class:`RubricSettings`), which is how the old one-call judge (22 dimensions, 1024 tokens) is reproduced.

**Retries, counted per dimension.** Every group call goes through :func:`assay.judging.ask`: a reply that
does not validate, or was cut off at ``max_tokens``, gets a repair message and is retried up to ``retries``
times. A group that still fails leaves each of its dimensions without a score, with the reason; the calls
and retries of a group are recorded for each of its dimensions.

**Log-probability scoring.** Per dimension, a score-only prompt; each of ``1``...``10`` is scored as the
whole reply (:func:`assay.judging.score_options`, ``whole=True``). The recorded ``expectation`` is the
probability-weighted mean; the integer score (used for thresholds) is that mean **rounded half up**
(argmax is not used: it ignores how the rest of the mass is spread). ``scoring='auto'`` uses it when the
judge offers log-probabilities (probed on the first dimension), else generated groups; a later dimension
without a reading (too little mass on the options) falls back to a generated group in ``auto`` and is a
judge error in ``logprob``.

**Panels.** Several judges: each dimension's score is the median of the judges' scores (half up), with the
justification of the judge closest to it; a dimension any judge failed on has no score (never a partial
panel).
"""

from __future__ import annotations

import asyncio
import math
import statistics
from collections.abc import Sequence

from inspect_ai.model import GenerateConfig, Model
from pydantic import Field, ValidationError

from assay._errors import AssayError, validation_problem
from assay._strict import Strict
from assay.judging import DEFAULT_RETRIES, JudgeFailure, Scoring, ask, model_keys, score_options
from assay.scoring.rubric._judge import (
    MAX_JUSTIFICATION,
    PROMPT_SHA256,
    DimensionRecord,
    DimensionScore,
    RubricScores,
    TranscriptMessage,
    dimension_prompt,
    group_prompt,
    parse_rubric_reply,
)
from assay.scoring.rubric._rubric import SCORE_MAX, SCORE_MIN, Rubric

#: Dimensions judged per call by default.
DEFAULT_GROUP_SIZE = 6

#: Conservative characters per token for English prose (most tokenizers give about 4).
CHARS_PER_TOKEN = 3

#: Tokens per dimension besides its justification: name, score, citations, JSON punctuation.
DIMENSION_OVERHEAD = 40

#: Token budget of one dimension in a generated reply.
TOKENS_PER_DIMENSION = math.ceil(MAX_JUSTIFICATION / CHARS_PER_TOKEN) + DIMENSION_OVERHEAD

#: Tokens per reply besides its dimensions (outer braces, a short preamble).
REPLY_OVERHEAD = 64

#: The scale points offered to log-probability scoring, as whole replies.
SCALE = [str(v) for v in range(SCORE_MIN, SCORE_MAX + 1)]

Judged = tuple[dict[str, DimensionScore], dict[str, DimensionRecord]]


class RubricSettings(Strict):
    """How the rubric judge asks (declared before a run; recorded with every score).

    Attributes:
        group_size: Dimensions per generated call.
        scoring: ``auto``, ``generate`` or ``logprob`` (see the module docstring).
        retries: Repair retries per group call.
        max_tokens: A fixed token limit per call; ``None`` sizes it from the group (:func:`group_max_tokens`).
    """

    group_size: int = Field(default=DEFAULT_GROUP_SIZE, ge=1)
    scoring: Scoring = "auto"
    retries: int = Field(default=DEFAULT_RETRIES, ge=0)
    max_tokens: int | None = Field(default=None, ge=1)


def rubric_settings(**values: object) -> RubricSettings:
    """Build :class:`RubricSettings`, a bad value raising a one-line error that names the field.

    Raises:
        AssayError: A value out of range or of the wrong type.
    """
    try:
        return RubricSettings.model_validate(values)
    except ValidationError as ex:
        raise AssayError(f"rubric judge {validation_problem(ex, 'settings')}") from None


def group_max_tokens(dimensions: int) -> int:
    """The ``max_tokens`` of a call judging ``dimensions`` dimensions."""
    return dimensions * TOKENS_PER_DIMENSION + REPLY_OVERHEAD


def dimension_groups(names: Sequence[str], group_size: int) -> list[list[str]]:
    """``names`` in rubric order, cut into groups of at most ``group_size``."""
    return [list(names[i : i + group_size]) for i in range(0, len(names), group_size)]


async def _ask_group(
    model: Model,
    rubric: Rubric,
    group: list[str],
    index: int,
    messages: Sequence[TranscriptMessage],
    settings: RubricSettings,
) -> Judged:
    ids = {m.id for m in messages}
    tokens = settings.max_tokens or group_max_tokens(len(group))
    config = GenerateConfig(temperature=0.0, max_tokens=tokens)
    try:
        judged = await ask(
            model,
            group_prompt(rubric, group, messages),
            lambda text: parse_rubric_reply(text, rubric, ids, group),
            config=config,
            retries=settings.retries,
        )
    except JudgeFailure as ex:
        failed = DimensionRecord(
            method="generate", group=index, calls=ex.calls, retries=ex.calls - 1, error=str(ex)
        )
        return {}, {n: failed for n in group}
    ok = DimensionRecord(method="generate", group=index, calls=judged.calls, retries=judged.retries)
    return judged.value, {n: ok for n in group}


async def _ask_groups(
    model: Model,
    rubric: Rubric,
    names: Sequence[str],
    messages: Sequence[TranscriptMessage],
    settings: RubricSettings,
) -> Judged:
    scores: dict[str, DimensionScore] = {}
    records: dict[str, DimensionRecord] = {}
    for index, group in enumerate(dimension_groups(names, settings.group_size)):
        got, how = await _ask_group(model, rubric, group, index, messages, settings)
        scores |= got
        records |= how
    return scores, records


async def score_dimension(
    model: Model, rubric: Rubric, name: str, messages: Sequence[TranscriptMessage]
) -> DimensionScore | None:
    """One dimension by log-probability scoring; ``None`` when the model gives no reading."""
    reading = await score_options(model, dimension_prompt(rubric, name, messages), SCALE, whole=True)
    if reading is None:
        return None
    mean = reading.expectation([float(v) for v in SCALE])
    score = min(SCORE_MAX, max(SCORE_MIN, math.floor(mean + 0.5)))
    return DimensionScore(score=score, method=reading.method, expectation=mean)


async def _read_dimension(
    model: Model, rubric: Rubric, name: str, messages: Sequence[TranscriptMessage]
) -> DimensionScore | DimensionRecord | None:
    """A dimension's log-probability score, the record of a failed call, or ``None`` (no reading)."""
    try:
        return await score_dimension(model, rubric, name, messages)
    except Exception as ex:  # any failure of the judge is a judge error of this dimension
        return DimensionRecord(
            method="exact", calls=1, error=f"judge {model} failed: {type(ex).__name__}: {ex}"
        )


async def _ask_logprob(
    model: Model, rubric: Rubric, messages: Sequence[TranscriptMessage], settings: RubricSettings
) -> Judged:
    names = rubric.names
    first = await _read_dimension(model, rubric, names[0], messages)  # the probe
    if first is None and settings.scoring == "auto":
        return await _ask_groups(model, rubric, names, messages, settings)  # no log-probabilities here
    rest = await asyncio.gather(*(_read_dimension(model, rubric, n, messages) for n in names[1:]))
    scores: dict[str, DimensionScore] = {}
    records: dict[str, DimensionRecord] = {}
    unread: list[str] = []
    for name, got in zip(names, [first, *rest], strict=True):
        if isinstance(got, DimensionScore):
            scores[name], records[name] = got, DimensionRecord(method=got.method, calls=1)
        elif isinstance(got, DimensionRecord):
            records[name] = got
        else:
            unread.append(name)
    if settings.scoring == "logprob":
        why = f"judge {model} gave no log-probability reading of the scale"
        return scores, records | {n: DimensionRecord(method="exact", calls=1, error=why) for n in unread}
    got_scores, got_records = await _ask_groups(model, rubric, unread, messages, settings)
    return scores | got_scores, records | got_records


async def ask_rubric_judge(
    model: Model, rubric: Rubric, messages: Sequence[TranscriptMessage], settings: RubricSettings
) -> Judged:
    """One judge's scores of every dimension it could score, and per dimension how (or why not)."""
    if settings.scoring == "generate":
        return await _ask_groups(model, rubric, rubric.names, messages, settings)
    return await _ask_logprob(model, rubric, messages, settings)


def _median_score(name: str, results: list[dict[str, DimensionScore]]) -> DimensionScore:
    if len(results) == 1:
        return results[0][name]
    median = math.floor(statistics.median(r[name].score for r in results) + 0.5)  # half up
    closest = min(results, key=lambda r: abs(r[name].score - median))[name]
    expectations = [r[name].expectation for r in results]
    return closest.model_copy(
        update={
            "score": median,
            "expectation": statistics.median(e for e in expectations if e is not None)
            if all(e is not None for e in expectations)
            else None,
        }
    )


def _panel_record(records: list[DimensionRecord]) -> DimensionRecord:
    errors = [r.error for r in records if r.error]
    return records[0].model_copy(
        update={
            "calls": sum(r.calls for r in records),
            "retries": sum(r.retries for r in records),
            "error": "; ".join(errors),
        }
    )


async def score_transcript(
    judges: Sequence[Model],
    rubric: Rubric,
    messages: Sequence[TranscriptMessage],
    settings: RubricSettings | None = None,
) -> RubricScores:
    """Score a transcript with one or more judges (see the module docstring for groups and panels).

    Raises:
        JudgeFailure: No judge configured.
    """
    settings = settings or RubricSettings()
    if not judges:
        raise JudgeFailure("no rubric judge configured (bind the 'judge' model role or pass judge=...)")
    keys = model_keys(judges)
    results = [await ask_rubric_judge(j, rubric, messages, settings) for j in judges]
    scores = [s for s, _ in results]
    records = {n: _panel_record([r[n] for _, r in results]) for n in rubric.names}
    return RubricScores(
        rubric=rubric.name,
        rubric_version=rubric.version,
        rubric_sha256=rubric.sha256,
        prompt_sha256=PROMPT_SHA256,
        judges=keys,
        scoring=settings.scoring,
        group_size=settings.group_size,
        scores={n: _median_score(n, scores) for n in rubric.names if not records[n].error},
        dimensions=records,
        per_judge={k: {n: v.score for n, v in s.items()} for k, s in zip(keys, scores, strict=True)},
    )
