"""``assay audit``: evaluate a claim's 34-item checklist and its achieved evidence level."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from assay.evidence import AuditResult

_MARK = {"passed": "PASS", "failed": "FAIL", "declared": "DECL", "not_applicable": "N/A ", "missing": "MISS"}


def format_audit(result: AuditResult) -> str:
    """Return the audit as plain text: the 34 items, the level, and the statement's downgrade."""
    lines = [f"claim {result.claim_id}: {result.statement}", ""]
    section = ""
    for it in result.items:
        if it.section != section:
            section = it.section
            lines.append(f"{it.id.split('.')[0]} {section}")
        lines.append(f"  {it.id:<6} {_MARK[it.status]}  {it.title}")
        lines.append(f"         {it.reason}")
    lines.append("")
    verdict = "OVERSTATED" if result.overstated else "ok"
    lines.append(f"achieved level: {result.achieved_level} (target {result.target_level}) — {verdict}")
    for level, items in result.blocking.items():
        lines.append(f"  {level} blocked by: {', '.join(items)}")
    if result.language_flags:
        lines.append(
            "wording above the achieved level: " + ", ".join(f"'{f.phrase}'" for f in result.language_flags)
        )
        lines.append(f"supported wording: {result.rewritten_statement}")
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


@click.command(name="audit")
@click.argument("claim", type=click.Path(dir_okay=False))
@click.option(
    "--log", "logs", multiple=True, type=click.Path(), help="Extra log or log directory (repeatable)."
)
@click.option(
    "--counts",
    "counts",
    multiple=True,
    type=click.Path(),
    help=(
        "Count table (CSV or YAML of published counts, one row per condition) to grade the claim on, with "
        "or instead of its own evidence (repeatable; see docs/published.md)."
    ),
)
@click.option("--score-key", default=None, help="For scorers returning dicts: the key holding the verdict.")
@click.option(
    "--factor", "factors", multiple=True, help="Sample-metadata key to use as a factor (repeatable)."
)
@click.option("--strict", is_flag=True, help="Exit with status 1 when the claim overstates its level.")
@click.option(
    "--allow-missing",
    is_flag=True,
    help=(
        "Audit even when evidence the claim names is missing (no log matches evidence.logs, a "
        "study_metrics file not found), e.g. before the evals have run; the audit notes it."
    ),
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def audit_command(
    claim: str,
    logs: tuple[str, ...],
    counts: tuple[str, ...],
    score_key: str | None,
    factors: tuple[str, ...],
    strict: bool,
    allow_missing: bool,
    fmt: str,
) -> None:
    """Audit CLAIM (YAML): all 34 checklist items, the achieved level L1/L2/L3, intent wording downgraded.

    Relative evidence paths resolve against the claim file's folder; evidence it names that is not there
    is an error (exit 2) unless --allow-missing is given, or --log / --counts stand in for it. A malformed
    count table is an error naming the file, the row and the field.
    """
    from pathlib import Path

    from assay._errors import AssayError
    from assay.evidence import audit_claim_file

    for log in logs:
        if not Path(log).exists():
            raise AssayError(f"log not found: {log}")
    for table in counts:
        if not Path(table).is_file():
            raise AssayError(f"count table not found: {table}")
    result = audit_claim_file(
        claim,
        extra_logs=list(logs),
        score_key=score_key,
        factors=list(factors),
        allow_missing=allow_missing,
        extra_tables=list(counts),
    )
    click.echo(result.model_dump_json(indent=2) if fmt == "json" else format_audit(result))
    if strict and result.overstated:
        # SystemExit, not click's Exit: cli.main(standalone_mode=False) returns Exit's code instead of exiting
        sys.exit(1)
