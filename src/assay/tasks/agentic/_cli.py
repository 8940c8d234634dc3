"""The agentic family's commands: grids and re-judging of stored transcripts.

``assay scenarios agentic`` (a grid's conditions without running them) and ``assay rejudge``. The judge
and the detector are calibrated with ``assay calibrate agentic-judge`` and ``assay calibrate detector``.
"""

from __future__ import annotations

import json

import click

from assay._errors import AssayError
from assay._keyvalues import parse_key_values


@click.command(name="rejudge")
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("--judge", "judges", multiple=True, required=True, help="Judge model (repeat for a panel).")
@click.option("-J", "judge_args", multiple=True, help="Model arg NAME=VALUE for every judge (like -M).")
@click.option(
    "-S", "options", multiple=True, help="Scoring option NAME=VALUE replacing the log's (audit: rubric=FILE)."
)
@click.option("-o", "--output", "output", default=None, help="Path of the new log (default: <log>-rejudged).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rejudge_command(
    log: str,
    judges: tuple[str, ...],
    judge_args: tuple[str, ...],
    options: tuple[str, ...],
    output: str | None,
    fmt: str,
) -> None:
    """Rescore the transcripts in LOG with new judges, without calling the target model; writes a new log.

    Agentic and audit logs (an audit's transcripts are kept fixed: the auditor is not called either).
    """
    from assay.scoring import rejudge_log
    from assay.tasks import load_families

    load_families()  # every family registers its rescorer when imported
    summary = rejudge_log(
        log,
        list(judges),
        out=output,
        judge_args=parse_key_values(judge_args, "-J"),
        options=parse_key_values(options, "-S"),
    )
    if fmt == "json":
        click.echo(summary.model_dump_json())
        return
    click.echo(f"re-judged {summary.samples} samples with {', '.join(summary.judges)}")
    click.echo(f"before: {json.dumps(summary.before, sort_keys=True)}")
    click.echo(f"after:  {json.dumps(summary.after, sort_keys=True)}")
    click.echo(f"new log: {summary.output}")


@click.group(name="scenarios")
def scenarios_command() -> None:
    """Inspect the conditions of assay's scenario families."""


def _task_args(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise AssayError(f"-T {pair!r}: expected NAME=VALUE")
        out[name.strip().replace("-", "_")] = value.strip()
    return out


@scenarios_command.command(name="agentic")
@click.option("--grid", "grid", default=None, help="smoke, paper, full, or a YAML grid spec file.")
@click.option("--count", "count", is_flag=True, help="Print the number of conditions.")
@click.option("--list", "list_", is_flag=True, help="List every condition x paraphrase with its prompt hash.")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("-T", "task_args", multiple=True, help="Factor override NAME=VALUE[,VALUE] (as for the task).")
@click.option("--paraphrases", type=int, default=None, help="Paraphrases per condition (1-3).")
def agentic_command(
    grid: str | None, count: bool, list_: bool, fmt: str, task_args: tuple[str, ...], paraphrases: int | None
) -> None:
    """Count or list the conditions of the agentic misalignment grid (default: the headline condition)."""
    from assay.tasks.agentic import build_grid, render

    if count == list_:
        raise AssayError("assay scenarios agentic: give exactly one of --count or --list")
    factors = _task_args(task_args)
    spec = build_grid(grid, paraphrases, **factors)
    conditions = spec.conditions()
    if count:
        if fmt == "jsonl":
            record = {
                "grid": spec.name,
                "conditions": len(conditions),
                "paraphrases": spec.paraphrases,
                "samples": len(conditions) * spec.paraphrases,
            }
            click.echo(json.dumps(record))
        else:
            click.echo(str(len(conditions)))
        return
    for condition in conditions:
        for p in range(spec.paraphrases):
            sample_id = f"{condition.condition_id}__p{p}"
            if fmt == "jsonl":
                record = {
                    "sample_id": sample_id,
                    "condition_id": condition.condition_id,
                    "paraphrase": p,
                    "factors": condition.factors(),
                    "prompt_sha256": render(condition, p).prompt_sha256(),
                }
                click.echo(json.dumps(record))
            else:
                click.echo(sample_id)


#: The commands this family adds to ``assay`` (found by :func:`assay.cli._main.add_family_commands`).
COMMANDS = [scenarios_command, rejudge_command]
