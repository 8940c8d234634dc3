"""``assay rubric``: show a rubric, read rubric results from logs (calibrate: ``assay calibrate``)."""

from __future__ import annotations

import click


@click.group(name="rubric")
def rubric_command() -> None:
    """The multi-dimension rubric judge: show, report (calibrate with ``assay calibrate rubric-judge``)."""


@rubric_command.command(name="show")
@click.argument("rubric", required=False)
def show_command(rubric: str | None) -> None:
    """Print RUBRIC (a YAML file; default: the built-in rubric): version, hash, threshold, dimensions."""
    from assay.scoring.rubric import load_rubric

    r = load_rubric(rubric)
    click.echo(f"{r.name} v{r.version} sha256 {r.sha256}")
    click.echo(f"threshold {r.threshold} (elicited = score >= threshold), primary dimension {r.primary}")
    for d in r.dimensions:
        click.echo(f"  {d.name:<24} {d.kind:<10} {d.question}")


@rubric_command.command(name="report")
@click.argument("logs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def report_command(logs: tuple[str, ...], fmt: str) -> None:
    """Rubric results per model and dimension, with and without the evaluation-aware samples."""
    from assay.scoring.rubric.readout import format_rubric_readout, rubric_readout

    readout = rubric_readout(list(logs))
    click.echo(readout.model_dump_json(indent=2) if fmt == "json" else format_rubric_readout(readout))
