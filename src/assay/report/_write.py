"""Build and write a report from Inspect logs (or a tidy table), with optional claims and extra sections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from assay._errors import AssayError
from assay.evidence import (
    AuditResult,
    Claim,
    audit_claim,
    load_claim,
    resolve_evidence,
    resolve_positive,
    summarize,
    tidy_table,
)
from assay.evidence._rates import IntervalMethod
from assay.report._model import ReportData, ReportSection
from assay.report._render import ReportFormat, render

_SUFFIX_FORMAT: dict[str, ReportFormat] = {".html": "html", ".htm": "html", ".md": "md", ".json": "json"}


def build_report(
    logs: Sequence[str | Path] = (),
    *,
    table: pd.DataFrame | None = None,
    claims: Sequence[str | Path | Claim] = (),
    sections: Sequence[ReportSection] = (),
    title: str = "assay report",
    positive: Sequence[str] | None = None,
    alpha: float = 0.05,
    method: IntervalMethod = "wilson",
    scorer: str | None = None,
    score_key: str | None = None,
    factors: Sequence[str] = (),
) -> ReportData:
    """Read the logs (or take ``table``), compute the evidence summary and audit each claim.

    Args:
        logs: Inspect log files.
        table: A tidy table to use instead of ``logs``.
        claims: Claim files (or :class:`Claim` objects, resolved against the working directory). A claim
            is audited on the logs it names; a claim whose log entries match no file is audited on the
            report's own logs (or ``table``).
        sections: Extra sections (a study's own tables and figures) placed before the provenance.
        title: Report title.
        positive: Outcome values counted as the behaviour (default: see ``resolve_positive``).
        alpha: One minus the confidence level.
        method: Rate interval, ``wilson`` or ``clopper-pearson``.
        scorer: Main scorer name (default: each log's first scorer).
        score_key: Key holding the verdict in dict-valued scores (auto-detected by default).
        factors: Sample-metadata keys to use as factors (auto-detected by default).

    Raises:
        AssayError: No logs and no table, or any input problem from the evidence functions.
    """
    if table is None:
        if not logs:
            raise AssayError("report: give at least one log")
        table = tidy_table(list(logs), scorer=scorer, score_key=score_key, factors=factors)
    pos = resolve_positive(table, positive)
    summary = summarize(table, pos, alpha=alpha, method=method)
    audits: list[AuditResult] = []
    for c in claims:
        if isinstance(c, Claim):
            claim, base = c, Path.cwd()
        else:
            claim, base = load_claim(c), Path(c).parent
        own, _, _ = resolve_evidence(claim, base)
        if own and {p.resolve() for p in own} != {Path(p).resolve() for p in logs}:
            audits.append(audit_claim(claim, base, score_key=score_key, factors=factors))
        else:
            audits.append(audit_claim(claim, base, table=table))
    return ReportData(
        title=title,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        summary=summary,
        audits=audits,
        extra_sections=list(sections),
    )


def write_report(
    out: str | Path,
    logs: Sequence[str | Path] = (),
    *,
    fmt: ReportFormat | None = None,
    table: pd.DataFrame | None = None,
    claims: Sequence[str | Path | Claim] = (),
    sections: Sequence[ReportSection] = (),
    title: str = "assay report",
    positive: Sequence[str] | None = None,
    alpha: float = 0.05,
    method: IntervalMethod = "wilson",
    scorer: str | None = None,
    score_key: str | None = None,
    factors: Sequence[str] = (),
) -> Path:
    """Write a report file; the format follows ``fmt`` or the suffix of ``out`` (html, md, json).

    See :func:`build_report` for the other arguments. Returns the path written.
    """
    path = Path(out)
    chosen = fmt or _SUFFIX_FORMAT.get(path.suffix.lower(), "html")
    data = build_report(
        logs,
        table=table,
        claims=claims,
        sections=sections,
        title=title,
        positive=positive,
        alpha=alpha,
        method=method,
        scorer=scorer,
        score_key=score_key,
        factors=factors,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data, chosen), encoding="utf-8")
    return path
