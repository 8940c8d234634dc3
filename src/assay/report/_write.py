"""Build and write a report from Inspect logs (or a tidy table), with optional claims and extra sections."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from assay._errors import AssayError
from assay.evidence import (
    AuditResult,
    Claim,
    IntervalMethod,
    audit_claim,
    construct_comparison,
    load_claim,
    resolve_evidence,
    resolve_positive,
    summarize,
    table_log_status,
    tidy_table,
)
from assay.report._constructs import constructs_section
from assay.report._model import ReportData, ReportSection
from assay.report._render import ReportFormat, render

#: A source of sections for the logs of some tasks (``assay report`` passes the task families' hook,
#: :func:`assay.tasks.family_report_sections`): it gets the report's log paths by task.
FamilySections = Callable[[Mapping[str, Sequence[str]]], list[ReportSection]]

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
    strict: bool = False,
    family_sections: FamilySections | None = None,
) -> ReportData:
    """Read the logs (or take ``table``), compute the evidence summary and audit each claim.

    Args:
        logs: Inspect log files.
        table: A tidy table to use instead of ``logs``.
        claims: Claim files (or :class:`Claim` objects, resolved against the working directory). A claim
            is audited on the logs it names; a claim whose log entries match no file is audited on the
            report's own logs (or ``table``).
        sections: Extra sections (a study's own tables and figures) placed before the provenance. Rows that
            carry construct records (the agentic task) add a section comparing the constructs after them.
        title: Report title.
        positive: Outcome values counted as the behaviour (default: see ``resolve_positive``).
        alpha: One minus the confidence level.
        method: Rate interval, ``wilson`` or ``clopper-pearson``.
        scorer: Main scorer name (default: each log's first scorer).
        score_key: Key holding the verdict in dict-valued scores (auto-detected by default).
        factors: Sample-metadata keys to use as factors (auto-detected by default).
        strict: Refuse incomplete and superseded logs instead of marking and deduplicating them.
        family_sections: Called with the report's log paths by task; its sections follow ``sections``.

    Raises:
        AssayError: No logs and no table, or any input problem from the evidence functions.
    """
    if table is None:
        if not logs:
            raise AssayError("report: give at least one log")
        table = tidy_table(list(logs), scorer=scorer, score_key=score_key, factors=factors, strict=strict)
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
    comparison = construct_comparison(table)
    extra = [
        *sections,
        *(family_sections(logs_by_task(table)) if family_sections is not None else []),
        *([constructs_section(comparison)] if comparison is not None else []),
    ]
    return ReportData(
        title=title,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        summary=summary,
        audits=audits,
        extra_sections=extra,
        log_status=table_log_status(table),
    )


def logs_by_task(table: pd.DataFrame) -> dict[str, list[str]]:
    """The paths of the Inspect logs behind ``table``'s rows by the task each ran, sorted."""
    if table.empty or not {"source", "task", "log"} <= set(table.columns):
        return {}
    rows = table[table["source"] == "log"]
    return {str(t): sorted({str(x) for x in g["log"]}) for t, g in rows.groupby("task", sort=True)}


def report_output(out: str | Path, fmt: ReportFormat | None = None) -> tuple[Path, ReportFormat]:
    """Check where a report goes and in which format, before anything is computed.

    The format is ``fmt`` when given, else the suffix's (``.html``/``.htm``, ``.md``, ``.json``). No directory
    is created: the parent must exist (a report never creates directories the user did not name).

    Raises:
        AssayError: ``out`` is a directory, its directory does not exist, or the format cannot be told.
    """
    path = Path(out)
    if str(out).endswith(("/", "\\")) or path.is_dir():
        raise AssayError(f"-o {out}: is a directory; name the report file (e.g. {path / 'report.html'})")
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise AssayError(f"-o {out}: directory {parent} {what} (create it first)")
    suffix = path.suffix.lower()
    if fmt is None:
        if suffix not in _SUFFIX_FORMAT:
            raise AssayError(
                f"-o {out}: cannot tell the report format from suffix {suffix or '(none)'!r}; "
                "use .html, .md or .json, or pass --format html|md|json"
            )
        return path, _SUFFIX_FORMAT[suffix]
    if fmt not in ("html", "md", "json"):
        raise AssayError(f"--format: unknown report format {fmt!r}; known: html, md, json")
    return path, fmt


def save_report(out: str | Path, data: ReportData, fmt: ReportFormat | None = None) -> Path:
    """Render ``data`` and write it to ``out`` (see :func:`report_output` for the checks)."""
    path, chosen = report_output(out, fmt)
    try:
        path.write_text(render(data, chosen), encoding="utf-8")
    except OSError as ex:
        raise AssayError(f"-o {out}: cannot write: {ex.strerror or ex}") from None
    return path


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
    strict: bool = False,
) -> Path:
    """Write a report file; the format follows ``fmt`` or the suffix of ``out`` (html, md, json).

    See :func:`build_report` for the other arguments and :func:`report_output` for the output checks (made
    before any log is read). Returns the path written.
    """
    report_output(out, fmt)
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
        strict=strict,
    )
    return save_report(out, data, fmt)
