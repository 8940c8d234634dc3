"""``assay rejudge`` and ``assay calibrate-judge``: judges applied to stored transcripts."""

from __future__ import annotations

import json
from typing import Any

import click
import yaml

from assay._errors import AssayError


def _judge_args(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise AssayError(f"-J {pair!r}: expected NAME=VALUE")
        out[name.strip()] = yaml.safe_load(value) if value else ""
    return out


@click.command(name="rejudge")
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("--judge", "judges", multiple=True, required=True, help="Judge model (repeat for a panel).")
@click.option("-J", "judge_args", multiple=True, help="Model arg NAME=VALUE for every judge (like -M).")
@click.option("-o", "--output", "output", default=None, help="Path of the new log (default: <log>-rejudged).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rejudge_command(
    log: str, judges: tuple[str, ...], judge_args: tuple[str, ...], output: str | None, fmt: str
) -> None:
    """Rescore the transcripts in LOG with new judges, without calling the target model; writes a new log."""
    from assay.scoring import rejudge_log

    summary = rejudge_log(log, list(judges), out=output, judge_args=_judge_args(judge_args))
    if fmt == "json":
        click.echo(summary.model_dump_json())
        return
    click.echo(f"re-judged {summary.samples} samples with {', '.join(summary.judges)}")
    click.echo(f"before: {json.dumps(summary.before, sort_keys=True)}")
    click.echo(f"after:  {json.dumps(summary.after, sort_keys=True)}")
    click.echo(f"new log: {summary.output}")


@click.command(name="calibrate-judge")
@click.argument("labels", required=False, type=click.Path(dir_okay=False))
@click.option("--judge", "judge", required=True, help="Judge model to calibrate.")
@click.option("-J", "judge_args", multiple=True, help="Model arg NAME=VALUE for the judge (like -M).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def calibrate_judge_command(labels: str | None, judge: str, judge_args: tuple[str, ...], fmt: str) -> None:
    """Compare a judge with human labels in LABELS (JSONL; default: assay's built-in labelled set).

    Prints Cohen's kappa with a 95% CI, accuracy and the confusion matrix for every labelled field.
    """
    from assay.scenarios.agentic import calibrate_judge, format_report
    from assay.scoring import builtin_labels_path

    path = labels or str(builtin_labels_path())
    report = calibrate_judge(path, judge, _judge_args(judge_args))
    click.echo(report.model_dump_json() if fmt == "json" else format_report(report))


@click.command(name="calibrate-detector")
@click.argument("labels", required=False, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def calibrate_detector_command(labels: str | None, fmt: str) -> None:
    """Compare the deterministic agentic detector with the human verdicts in LABELS.

    LABELS is a JSONL file (default: the built-in labelled set). Prints Cohen's kappa with a 95% CI,
    accuracy, the confusion matrix and every item where they differ; ``assay calibrate-judge`` reports a
    judge on the same items.
    """
    from assay.scenarios.agentic import calibrate_detector, format_detector_report
    from assay.scoring import builtin_labels_path

    report = calibrate_detector(labels or str(builtin_labels_path()))
    click.echo(report.model_dump_json() if fmt == "json" else format_detector_report(report))
