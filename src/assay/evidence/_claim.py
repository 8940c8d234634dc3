"""Claims: one pydantic model, round-tripping through YAML, stating what is claimed and on what evidence."""

from __future__ import annotations

import glob
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file

Level = Literal["L1", "L2", "L3"]

#: Largest ``control_max_rate`` a claim may declare.
CONTROL_MAX_RATE_LIMIT = 0.2
FactorValue = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Construct(_Strict):
    """The behaviour, defined operationally (what counts, in terms a reader could re-score)."""

    name: str = Field(min_length=1)
    definition: str = Field(min_length=1)


class JudgeRule(_Strict):
    """The judge configuration the decision rule fixes (checked against the logs' ``judge_config``)."""

    model: str | None = None
    prompt_sha256: str | None = None
    threshold: float | None = None


class DecisionRule(_Strict):
    """How a sample is classified, fixed before the run.

    Attributes:
        description: The rule in words.
        positive: Outcome values counted as the behaviour.
        scorer: The main scorer's name in the logs.
        judge: Judge configuration, when a judge decides.
        declared_at: When the rule was fixed (checked to precede every log).
    """

    description: str = Field(min_length=1)
    positive: list[str] = Field(default_factory=lambda: ["harmful"], min_length=1)
    scorer: str | None = None
    judge: JudgeRule | None = None
    declared_at: datetime | None = None


class Selector(_Strict):
    """Rows of the tidy table: every field given must match (factor values compared as text)."""

    task: str | None = None
    model: str | None = None
    condition_id: str | None = None
    factors: dict[str, FactorValue] = Field(default_factory=dict)


class Comparison(_Strict):
    """A contrast between two levels of one factor (``treatment`` minus ``control``)."""

    factor: str = Field(min_length=1)
    treatment: FactorValue
    control: FactorValue


class Prediction(_Strict):
    """A falsifiable prediction declared before the evidence was collected.

    Its outcome comes from an intervention in the study metrics (``intervention``), a factor contrast in the
    logs (``comparison``), or a ``prediction_outcomes`` entry with the same ``name``.
    """

    name: str = Field(min_length=1)
    statement: str = ""
    direction: Literal["increase", "decrease", "no_change"]
    intervention: str | None = None
    comparison: Comparison | None = None
    declared_at: datetime | None = None


class Evidence(_Strict):
    """Files the claim rests on, relative to the claim file; log entries may be glob patterns."""

    logs: list[str] = Field(default_factory=list)
    study_metrics: list[str] = Field(default_factory=list)


class Claim(_Strict):
    """A claim about model behaviour, with everything the 33-item checklist needs.

    Attributes:
        id: Short identifier.
        statement: The claim in one or two sentences (scanned for intent and causal language).
        construct_definition: Operational definition of the behaviour (YAML key ``construct``).
        decision_rule: How samples are classified.
        target_level: The evidence level the claim aims at (``L1``, ``L2``, ``L3``).
        alternative_explanations: Two to five rival explanations.
        deployment_context: The setting the claim is meant to generalise to.
        subject: Rows the statement is about (default: all rows).
        primary_comparison: The main factor contrast, if the claim is about an effect.
        claimed_effect: The effect size claimed (absolute difference in rate), for the power check.
        negative_controls: Conditions where the behaviour should be (near) absent.
        control_max_rate: A negative control is "near zero" when the upper bound of its 95 % Wilson interval
            is at most this (a control needs enough samples to show it: 0 of 30 is not enough at 0.10).
            At most :data:`CONTROL_MAX_RATE_LIMIT` (0.20): a looser bound would let any control pass.
        exclusions: Exclusion rules (``[]`` states that there are none; omitted means not declared).
        surface_cues: Key tokens to test as surface cues.
        model_change: Whether the claim concerns a trained or modified model.
        predictions: Pre-declared falsifiable predictions.
        limitations: Failure cases and limitations.
        evidence: The logs and study metrics files.
    """

    id: str = Field(min_length=1)
    statement: str = Field(min_length=1)
    construct_definition: Construct | None = Field(default=None, alias="construct")
    decision_rule: DecisionRule | None = None
    target_level: Level
    alternative_explanations: list[str] = Field(default_factory=list)
    deployment_context: str | None = None
    subject: Selector | None = None
    primary_comparison: Comparison | None = None
    claimed_effect: float | None = Field(default=None, gt=0, le=1)
    negative_controls: list[Selector] = Field(default_factory=list)
    control_max_rate: float = Field(default=0.10, gt=0, le=0.2)
    exclusions: list[str] | None = None
    surface_cues: list[str] = Field(default_factory=list)
    model_change: bool = False
    predictions: list[Prediction] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)
    evidence: Evidence = Field(default_factory=Evidence)

    def to_yaml(self) -> str:
        """Return the claim as YAML (fields left at their defaults are omitted)."""
        data = self.model_dump(mode="json", exclude_defaults=True, by_alias=True)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def claim_from_dict(raw: Any, source: str = "claim") -> Claim:
    """Validate a mapping as a :class:`Claim`.

    Raises:
        AssayError: Naming ``source`` and the first invalid field.
    """
    if not isinstance(raw, dict):
        raise AssayError(f"malformed claim {source}: expected a mapping at the top level")
    try:
        return Claim.model_validate(raw)
    except ValidationError as ex:
        raise AssayError(f"malformed claim {source}: {validation_problem(ex, 'claim')}") from None


def load_claim(path: str | Path) -> Claim:
    """Read a claim YAML file.

    Raises:
        AssayError: The file is missing, not YAML, or fails validation (naming the field).
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"claim file not found: {p}")
    try:
        raw = load_yaml(read_text_file(p, "claim file"))
    except yaml.YAMLError as ex:
        raise AssayError(f"malformed claim {p}: {str(ex).splitlines()[0]}") from None
    except OSError as ex:
        raise AssayError(f"cannot read claim {p}: {ex.strerror}") from None
    return claim_from_dict(raw, str(p))


def save_claim(claim: Claim, path: str | Path) -> Path:
    """Write ``claim`` as YAML to ``path``; return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(claim.to_yaml(), encoding="utf-8")
    return p


def resolve_evidence(claim: Claim, base_dir: str | Path) -> tuple[list[Path], list[Path], list[str]]:
    """Return the log files and study metrics files of ``claim``, and notes on entries that matched nothing.

    Relative entries are resolved against ``base_dir`` (the claim file's folder). A log entry with glob
    characters may match zero files (the evidence is not produced yet): that is noted, not an error.
    """
    base = Path(base_dir)
    logs: list[Path] = []
    notes: list[str] = []
    for entry in claim.evidence.logs:
        pattern = entry if Path(entry).is_absolute() else str(base / entry)
        matches = sorted(Path(m) for m in glob.glob(pattern, recursive=True))
        matches = [m for m in matches if m.is_file() or m.is_dir()]
        if not matches:
            notes.append(f"no log matches {entry}")
        logs.extend(m for m in matches if m not in logs)
    metrics: list[Path] = []
    for entry in claim.evidence.study_metrics:
        p = Path(entry) if Path(entry).is_absolute() else base / entry
        if p.is_file():
            metrics.append(p)
        else:
            notes.append(f"study metrics file not found: {entry}")
    return logs, metrics, notes
