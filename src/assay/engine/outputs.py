"""What every study writes: ``metrics.json``, one YAML file per claim, the audits, and ``report.html``.

:func:`write_study_outputs` is the one writer; a study passes what differs (its metrics, claims function,
evidence, report sections, title and any extra metrics file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from assay.evidence import (
    AuditResult,
    Claim,
    PredictionOutcome,
    StudyMetrics,
    audit_claim,
    write_study_metrics,
)
from assay.report import ReportData, ReportSection, ReportTable, build_report, render

ClaimsOf = Callable[[Path], tuple[list[Claim], list[PredictionOutcome]]]
"""``claims(metrics_path) -> (claims, prediction outcomes)``: a study's claims on its metrics file."""


@dataclass(frozen=True)
class StudyEvidence:
    """What a study's report summarises and its claims are audited on: a tidy table, or Inspect logs.

    Attributes:
        table: The study's tidy table (one row per sample x epoch); ``None``: read it from ``logs``.
        logs: Inspect logs (the table when ``table`` is ``None``; a claim citing them is audited on it).
        positive: Outcome values the report's summary counts as the behaviour (default: the tidy table's,
            see :func:`assay.evidence.resolve_positive`).
        table_of: The table each claim is audited on, where a claim is about part of the evidence only
            (e.g. one measurement); ``None``: every claim on the whole evidence.
    """

    table: pd.DataFrame | None = None
    logs: Sequence[str | Path] = ()
    positive: Sequence[str] | None = None
    table_of: Callable[[Claim], pd.DataFrame] | None = None


def write_claim_files(out: Path, claims: Iterable[Claim]) -> Path:
    """Write every claim to ``out/claims/<id>.yaml`` (``assay audit`` re-reads them); return the folder."""
    folder = out / "claims"
    folder.mkdir(exist_ok=True)
    for claim in claims:
        (folder / f"{claim.id}.yaml").write_text(claim.to_yaml())
    return folder


def audit_record(audit: AuditResult) -> dict[str, Any]:
    """The audit of one claim as kept in ``metrics.json`` (``extra["claims"]``): levels, blockers, items."""
    return {
        "id": audit.claim_id,
        "statement": audit.statement,
        "rewritten_statement": audit.rewritten_statement,
        "target_level": audit.target_level,
        "achieved_level": audit.achieved_level,
        "overstated": audit.overstated,
        "blocking": audit.blocking,
        "items": {i.id: i.status for i in audit.items},
        "predictions": next((i.reason for i in audit.items if i.id == "S4.6"), ""),
    }


def timings_section(timings: Mapping[str, float]) -> ReportSection:
    """The report section listing every stage's time in seconds."""
    rows = [[name, f"{seconds:.1f}"] for name, seconds in timings.items()]
    return ReportSection(
        id="timings", title="Stage times", tables=[ReportTable(columns=["stage", "seconds"], rows=rows)]
    )


def audited_report(
    claims: Sequence[Claim], evidence: StudyEvidence, sections: Sequence[ReportSection], title: str
) -> ReportData:
    """The report's data: the evidence summarised, every claim audited (on ``evidence.table_of`` if set)."""
    data = build_report(
        evidence.logs,
        table=evidence.table,
        positive=evidence.positive,
        claims=() if evidence.table_of else claims,
        sections=sections,
        title=title,
    )
    if evidence.table_of is not None:
        data.audits = [audit_claim(c, table=evidence.table_of(c)) for c in claims]
    return data


def write_study_outputs(
    out: Path,
    metrics: StudyMetrics,
    claims_of: ClaimsOf,
    evidence: StudyEvidence,
    sections: Sequence[ReportSection],
    title: str,
    extra_metrics: Mapping[str, StudyMetrics] | None = None,
) -> tuple[Path, Path]:
    """Write a study's ``metrics.json``, extra metrics files, claim files and ``report.html``.

    The extra metrics files are written first, so the claims can cite them. The claims are made on the
    written ``metrics.json``; their prediction outcomes are added to it before they are audited, and their
    audits go into it under ``extra.claims``. ``metrics`` itself is left unchanged.

    Args:
        out: The study's output folder.
        metrics: The study's metrics (checklist blocks, and its figures under ``extra``).
        claims_of: The study's claims (and prediction outcomes) on the path of ``metrics.json``.
        evidence: What the report summarises and the claims are audited on.
        sections: The study's own report sections.
        title: The report's title.
        extra_metrics: More metrics files by file name (e.g. ``metrics-causal.json``), written as given.

    Returns:
        ``(metrics path, report path)``.
    """
    metrics = metrics.model_copy(deep=True)
    path = write_study_metrics(metrics, out / "metrics.json")
    for name, more in (extra_metrics or {}).items():
        write_study_metrics(more, out / name)
    claims, outcomes = claims_of(path)
    if outcomes:
        metrics.prediction_outcomes = [*metrics.prediction_outcomes, *outcomes]
        write_study_metrics(metrics, path)
    write_claim_files(out, claims)
    data = audited_report(claims, evidence, sections, title)
    metrics.extra["claims"] = [audit_record(a) for a in data.audits]
    write_study_metrics(metrics, path)
    report = out / "report.html"
    report.write_text(render(data, "html"), encoding="utf-8")
    return path, report
