"""Calibrating the rubric judge per dimension against hand labels (``assay calibrate rubric-judge``).

The result is the common :class:`~assay.judging.Calibration`, one field per dimension: Spearman's rank
correlation between the judge's and the human scores (95 % CI, Fisher z with the Bonett-Wright standard
error, :func:`~assay.judging.correlation_ci`) and Cohen's kappa of the binary call "elicited" (score >= the
rubric's declared threshold, :func:`~assay.judging.cohen_kappa_ci`). A dimension the judge failed on for an
item leaves that item out of that dimension only, and the item is listed with the reason; failures are never
counted as agreement or disagreement. ``config`` holds the rubric's identity and how the judge was asked
(:class:`RubricCalibrationConfig`).
"""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path

from inspect_ai.model import Model
from pydantic import BaseModel, ConfigDict, Field

from assay._errors import AssayError
from assay._strict import Strict
from assay._textfile import read_jsonl_models
from assay.judging import (
    Calibration,
    FieldAgreement,
    Scoring,
    cohen_kappa_ci,
    correlation_ci,
    each,
    model_keys,
)
from assay.scoring._classifier import file_sha256
from assay.scoring.rubric._ask import RubricSettings, score_transcript
from assay.scoring.rubric._judge import PROMPT_SHA256, DimensionRecord, RubricScores, TranscriptMessage
from assay.scoring.rubric._rubric import SCORE_MAX, SCORE_MIN, Rubric

#: The calibration role of the rubric judge.
RUBRIC_CALIBRATION_ROLE = "rubric-judge"


class RubricLabelled(BaseModel):
    """One hand-labelled transcript: the messages and a human score per dimension."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    messages: list[TranscriptMessage] = Field(min_length=1)
    labels: dict[str, int] = Field(min_length=1)
    note: str = ""


class RubricCalibrationConfig(Strict):
    """``Calibration.config`` of the rubric judge: the rubric's identity and how the judge was asked."""

    rubric: str
    rubric_version: str
    rubric_sha256: str
    threshold: int
    primary: str
    group_size: int
    max_tokens: int | None = None


def builtin_rubric_labels_path() -> Path:
    """Path of the hand-labelled rubric transcripts shipped with assay."""
    return Path(str(resources.files(__package__).joinpath("data").joinpath("rubric_labels.jsonl")))


def load_rubric_labels(path: str | Path, rubric: Rubric | None = None) -> list[RubricLabelled]:
    """Read a rubric labels JSONL file; with ``rubric``, check the labels name its dimensions and range.

    Raises:
        AssayError: Missing file, bad JSON, invalid field, duplicate id, unknown dimension or score out of
            range (the message names line and field).
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"labels file not found: {p}")
    items: list[RubricLabelled] = []
    for n, item in read_jsonl_models(p, RubricLabelled, "labels file", lambda i: i.id):
        for dim, score in item.labels.items():
            if not SCORE_MIN <= score <= SCORE_MAX:
                raise AssayError(f"{p}:{n}: labels.{dim}: score {score} outside {SCORE_MIN}-{SCORE_MAX}")
            if rubric is not None and dim not in rubric.names:
                raise AssayError(f"{p}:{n}: labels.{dim}: not a dimension of rubric {rubric.name}")
        items.append(item)
    if not items:
        raise AssayError(f"labels file {p} has no items")
    return items


def calibrate_dimension(name: str, human: list[int], judged: list[int], threshold: int) -> FieldAgreement:
    """Spearman and kappa at ``threshold`` for one dimension from aligned human and judge scores."""
    h_bin = ["elicited" if v >= threshold else "not" for v in human]
    j_bin = ["elicited" if v >= threshold else "not" for v in judged]
    return FieldAgreement(
        field=name,
        kappa=cohen_kappa_ci(h_bin, j_bin, labels=["not", "elicited"]),
        correlation=correlation_ci(human, judged, "spearman"),
        threshold=threshold,
        n=len(human),
    )


def call_counts(records: dict[str, DimensionRecord]) -> tuple[int, int]:
    """Model calls and repair retries behind one transcript's records (a group's calls counted once)."""
    calls = retries = 0
    seen: set[int] = set()
    for r in records.values():
        if r.group is not None and r.group in seen:
            continue
        if r.group is not None:
            seen.add(r.group)
        calls, retries = calls + r.calls, retries + r.retries
    return calls, retries


class _Tally:
    """What a calibration run accumulates over items."""

    def __init__(self) -> None:
        self.judged: dict[str, dict[str, int]] = {}
        self.errors: dict[str, str] = {}
        self.methods: Counter[str] = Counter()
        self.calls = 0
        self.retries = 0


async def _judge_items(
    items: list[RubricLabelled], judge: Model, rubric: Rubric, settings: RubricSettings
) -> _Tally:
    tally = _Tally()

    async def one(item: RubricLabelled) -> RubricScores:
        return await score_transcript([judge], rubric, item.messages, settings)

    for item, result in zip(items, await each(items, one, "calibrating rubric-judge"), strict=True):
        tally.judged[item.id] = {n: s.score for n, s in result.scores.items()}
        tally.methods.update(s.method for s in result.scores.values())
        calls, retries = call_counts(result.dimensions)
        tally.calls, tally.retries = tally.calls + calls, tally.retries + retries
        if result.errors:
            reasons = sorted(set(result.errors.values()))
            tally.errors[item.id] = f"dimension(s) {', '.join(result.errors)}: {'; '.join(reasons)}"
    return tally


async def calibrate_rubric_async(
    items: list[RubricLabelled],
    judge: Model,
    rubric: Rubric,
    labels_file: str = "",
    *,
    settings: RubricSettings | None = None,
    tuned_on_labels: bool = True,
) -> Calibration:
    """Score every labelled item with ``judge`` and compare with the human scores, dimension by dimension.

    ``tuned_on_labels`` says whether the rubric was written or tuned with these labels in view (the default:
    only a set declared held out can validate the judge, checklist S3.5).
    """
    asked = settings or RubricSettings()
    tally = await _judge_items(items, judge, rubric, asked)
    fields: list[FieldAgreement] = []
    for name in rubric.names:
        if not any(name in i.labels for i in items):
            continue
        kept = [
            (i.labels[name], tally.judged[i.id][name])
            for i in items
            if name in i.labels and name in tally.judged[i.id]
        ]
        fields.append(calibrate_dimension(name, [h for h, _ in kept], [j for _, j in kept], rubric.threshold))
    config = RubricCalibrationConfig(
        rubric=rubric.name,
        rubric_version=rubric.version,
        rubric_sha256=rubric.sha256,
        threshold=rubric.threshold,
        primary=rubric.primary,
        group_size=asked.group_size,
        max_tokens=asked.max_tokens,
    )
    return Calibration(
        role=RUBRIC_CALIBRATION_ROLE,
        judge=model_keys([judge])[0],
        scoring=asked.scoring,
        methods=dict(tally.methods),
        prompt=f"rubric-judge ({rubric.name})",
        prompt_version=rubric.version,
        prompt_sha256=PROMPT_SHA256,
        labels_file=labels_file,
        labels_sha256=file_sha256(labels_file) if labels_file and Path(labels_file).is_file() else "",
        tuned_on_labels=tuned_on_labels,
        items=len(items),
        judge_errors=tally.errors,
        calls=tally.calls,
        retries=tally.retries,
        fields=fields,
        config=config.model_dump(mode="json"),
    )


async def run_rubric_calibration(
    model: Model | None, labels: Path, scoring: Scoring, tuned_on_labels: bool
) -> Calibration:
    """The ``rubric-judge`` role of ``assay calibrate``: the built-in rubric, default group size.

    Raises:
        AssayError: No model given.
    """
    from assay.scoring.rubric._rubric import load_rubric

    if model is None:
        raise AssayError("--model: calibrating rubric-judge needs the model that plays it")
    rubric = load_rubric()
    items = load_rubric_labels(labels, rubric)
    settings = RubricSettings(scoring=scoring)
    return await calibrate_rubric_async(
        items, model, rubric, str(labels), settings=settings, tuned_on_labels=tuned_on_labels
    )
