"""``assay interrogation``: denial and false-confession rates from logs run with ``-T interrogate=true``."""

from __future__ import annotations

import click


@click.command(name="interrogation")
@click.argument("logs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def interrogation_command(logs: tuple[str, ...], fmt: str) -> None:
    """Report, per model and act, the denial rate among agents that acted and false confessions otherwise."""
    from assay.tasks.interrogation.readout import format_interrogation_report, interrogation_report

    report = interrogation_report(list(logs))
    click.echo(report.model_dump_json(indent=2) if fmt == "json" else format_interrogation_report(report))


#: The commands this family adds to ``assay`` (found by :func:`assay.cli._main.add_family_commands`).
COMMANDS = [interrogation_command]
