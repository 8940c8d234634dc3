"""``assay rubric``: show a rubric, calibrate a rubric judge, read rubric results from logs."""

from __future__ import annotations

import asyncio

import click

from assay._keyvalues import parse_key_values


@click.group(name="rubric")
def rubric_command() -> None:
    """The multi-dimension rubric judge: show, calibrate, report."""


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


@rubric_command.command(name="calibrate")
@click.option("--judge", "judge", required=True, help="Judge model to calibrate.")
@click.option("-J", "judge_args", multiple=True, help="Model arg NAME=VALUE for the judge (like -M).")
@click.option("--labels", default=None, help="Labelled transcripts (JSONL; default: assay's built-in set).")
@click.option("--rubric", default=None, help="Rubric YAML (default: the built-in rubric).")
@click.option(
    "--held-out",
    is_flag=True,
    help="The labels were not used to write or tune the rubric (only then can they validate it, S3.5).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def calibrate_command(
    judge: str, judge_args: tuple[str, ...], labels: str | None, rubric: str | None, held_out: bool, fmt: str
) -> None:
    """Compare the judge with hand labels per dimension: Spearman and kappa at the threshold, with CIs.

    The JSON output is what the rubric scorer takes as its validation (``rubric_judge(calibration=FILE)``).
    """
    from assay.judging import make_models
    from assay.scoring.rubric import (
        builtin_rubric_labels_path,
        calibrate_rubric_async,
        format_rubric_calibration,
        load_rubric,
        load_rubric_labels,
    )

    r = load_rubric(rubric)
    path = labels or str(builtin_rubric_labels_path())
    items = load_rubric_labels(path, r)
    model = make_models([judge], parse_key_values(judge_args, "-J"))[0]
    report = asyncio.run(calibrate_rubric_async(items, model, r, path, tuned_on_labels=not held_out))
    click.echo(report.model_dump_json(indent=2) if fmt == "json" else format_rubric_calibration(report))


@rubric_command.command(name="report")
@click.argument("logs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def report_command(logs: tuple[str, ...], fmt: str) -> None:
    """Rubric results per model and dimension, with and without the evaluation-aware samples."""
    from assay.scoring.rubric.readout import format_rubric_readout, rubric_readout

    readout = rubric_readout(list(logs))
    click.echo(readout.model_dump_json(indent=2) if fmt == "json" else format_rubric_readout(readout))
