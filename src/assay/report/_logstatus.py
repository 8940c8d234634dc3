"""The report's log-status section: incomplete evals and superseded logs, and the mark on the rates."""

from __future__ import annotations

from assay.evidence import LogSetStatus
from assay.report._model import ReportSection, ReportTable


def log_status_section(status: LogSetStatus) -> ReportSection | None:
    """A section naming every incomplete eval and every superseded log; ``None`` when there is neither."""
    notes = status.notes()
    if not notes:
        return None
    rows = [
        [
            i.path,
            i.status,
            i.task,
            i.model,
            str(i.planned if i.planned is not None else "?"),
            str(i.present),
            str(i.missing if i.missing is not None else "?"),
        ]
        for i in status.incomplete
    ]
    tables = []
    if rows:
        cols = ["log", "status", "task", "model", "planned", "present", "never ran"]
        tables.append(ReportTable(title="Incomplete evals", columns=cols, rows=rows))
    if status.superseded:
        tables.append(
            ReportTable(
                title="Superseded logs (same task, model and sample ids as a later log)",
                columns=["log", "status", "superseded by", "rows dropped", "rows kept"],
                rows=[
                    [s.path, s.status, s.by, str(s.rows_dropped), str(s.rows_kept)] for s in status.superseded
                ],
            )
        )
    return ReportSection(
        id="log-status",
        title="Log status",
        badge="incomplete" if status.incomplete else "deduplicated",
        badge_kind="bad" if status.incomplete else "warn",
        paragraphs=notes,
        tables=tables,
        data=status.model_dump(),
    )


def mark_incomplete(sections: list[ReportSection], status: LogSetStatus | None) -> list[ReportSection]:
    """Put the log-status section first; mark the rate sections "incomplete" when an eval did not finish."""
    if status is None:
        return sections
    first = log_status_section(status)
    if status.incomplete:
        for s in sections:
            if s.id in ("rates", "headline"):
                s.title += " (incomplete)"
                s.badge, s.badge_kind = "incomplete", "bad"
                missing = sum(i.missing or 0 for i in status.incomplete)
                s.paragraphs.insert(
                    0,
                    f"INCOMPLETE: {len(status.incomplete)} eval(s) did not finish; {missing} planned "
                    "sample(s) never ran and are in no rate below (see Log status).",
                )
    return [first, *sections] if first is not None else sections
