"""``assay persuasion-report``: report persuasion runs (``assay calibrate rater`` calibrates the panel)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="persuasion-report")
@click.argument("logs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--validation",
    type=click.Path(dir_okay=False),
    default=None,
    help="Rater calibration JSON (assay calibrate rater --out) or study metrics file.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write here instead of stdout.")
def persuasion_report_command(
    logs: tuple[str, ...], validation: str | None, fmt: str, out: str | None
) -> None:
    """Shifts per writer x style (claim-clustered intervals), the control floor, the validation status."""
    from assay.tasks.persuasion.readout import persuasion_report, render_markdown

    if out is not None:
        from assay._files import prepare_output

        prepare_output(out, "--out")
    report = persuasion_report(list(logs), validation)
    text = report.model_dump_json(indent=2) if fmt == "json" else render_markdown(report)
    if out is None:
        click.echo(text, nl=False)
        return
    Path(out).write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}")


#: The commands this family adds to ``assay`` (found by :func:`assay.cli._main.add_family_commands`).
COMMANDS = [persuasion_report_command]
