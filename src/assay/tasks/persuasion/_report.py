"""The persuasion section of ``assay report``: the readout's shifts, contrasts, rater panel and validation.

Found by :func:`assay.tasks.family_report_sections` (this module's :func:`report_sections`). Every figure
comes from :func:`assay.tasks.persuasion.readout.persuasion_report`; nothing is estimated here. Ratings
that are not a usable before/after pair (``unparseable``, ``rater_error``, a target error, no argument)
are counted beside every figure, and a run without one usable pair says so instead of showing a shift.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assay.report import ReportSection, ReportTable
from assay.tasks.persuasion._contrasts import ShiftContrast
from assay.tasks.persuasion._readout import PersuasionReport, methods_text, persuasion_report
from assay.tasks.persuasion._records import ALL, ShiftEstimate

#: How the section names each failure status (singular, plural), in the order it lists them.
FAILURES: dict[str, tuple[str, str]] = {
    "unparseable": ("unparseable", "unparseable"),
    "rater_error": ("rater error", "rater errors"),
    "model_error": ("target error", "target errors"),
    "no_argument": ("without an argument", "without an argument"),
}

NO_PAIR = "n/a: no usable pair"


class PanelRecord(BaseModel):
    """The rater panel as the task records it (``judge_config`` of each score; see ``panel_config``)."""

    model_config = ConfigDict(extra="ignore")

    models: list[str] = Field(default_factory=list)
    raters: list[str] = Field(default_factory=list)
    personas: list[str] = Field(default_factory=list)
    prompt: str = ""
    prompt_version: str = ""
    prompt_sha256: str = ""
    scale: list[int] = Field(default_factory=list)


def _shift(x: float | None) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:+.2f}"


def _interval(lo: float | None, hi: float | None, method: str) -> str:
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return method if method.startswith(("none", "not estimable")) else "not estimable"
    return f"[{_shift(lo)}, {_shift(hi)}]"


def failures_text(counts: Mapping[str, int]) -> str:
    """``20 unparseable, 12 rater errors`` (every status but ``ok`` with a count); ``none`` when none."""
    order = [*FAILURES, *sorted(set(counts) - set(FAILURES) - {"ok"})]
    parts = []
    for status in order:
        n = counts.get(status, 0)
        if n:
            one, many = FAILURES.get(status, (status, status))
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts) or "none"


def usable_sentence(counts: Mapping[str, int]) -> str:
    """How many rating pairs are usable, and why the others are not (``0 of 32 rating pairs usable: ...``)."""
    total, ok = sum(counts.values()), counts.get("ok", 0)
    failed = failures_text(counts)
    return f"{ok} of {total} rating pairs usable" + ("" if failed == "none" else f": {failed}") + "."


def total_counts(report: PersuasionReport) -> Counter[str]:
    """Records by status over the whole report (each record sits in one writer x claim-kind estimate)."""
    total: Counter[str] = Counter()
    for e in report.estimates:
        if e.rater == ALL and e.style == ALL:
            total.update(e.counts)
    return total


def _pairs(n_pairs: int, n_claims: int) -> str:
    return f"{n_pairs} ({n_claims})"


def _estimate_row(e: ShiftEstimate, first: str) -> list[str]:
    above = e.mean - e.floor if e.floor is not None and e.n_pairs else None
    return [
        first,
        e.writer,
        e.claim_kind,
        _pairs(e.n_pairs, e.n_claims),
        _shift(e.mean) if e.n_pairs else NO_PAIR,
        _interval(e.lo, e.hi, e.ci_method) if e.n_pairs else "",
        _shift(e.floor),
        _shift(above),
        failures_text(e.counts),
        e.validation,
    ]


_SHIFT_COLUMNS = [
    "writer",
    "claims",
    "usable pairs (claims)",
    "mean shift",
    "95 % interval",
    "control floor",
    "above floor",
    "not usable",
    "validation",
]


def shift_tables(report: PersuasionReport) -> list[ReportTable]:
    """Per prompt type (styles pooled as ``all``) and per rater: the mean shift with its interval."""
    styles = [_estimate_row(e, e.style) for e in report.estimates if e.rater == ALL]
    raters = [_estimate_row(e, e.rater) for e in report.estimates if e.rater != ALL]
    return [
        ReportTable(
            title="Mean support shift per prompt type", columns=["prompt type", *_SHIFT_COLUMNS], rows=styles
        ),
        ReportTable(
            title="Mean support shift per rater (prompt types pooled)",
            columns=["rater", *_SHIFT_COLUMNS],
            rows=raters,
        ),
    ]


def _arm_counts(estimates: Iterable[ShiftEstimate], writer: str, style: str) -> Counter[str]:
    """The records of one contrast arm (claims that are not controls), from the readout's estimates."""
    total: Counter[str] = Counter()
    for e in estimates:
        if e.writer == writer and e.style == style and e.rater == ALL and e.claim_kind != "control":
            total.update(e.counts)
    return total


def _contrast_row(c: ShiftContrast, report: PersuasionReport) -> list[str]:
    if c.kind == "styles":
        writer = c.scope.split(";")[0].removeprefix("writer ")
        arms = ((writer, c.a), (writer, c.b))
    else:
        arms = ((c.a, ALL), (c.b, ALL))
    lost = [failures_text(_arm_counts(report.estimates, w, s)) for w, s in arms]
    return [
        c.kind,
        c.a,
        c.b,
        c.scope,
        _pairs(c.n_pairs, c.n_claims),
        _shift(c.diff) if c.n_pairs else NO_PAIR,
        _interval(c.lo, c.hi, c.ci_method) if c.n_pairs else "",
        f"A: {lost[0]}; B: {lost[1]}",
        report.validation_status,
    ]


def contrast_table(report: PersuasionReport) -> ReportTable:
    """The family's paired contrasts (writers, styles, reference) with their claim-clustered intervals."""
    return ReportTable(
        title="Contrasts (A - B, paired)",
        columns=[
            "contrast",
            "A",
            "B",
            "paired on",
            "usable pairs (claims)",
            "A - B",
            "95 % interval",
            "not usable",
            "validation",
        ],
        rows=[_contrast_row(c, report) for c in report.contrasts],
        note="" if report.contrasts else "No contrast: one writer and one prompt type, and no reference arm.",
    )


def panel_table(report: PersuasionReport) -> ReportTable:
    """Each rater panel of the logs: models x personas, the rater prompt's version and hash, the scale."""
    panels = [PanelRecord.model_validate(p) for p in report.panels]
    rows = [
        [
            ", ".join(p.models),
            ", ".join(p.personas),
            f"{len(p.raters)} ({len(p.models)} x {len(p.personas)})",
            p.prompt,
            p.prompt_version,
            p.prompt_sha256,
            "-".join(str(x) for x in p.scale),
        ]
        for p in panels
    ]
    return ReportTable(
        title="Rater panel",
        columns=["models", "personas", "raters", "prompt", "prompt version", "prompt sha256", "scale"],
        rows=rows,
        note="" if rows else "No rater panel recorded: no argument reached the raters.",
    )


def _badge(report: PersuasionReport, usable: int) -> tuple[str, str]:
    if not usable:
        return "no usable rating pair", "bad"
    if report.validation_status != "passed":
        return "rater panel not validated", "warn"
    return "rater panel validated", "ok"


def _validation_line(report: PersuasionReport) -> str:
    if report.validation_status == "missing":
        return (
            "Rater panel: NOT validated: no rater-validation record was given (assay calibrate rater --out "
            "FILE writes one; assay persuasion-report --validation FILE reads it against this panel)."
        )
    if report.validation_status == "failed":
        return f"Rater panel: NOT validated (its validation does not hold here): {report.validation_text}."
    return f"Rater panel: validated against human ratings; {report.validation_text}."


def persuasion_section(report: PersuasionReport) -> ReportSection:
    """The report section of one persuasion readout."""
    counts = total_counts(report)
    usable = counts.get("ok", 0)
    scale = f"{report.scale[0]}-{report.scale[1]}" if report.scale else "on the panels' declared scales"
    headline = usable_sentence(counts)
    if not usable:
        headline = f"No shift can be reported: {headline[0].lower()}{headline[1:]}"
    badge, kind = _badge(report, usable)
    return ReportSection(
        id="persuasion",
        title="Persuasion",
        badge=badge,
        badge_kind=kind,
        paragraphs=[
            headline,
            _validation_line(report),
            f"Each rater (a model playing a persona) rates its support for the claim {scale} before reading "
            "(claim only) and after reading (claim and argument), in separate calls; shift = after - before "
            "per rater x argument. Intervals: 95 % bootstrap resampling whole claims. Control floor: the "
            "writer's (or rater's) shift on control claims, which no argument should move. A rating that is "
            "not a usable pair is counted under 'not usable' and never enters a mean.",
            f"Ratings of usable pairs by how they were read (before and after counted apart): "
            f"{methods_text(report.methods)}. exact / top_logprobs: the probability-weighted mean of the "
            "scale's points; generate: the number in the rater's reply.",
            *report.notes,
        ],
        tables=[*shift_tables(report), contrast_table(report), panel_table(report)],
        data=report.model_dump(mode="json"),
    )


def report_sections(logs: Sequence[str | Path], validation: str | Path | None = None) -> list[ReportSection]:
    """The persuasion section of ``assay report`` for the logs of ``assay/persuasion`` among its logs.

    Args:
        logs: The report's persuasion logs.
        validation: A ``rater`` calibration JSON (``assay calibrate rater --out``) or a study metrics file
            with a ``rater_validation`` block; without one the panel is reported as not validated.
    """
    return [persuasion_section(persuasion_report(logs, validation))] if logs else []
