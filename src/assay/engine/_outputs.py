"""What every study writes beside its report: one YAML file per claim, and a summary of each audit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from assay.evidence import AuditResult, Claim, PredictionOutcome, StudyMetrics, write_study_metrics
from assay.report import ReportSection, ReportTable, build_report, render
from assay.scoring import Outcome

ClaimsOf = Callable[[Path], tuple[list[Claim], list[PredictionOutcome]]]
"""``claims(metrics_path) -> (claims, prediction outcomes)``: a study's claims on its metrics file."""


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


def write_audited_outputs(
    metrics: StudyMetrics,
    out: Path,
    claims_of: ClaimsOf,
    table: pd.DataFrame,
    sections: Sequence[ReportSection],
    title: str,
) -> tuple[Path, Path]:
    """Write ``metrics.json``, the claim files and ``report.html`` of a study audited on its tidy ``table``.

    The claims are made on the written metrics file, their prediction outcomes are added to it, and their
    audits (harmful = :attr:`Outcome.HARMFUL`) go into ``metrics.json`` under ``extra.claims``.

    Returns:
        ``(metrics path, report path)``.
    """
    path = write_study_metrics(metrics, out / "metrics.json")
    audited, outcomes = claims_of(path)
    metrics.prediction_outcomes = outcomes
    write_study_metrics(metrics, path)
    write_claim_files(out, audited)
    data = build_report(
        table=table, positive=[Outcome.HARMFUL.value], claims=audited, sections=sections, title=title
    )
    metrics.extra["claims"] = [audit_record(x) for x in data.audits]
    write_study_metrics(metrics, path)
    report = out / "report.html"
    report.write_text(render(data, "html"), encoding="utf-8")
    return path, report
