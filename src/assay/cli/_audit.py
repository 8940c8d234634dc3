"""``assay audit``: evaluate a claim's 33-item checklist and its achieved evidence level."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from assay.evidence import AuditResult

_MARK = {"passed": "PASS", "failed": "FAIL", "declared": "DECL", "not_applicable": "N/A ", "missing": "MISS"}


def format_audit(result: AuditResult) -> str:
    """Return the audit as plain text: the 33 items, the level, and the statement's downgrade."""
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
@click.option("--score-key", default=None, help="For scorers returning dicts: the key holding the verdict.")
@click.option(
    "--factor", "factors", multiple=True, help="Sample-metadata key to use as a factor (repeatable)."
)
@click.option("--strict", is_flag=True, help="Exit with status 1 when the claim overstates its level.")
@click.option(
    "--allow-missing",
    is_flag=True,
    help="Audit even when no log matches the claim's evidence.logs (before the evals have run).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def audit_command(
    claim: str,
    logs: tuple[str, ...],
    score_key: str | None,
    factors: tuple[str, ...],
    strict: bool,
    allow_missing: bool,
    fmt: str,
) -> None:
    """Audit CLAIM (YAML): all 33 checklist items, the achieved level L1/L2/L3, intent wording downgraded."""
    from pathlib import Path

    from assay._errors import AssayError
    from assay.evidence import audit_claim_file

    for log in logs:
        if not Path(log).exists():
            raise AssayError(f"log not found: {log}")
    if not logs and not allow_missing:
        _check_claim_logs(claim)
    result = audit_claim_file(claim, extra_logs=list(logs), score_key=score_key, factors=list(factors))
    click.echo(result.model_dump_json(indent=2) if fmt == "json" else format_audit(result))
    if strict and result.overstated:
        # SystemExit, not click's Exit: cli.main(standalone_mode=False) returns Exit's code instead of exiting
        sys.exit(1)


def _check_claim_logs(claim: str) -> None:
    """Refuse a claim whose log entries all match nothing (a silent audit without data otherwise)."""
    from pathlib import Path

    from assay._errors import AssayError
    from assay.evidence import load_claim, resolve_evidence

    parsed = load_claim(claim)
    entries = parsed.evidence.logs
    found, _, _ = resolve_evidence(parsed, Path(claim).parent)
    if entries and not found:
        raise AssayError(
            f"claim {claim}: evidence.logs: no log matches {', '.join(entries)} (relative to the claim's "
            "folder); run the evals, pass --log, or --allow-missing to audit without data"
        )
