"""Claims: one pydantic model, round-tripping through YAML, stating what is claimed and on what evidence."""

from __future__ import annotations

import glob
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay._errors import AssayError
from assay._paths import relative_if_under
from assay._textfile import load_yaml, read_text_file, yaml_problem

Level = Literal["L1", "L2", "L3"]

#: Largest ``control_max_rate`` a claim may declare.
CONTROL_MAX_RATE_LIMIT = 0.2
FactorValue = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _entries(value: list[str] | None) -> list[str] | None:
    """Refuse a blank or repeated entry of a list of text: each entry counts (two explanations, one cue)."""
    seen: dict[str, int] = {}
    for i, entry in enumerate(value or []):
        key = " ".join(entry.split()).lower()
        if not key:
            raise ValueError(f"entry {i} is blank")
        if key in seen:
            raise ValueError(f"entry {i} repeats entry {seen[key]}")
        seen[key] = i
    return value


def _not_blank(value: str) -> str:
    """Refuse text of spaces only where a field must say something (``statement: '   '``)."""
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class Construct(_Strict):
    """The behaviour, defined operationally (what counts, in terms a reader could re-score).

    Attributes:
        name: Short name of the behaviour (``blackmail``).
        definition: What counts as the behaviour, precise enough for a reader to re-score the outputs.
    """

    name: str = Field(min_length=1)
    definition: str = Field(min_length=1)

    _said = field_validator("name", "definition")(_not_blank)


class JudgeRule(_Strict):
    """The judge configuration the decision rule fixes (checked against the logs' ``judge_config``).

    Attributes:
        model: The judge model (for a panel, one of its models).
        prompt_sha256: SHA-256 of the judge prompt.
        threshold: The judge score from which a sample counts as the behaviour (compared as a number).
    """

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

    _said = field_validator("description")(_not_blank)
    _listed = field_validator("positive")(_entries)


class Selector(_Strict):
    """Rows of the tidy table: every field given must match (factor values as text; `1.0` matches `1`).

    Attributes:
        task: The table's ``task`` (the task, or the study for study rows).
        model: The model or organism measured.
        condition_id: The condition's id.
        factors: Factor name -> value; a row matches when its ``f_<name>`` column holds the value.
    """

    task: str | None = None
    model: str | None = None
    condition_id: str | None = None
    factors: dict[str, FactorValue] = Field(default_factory=dict)


class Comparison(_Strict):
    """A contrast between two levels of one factor (``treatment`` minus ``control``).

    Attributes:
        factor: The factor whose levels are compared.
        treatment: Its level in the treatment arm.
        control: Its level in the control arm.
    """

    factor: str = Field(min_length=1)
    treatment: FactorValue
    control: FactorValue


class Prediction(_Strict):
    """A falsifiable prediction declared before the evidence was collected.

    Its outcome comes from an intervention in the study metrics (``intervention``), a factor contrast in the
    logs (``comparison``), or a ``prediction_outcomes`` entry with the same ``name``.

    Attributes:
        name: Short name (a study reports its outcome under ``prediction_outcomes`` with this name).
        statement: The prediction in words.
        direction: The predicted change of the behaviour.
        intervention: The name of the recorded intervention that tests it (study metrics).
        comparison: The factor contrast in the evidence that tests it.
        declared_at: When it was declared (checked to precede the intervention).
    """

    name: str = Field(min_length=1)
    statement: str = ""
    direction: Literal["increase", "decrease", "no_change"]
    intervention: str | None = None
    comparison: Comparison | None = None
    declared_at: datetime | None = None


class Evidence(_Strict):
    """Files the claim rests on, relative to the claim file; log entries may be glob patterns.

    Attributes:
        logs: Inspect logs (files, folders or glob patterns).
        study_metrics: Study metrics files (``metrics.json``).
        tables: Evidence tables: Parquet files a study wrote (:func:`assay.evidence.write_table_file`) and
            count tables (``.csv``, ``.yaml``: published counts, see :func:`assay.evidence.load_count_table`),
            read with the logs.
    """

    logs: list[str] = Field(default_factory=list)
    study_metrics: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)

    _listed = field_validator("logs", "study_metrics", "tables")(_entries)


class Claim(_Strict):
    """A claim about model behaviour, with everything the 34-item checklist needs.

    Attributes:
        id: Short identifier.
        statement: The claim in one or two sentences (scanned for intent and causal language).
        construct_definition: Operational definition of the behaviour (YAML key ``construct``).
        decision_rule: How samples are classified.
        target_level: The evidence level the claim aims at (``L1``, ``L2``, ``L3``).
        alternative_explanations: Two to five rival explanations.
        deployment_context: The setting the claim is meant to generalise to.
        measure: The measure the claim rests on (the evidence table's ``measure`` column): every item is
            computed on that measure's rows only. ``None``: every row of the evidence; refused where study or
            published rows hold several measures (log rows carry their task as the measure and are pooled).
        subject: Rows the statement is about, within the measure (default: all rows).
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
        evidence: The logs, study metrics files and evidence tables.
    """

    id: str = Field(min_length=1)
    statement: str = Field(min_length=1)
    construct_definition: Construct | None = Field(default=None, alias="construct")
    decision_rule: DecisionRule | None = None
    target_level: Level
    alternative_explanations: list[str] = Field(default_factory=list)
    deployment_context: str | None = None
    measure: str | None = Field(default=None, min_length=1)
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

    _said = field_validator("id", "statement")(_not_blank)
    _listed = field_validator("alternative_explanations", "exclusions", "surface_cues", "limitations")(
        _entries
    )

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
        got = "an empty file" if raw is None else f"{type(raw).__name__} {str(raw)[:40]!r}"
        if isinstance(raw, list):
            got = "a list (one claim per file)"
        raise AssayError(
            f"malformed claim {source}: expected a mapping of claim fields at the top level, got {got}"
        )
    try:
        return Claim.model_validate(raw)
    except ValidationError as ex:
        from assay.evidence._claimerrors import claim_problem

        raise AssayError(f"malformed claim {source}: {claim_problem(ex, Claim)}") from None


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
        raise AssayError(f"malformed claim {p}: {yaml_problem(ex)}") from None
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

    Relative entries are resolved against ``base_dir`` (the claim file's folder). An entry that matches
    nothing is noted here, not refused: :func:`check_evidence` refuses it where an audit needs it.
    """
    base = Path(base_dir)
    logs: list[Path] = []
    for entry in claim.evidence.logs:
        logs.extend(m for m in _log_matches(entry, base) if m not in logs)
    metrics = [p for p in (_evidence_path(e, base) for e in claim.evidence.study_metrics) if p.is_file()]
    return logs, metrics, missing_evidence(claim, base)


def _evidence_path(entry: str, base: Path) -> Path:
    """``entry`` as a path: as written when absolute, else under ``base``."""
    return Path(entry) if Path(entry).is_absolute() else base / entry


def _log_matches(entry: str, base: Path) -> list[Path]:
    """The files and folders a log entry (a path or a glob pattern) matches, sorted."""
    matches = sorted(Path(m) for m in glob.glob(str(_evidence_path(entry, base)), recursive=True))
    return [m for m in matches if m.is_file() or m.is_dir()]


def missing_evidence(
    claim: Claim, base_dir: str | Path, *, logs: bool = True, tables: bool = True
) -> list[str]:
    """One note per evidence entry of ``claim`` that names nothing under ``base_dir``.

    Args:
        claim: The claim.
        base_dir: Folder that relative entries are resolved against (the claim file's folder).
        logs: Check the log entries too (an audit given its table or extra logs does not read them).
        tables: Check the table entries too (an audit given its table does not read them).

    Returns:
        ``no log matches ENTRY``, ``study metrics file not found: ENTRY`` and ``table not found: ENTRY``
        notes, in the claim's order.
    """
    base = Path(base_dir)
    notes = [f"no log matches {e}" for e in claim.evidence.logs if logs and not _log_matches(e, base)]
    for kind, entries in (
        ("study metrics file", claim.evidence.study_metrics),
        ("table", claim.evidence.tables if tables else []),
    ):
        notes += [f"{kind} not found: {e}" for e in entries if not _evidence_path(e, base).is_file()]
    return notes


def table_files(claim: Claim, base_dir: str | Path) -> list[Path]:
    """The evidence tables of ``claim`` that exist, relative entries resolved against ``base_dir``."""
    paths = [_evidence_path(e, Path(base_dir)) for e in claim.evidence.tables]
    return [p for p in paths if p.is_file()]


def check_evidence(claim: Claim, base_dir: str | Path, *, logs: bool = True, tables: bool = True) -> None:
    """Refuse a claim whose evidence entries name files that are not there (less evidence than it cites).

    Args:
        claim: The claim.
        base_dir: Folder that relative entries are resolved against (the claim file's folder).
        logs: Check the log entries too (see :func:`missing_evidence`).
        tables: Check the table entries too.

    Raises:
        AssayError: One line naming every missing entry and the folder it was resolved against.
    """
    missing = missing_evidence(claim, base_dir, logs=logs, tables=tables)
    if missing:
        raise AssayError(
            f"claim {claim.id}: {'; '.join(missing)} (relative to {Path(base_dir).absolute()}); run what "
            "writes the evidence, pass --log, or --allow-missing to audit without it"
        )


def relative_evidence(claim: Claim, folder: str | Path, root: str | Path) -> Claim:
    """``claim`` with each evidence entry under ``root`` rewritten relative to ``folder``.

    A study writes its claim files with these paths (``folder`` its ``claims/`` folder, ``root`` its output
    folder), so the output folder can be moved and re-audited. Relative entries are taken from the working
    directory; entries outside ``root`` are made absolute.

    Args:
        claim: The claim, its evidence relative to the working directory or absolute.
        folder: The folder of the claim file.
        root: The folder whose paths become relative (the study's output folder).

    Returns:
        A copy of the claim with the rewritten evidence.
    """

    def rewrite(entry: str) -> str:
        return relative_if_under(entry, str(root), str(folder)) or os.path.abspath(entry)

    evidence = Evidence(
        logs=[rewrite(e) for e in claim.evidence.logs],
        study_metrics=[rewrite(e) for e in claim.evidence.study_metrics],
        tables=[rewrite(e) for e in claim.evidence.tables],
    )
    return claim.model_copy(update={"evidence": evidence})
