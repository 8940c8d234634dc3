"""Calibrating the rubric judge per dimension against hand-labelled transcripts.

For each dimension: Spearman's rank correlation between the judge's and the human scores, with a 95 % CI
from the Fisher z-transform with the Bonett-Wright standard error ``sqrt((1 + rho^2 / 2) / (n - 3))``; and
Cohen's kappa (with its CI, :func:`~assay.scoring.cohen_kappa_ci`) of the binary call "elicited" (score >=
the rubric's declared threshold). Items the judge fails on are listed and left out, never counted as
agreement or disagreement. Correlations are undefined (NaN, reported as such) when either side is constant
or fewer than four items remain.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

from inspect_ai.model import Model
from pydantic import BaseModel, ConfigDict, Field

from assay._errors import AssayError
from assay._textfile import read_jsonl_models
from assay.judging import JudgeFailure, KappaCI, cohen_kappa_ci
from assay.scoring._classifier import file_sha256
from assay.scoring.rubric._judge import TranscriptMessage, score_transcript
from assay.scoring.rubric._rubric import SCORE_MAX, SCORE_MIN, Rubric


class RubricLabelled(BaseModel):
    """One hand-labelled transcript: the messages and a human score per dimension."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    messages: list[TranscriptMessage] = Field(min_length=1)
    labels: dict[str, int] = Field(min_length=1)
    note: str = ""


class SpearmanCI(BaseModel):
    """Spearman's rho with its 95 % CI (Fisher z, Bonett-Wright SE)."""

    model_config = ConfigDict(extra="forbid")

    rho: float
    ci_low: float
    ci_high: float
    n: int
    note: str = ""


class DimensionCalibration(BaseModel):
    """Agreement of the judge with the human scores on one dimension."""

    model_config = ConfigDict(extra="forbid")

    dimension: str
    spearman: SpearmanCI
    kappa: KappaCI
    threshold: int
    human_elicited: int
    judge_elicited: int


class RubricCalibration(BaseModel):
    """Calibration of one judge with one rubric on one labelled set."""

    model_config = ConfigDict(extra="forbid")

    judge: str
    rubric: str
    rubric_version: str
    rubric_sha256: str
    labels_file: str
    items: int
    judge_errors: dict[str, str]
    dimensions: list[DimensionCalibration]
    labels_sha256: str = ""
    tuned_on_labels: bool = True


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


def spearman_ci(x: list[int], y: list[int], alpha: float = 0.05) -> SpearmanCI:
    """Spearman's rho of ``x`` and ``y`` with a Fisher-z CI (Bonett-Wright SE); NaN when undefined."""
    from scipy.stats import norm, spearmanr

    n = len(x)
    if n < 4 or len(set(x)) < 2 or len(set(y)) < 2:
        note = "fewer than 4 items" if n < 4 else "constant scores on one side"
        return SpearmanCI(rho=math.nan, ci_low=math.nan, ci_high=math.nan, n=n, note=note)
    rho = float(spearmanr(x, y).statistic)
    if abs(rho) >= 1.0 - 1e-12:  # round-off: spearmanr gives 0.9999999999999999 for identical ranks
        rho = math.copysign(1.0, rho)
        note = "perfect rank agreement: the Fisher-z interval degenerates to a point"
        return SpearmanCI(rho=rho, ci_low=rho, ci_high=rho, n=n, note=note)
    z = math.atanh(rho)
    se = math.sqrt((1 + rho**2 / 2) / (n - 3))
    q = float(norm.ppf(1 - alpha / 2))
    return SpearmanCI(rho=rho, ci_low=math.tanh(z - q * se), ci_high=math.tanh(z + q * se), n=n)


def calibrate_dimension(
    name: str, human: list[int], judged: list[int], threshold: int
) -> DimensionCalibration:
    """Spearman and thresholded kappa for one dimension from aligned human and judge scores."""
    h_bin = ["elicited" if v >= threshold else "not" for v in human]
    j_bin = ["elicited" if v >= threshold else "not" for v in judged]
    return DimensionCalibration(
        dimension=name,
        spearman=spearman_ci(human, judged),
        kappa=cohen_kappa_ci(h_bin, j_bin, labels=["not", "elicited"]),
        threshold=threshold,
        human_elicited=h_bin.count("elicited"),
        judge_elicited=j_bin.count("elicited"),
    )


async def calibrate_rubric_async(
    items: list[RubricLabelled],
    judge: Model,
    rubric: Rubric,
    labels_file: str = "",
    *,
    tuned_on_labels: bool = True,
) -> RubricCalibration:
    """Score every labelled item with ``judge`` and compare with the human scores, dimension by dimension.

    ``tuned_on_labels`` says whether the rubric was written or tuned with these labels in view (the default:
    only a set declared held out can validate the judge, checklist S3.5).
    """
    errors: dict[str, str] = {}
    judged: dict[str, dict[str, int]] = {}
    for item in items:
        try:
            result = await score_transcript([judge], rubric, item.messages)
        except JudgeFailure as ex:
            errors[item.id] = str(ex)
            continue
        judged[item.id] = {name: s.score for name, s in result.scores.items()}
    dims: list[DimensionCalibration] = []
    for name in rubric.names:
        pairs = [(i.labels[name], judged[i.id][name]) for i in items if i.id in judged and name in i.labels]
        if not any(name in i.labels for i in items):
            continue
        dims.append(calibrate_dimension(name, [h for h, _ in pairs], [j for _, j in pairs], rubric.threshold))
    return RubricCalibration(
        judge=str(judge),
        rubric=rubric.name,
        rubric_version=rubric.version,
        rubric_sha256=rubric.sha256,
        labels_file=labels_file,
        items=len(items),
        judge_errors=errors,
        dimensions=dims,
        labels_sha256=file_sha256(labels_file) if labels_file and Path(labels_file).is_file() else "",
        tuned_on_labels=tuned_on_labels,
    )


def _num(v: float) -> str:
    return "undefined" if math.isnan(v) else f"{v:.3f}"


def format_rubric_calibration(report: RubricCalibration) -> str:
    """Plain-text table: per dimension Spearman [CI] and kappa [CI] at the threshold, with n."""
    kappa_head = f"kappa at >= {report.dimensions[0].threshold}" if report.dimensions else "kappa"
    lines = [
        f"judge: {report.judge}",
        f"rubric: {report.rubric} v{report.rubric_version} (sha256 {report.rubric_sha256[:16]})",
        f"items: {report.items}   judge errors: {len(report.judge_errors)}",
        f"{'dimension':<24} {'spearman [95% CI]':<30} {kappa_head:<30} n  human+/judge+",
    ]
    for d in report.dimensions:
        s, k = d.spearman, d.kappa
        rho = f"{_num(s.rho)} [{_num(s.ci_low)}, {_num(s.ci_high)}]"
        kap = f"{_num(k.kappa)} [{_num(k.ci_low)}, {_num(k.ci_high)}]"
        lines.append(f"{d.dimension:<24} {rho:<30} {kap:<30} {s.n:<2} {d.human_elicited}/{d.judge_elicited}")
    notes = sorted({f"{d.dimension}: {d.spearman.note}" for d in report.dimensions if d.spearman.note})
    lines += [f"note: {n}" for n in notes]
    for item_id, err in report.judge_errors.items():
        lines.append(f"judge error on {item_id}: {err}")
    return "\n".join(lines)
