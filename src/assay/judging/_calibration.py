"""Calibration of a judging role against labelled items: one result type, one report, one registry.

Every model-graded role (the agentic judge, the rubric judge, the interrogation judge, the persuasion
raters, the emergent judge) and every deterministic classifier calibrates the same way: run it on a
labelled set, compare field by field, report agreement with an interval and every item it failed on.
A family registers its roles with :func:`register_calibration_role`; ``assay calibrate ROLE`` runs them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from inspect_ai.model import Model
from pydantic import BaseModel, ConfigDict, Field

from assay._errors import AssayError
from assay.judging._agreement import KappaCI

#: How a calibration asks for verdicts: ``logprob`` (score each label or scale point, never unparseable),
#: ``generate`` (generate and parse, with repair retries), ``auto`` (``logprob`` where the model gives
#: log-probabilities, else ``generate``).
Scoring = Literal["auto", "generate", "logprob"]


class CorrelationCI(BaseModel):
    """A rank or linear correlation with its 95 % interval (Fisher z); NaN with a note when undefined."""

    # NaN is written as NaN (not null), so a stored calibration reads back
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="constants")

    method: Literal["spearman", "pearson"]
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    note: str = ""


def correlation_ci(
    x: Sequence[float], y: Sequence[float], method: Literal["spearman", "pearson"] = "spearman"
) -> CorrelationCI:
    """Correlation of ``x`` and ``y`` with a Fisher-z 95 % interval (Bonett-Wright SE for Spearman)."""
    from scipy.stats import norm, pearsonr, spearmanr

    n = len(x)
    if n < 4 or len(set(x)) < 2 or len(set(y)) < 2:
        note = "fewer than 4 items" if n < 4 else "constant scores on one side"
        return CorrelationCI(
            method=method, estimate=math.nan, ci_low=math.nan, ci_high=math.nan, n=n, note=note
        )
    r = float(spearmanr(x, y).statistic if method == "spearman" else pearsonr(x, y).statistic)
    if abs(r) >= 1.0 - 1e-12:  # round-off: identical ranks give 0.9999999999999999
        r = math.copysign(1.0, r)
        note = "perfect agreement: the Fisher-z interval degenerates to a point"
        return CorrelationCI(method=method, estimate=r, ci_low=r, ci_high=r, n=n, note=note)
    se = math.sqrt((1 + r**2 / 2) / (n - 3)) if method == "spearman" else 1 / math.sqrt(n - 3)
    q = float(norm.ppf(0.975))
    z = math.atanh(r)
    return CorrelationCI(
        method=method, estimate=r, ci_low=math.tanh(z - q * se), ci_high=math.tanh(z + q * se), n=n
    )


class FieldAgreement(BaseModel):
    """Agreement on one label field or scale dimension.

    Attributes:
        field: The label field or dimension.
        kappa: Cohen's kappa on the labels (a scale: cut at ``threshold``).
        correlation: A scale's correlation with the labelled scores.
        threshold: Where a scale is cut for kappa.
        n: Items compared (judge errors left out).
    """

    model_config = ConfigDict(extra="forbid")

    field: str
    kappa: KappaCI | None = None
    correlation: CorrelationCI | None = None
    threshold: float | None = None
    n: int


class Calibration(BaseModel):
    """A judging role calibrated against a labelled set.

    Attributes:
        role: The role calibrated (``agentic-judge``, ``rubric-judge``...).
        judge: The model (or classifier) that played it.
        scoring: What was asked for (``auto``, ``generate``, ``logprob``).
        methods: Verdicts per method actually used (``exact``, ``top_logprobs``, ``generate``, ``rule``).
        prompt: Prompt (or rule) name, version and SHA-256.
        labels_file: The labelled set and its SHA-256.
        tuned_on_labels: Whether the prompt was written or tuned with these labels in view (then the
            figures describe fit, and cannot validate the judge: checklist S3.5).
        items: Labelled items.
        judge_errors: Items the judge failed on, with why (never counted as agreement or disagreement).
        calls: Model calls made; ``calls - items`` more than one per item are repair retries.
        retries: Repair retries over all items.
        fields: Agreement per field or dimension.
        config: What else identifies the judging configuration (rubric hash, panel, threshold...).
    """

    model_config = ConfigDict(extra="forbid")

    role: str
    judge: str
    scoring: Scoring
    methods: dict[str, int] = Field(default_factory=dict)
    prompt: str
    prompt_version: str
    prompt_sha256: str
    labels_file: str
    labels_sha256: str
    tuned_on_labels: bool = True
    items: int
    judge_errors: dict[str, str] = Field(default_factory=dict)
    calls: int = 0
    retries: int = 0
    fields: list[FieldAgreement]
    config: dict[str, Any] = Field(default_factory=dict)

    def field(self, name: str) -> FieldAgreement:
        """The agreement of one field.

        Raises:
            AssayError: The calibration has no such field.
        """
        for f in self.fields:
            if f.field == name:
                return f
        raise AssayError(
            f"calibration of {self.role} has no field {name!r} ({', '.join(f.field for f in self.fields)})"
        )


def _num(v: float) -> str:
    return "undefined" if math.isnan(v) else f"{v:.3f}"


def _field_line(f: FieldAgreement) -> str:
    parts = [f"{f.field}: n={f.n}"]
    if f.kappa is not None:
        cut = f" (at >= {f.threshold:g})" if f.threshold is not None else ""
        k = f.kappa
        parts.append(f"kappa{cut} {_num(k.kappa)} [95% CI {_num(k.ci_low)}, {_num(k.ci_high)}]")
        parts.append(f"accuracy {_num(k.accuracy)}")
    if f.correlation is not None:
        c = f.correlation
        parts.append(f"{c.method} {_num(c.estimate)} [95% CI {_num(c.ci_low)}, {_num(c.ci_high)}]")
        if c.note:
            parts.append(f"({c.note})")
    return "  ".join(parts)


def format_calibration(report: Calibration) -> str:
    """Plain text: what was calibrated, then each field's agreement, then every judge error."""
    methods = ", ".join(f"{k} {v}" for k, v in sorted(report.methods.items())) or "none"
    tuned = "yes: figures describe fit, not validation" if report.tuned_on_labels else "no (held out)"
    lines = [
        f"role: {report.role}   judge: {report.judge}",
        f"prompt: {report.prompt} v{report.prompt_version} (sha256 {report.prompt_sha256[:16]})",
        f"labels: {report.labels_file} (sha256 {report.labels_sha256[:16]})   tuned on these labels: {tuned}",
        f"items: {report.items}   judge errors: {len(report.judge_errors)}   calls: {report.calls}"
        f"   retries: {report.retries}   scoring: {report.scoring} ({methods})",
    ]
    lines += [_field_line(f) for f in report.fields]
    lines += [f"judge error on {item}: {err}" for item, err in report.judge_errors.items()]
    return "\n".join(lines)


@dataclass(frozen=True)
class CalibrationRole:
    """A role ``assay calibrate`` can calibrate.

    Attributes:
        name: The command's ROLE argument (``agentic-judge``...).
        description: One line for ``--help`` and errors.
        default_labels: The built-in labelled set's path.
        run: ``run(model, labels_path, scoring, tuned_on_labels)`` returns the calibration; ``model`` is
            ``None`` for a deterministic classifier (no judge model).
        needs_model: Whether the role is played by a model (``--model`` required).
    """

    name: str
    description: str
    default_labels: Callable[[], Path]
    run: Callable[[Model | None, Path, Scoring, bool], Coroutine[Any, Any, Calibration]]
    needs_model: bool = True


CALIBRATION_ROLES: dict[str, CalibrationRole] = {}


def register_calibration_role(role: CalibrationRole) -> None:
    """Make ``role`` available to ``assay calibrate`` (called by the family that owns it)."""
    CALIBRATION_ROLES[role.name] = role


def calibration_role(name: str) -> CalibrationRole:
    """The registered role ``name``.

    Raises:
        AssayError: No such role (the message lists the known ones).
    """
    if name not in CALIBRATION_ROLES:
        known = ", ".join(sorted(CALIBRATION_ROLES)) or "none registered"
        raise AssayError(f"ROLE: unknown role {name!r}; known: {known}")
    return CALIBRATION_ROLES[name]
