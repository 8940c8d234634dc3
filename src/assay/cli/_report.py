"""``assay report``: statistics, plots and claim audits from Inspect logs, as HTML, Markdown or JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assay._errors import AssayError

if TYPE_CHECKING:
    from assay.report import ReportSection


def family_sections(logs_by_task: Mapping[str, Sequence[str]]) -> list[ReportSection]:
    """The task families' sections for the logs of their tasks (the family code loads only for those)."""
    if not any(task.startswith("assay/") for task in logs_by_task):
        return []
    from assay.tasks import family_report_sections

    return family_report_sections(logs_by_task)


@click.command(name="report")
@click.argument("logs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "output", required=True, help="File to write (e.g. report.html).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "json"]),
    default=None,
    help="Output format (default: from the output suffix, else html).",
)
@click.option(
    "--claim",
    "claims",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Claim YAML to audit (repeatable).",
)
@click.option(
    "--positive",
    "positive",
    multiple=True,
    help="Outcome value counted as the behaviour (repeatable; default harmful, or C for Inspect letters).",
)
@click.option("--scorer", default=None, help="Main scorer name (default: each log's first scorer).")
@click.option(
    "--score-key",
    default=None,
    help="For scorers returning dicts: the key holding the verdict (default: outcome or a common key).",
)
@click.option(
    "--factor",
    "factors",
    multiple=True,
    help="Sample-metadata key to use as a factor (repeatable; default: auto-detected categorical keys).",
)
@click.option(
    "--method", type=click.Choice(["wilson", "clopper-pearson"]), default="wilson", show_default=True
)
@click.option("--title", default="assay report", show_default=True)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse logs that did not finish and logs superseded by a later run of the same eval.",
)
def report_command(
    logs: tuple[str, ...],
    output: str,
    fmt: str | None,
    claims: tuple[str, ...],
    positive: tuple[str, ...],
    scorer: str | None,
    score_key: str | None,
    factors: tuple[str, ...],
    method: str,
    title: str,
    strict: bool,
) -> None:
    """Write one self-contained report of LOGS (Inspect log files or directories) as HTML, Markdown or JSON.

    Rates with intervals, outcomes with errors apart, factor effects, paired comparisons, the checklist and
    level of each --claim, provenance, and the sections of the task families whose tasks the logs ran
    (e.g. the persuasion shifts and rater panel).

    A claim is audited on the logs it names; a claim naming no existing log is audited on LOGS.
    """
    from assay.report import build_report, report_output, save_report

    report_output(output, fmt)  # type: ignore[arg-type]
    for log in logs:
        if not Path(log).exists():
            raise AssayError(f"log not found: {log}")
    from assay.evidence import load_claim

    for claim in claims:
        load_claim(claim)  # every claim file checked before any log is read
    data = build_report(
        list(logs),
        claims=list(claims),
        title=title,
        positive=list(positive) or None,
        method=method,  # type: ignore[arg-type]
        scorer=scorer,
        score_key=score_key,
        factors=list(factors),
        strict=strict,
        family_sections=family_sections,
    )
    for note in data.log_status.notes() if data.log_status else []:
        click.echo(f"assay: warning: {note}", err=True)
    from assay.evidence import ConstructComparison, format_construct_comparison

    for section in data.extra_sections:
        if section.id == "constructs":  # the agentic task's constructs side by side (assay's, the original's)
            click.echo(format_construct_comparison(ConstructComparison.model_validate(section.data)))
    path = save_report(output, data, fmt)  # type: ignore[arg-type]
    click.echo(f"wrote {path}")
