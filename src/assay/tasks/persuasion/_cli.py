"""``assay calibrate-raters`` and ``assay persuasion-report``: validate a rater panel, report runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from assay._errors import AssayError


def _rater_model(spec: str) -> Any:
    """Return the model a ``--rater`` spec names: ``NAME`` or YAML ``{model: NAME, model_args: {...}}``."""
    import yaml
    from inspect_ai.model import get_model

    from assay._textfile import load_yaml

    try:
        raw = load_yaml(spec)
    except yaml.YAMLError:
        raise AssayError(f"--rater {spec!r}: not a model name or a YAML mapping") from None
    if isinstance(raw, str) and raw.strip():
        return get_model(raw.strip(), memoize=False)
    if not isinstance(raw, dict) or not isinstance(raw.get("model"), str):
        raise AssayError(f"--rater {spec!r}: expected NAME or {{model: NAME, model_args: {{...}}}}")
    args = raw.get("model_args") or {}
    if not isinstance(args, dict):
        raise AssayError(f"--rater {spec!r}: model_args must be a mapping")
    return get_model(raw["model"], memoize=False, **args)


@click.command(name="calibrate-raters")
@click.argument("ratings", type=click.Path(dir_okay=False))
@click.option(
    "--rater", "raters", multiple=True, required=True, help="Rater model (repeatable): NAME or YAML."
)
@click.option("--n-personas", type=click.IntRange(1, 4), default=2, show_default=True)
@click.option("--out", "out", type=click.Path(file_okay=False), default="calibration", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Rate only the first N arguments.")
def calibrate_raters_command(
    ratings: str, raters: tuple[str, ...], n_personas: int, out: str, limit: int | None
) -> None:
    """Run the rater panel on the human-rated arguments in RATINGS (JSONL, public format); correlate shifts.

    Writes OUT/rater_validation.json (a study metrics file with a ``rater_validation`` block, for
    ``assay persuasion-report --validation`` and for claims) and the Inspect log under OUT/logs.
    """
    from inspect_ai import eval as inspect_eval

    from assay.evidence import StudyMetrics, write_study_metrics
    from assay.tasks.persuasion import load_human_ratings, persuasion
    from assay.tasks.persuasion.readout import rater_validation, read_records

    load_human_ratings(ratings, need_ratings=True)  # one-line errors before any model loads
    models = [_rater_model(spec) for spec in raters]
    task = persuasion(arm="reference", references=ratings, n_personas=n_personas)
    [log] = inspect_eval(
        task, model=models[0], model_roles={"rater": models}, log_dir=str(Path(out) / "logs"), limit=limit
    )
    if log.status not in ("success", "error") or log.location is None:
        raise AssayError(f"the rating run did not finish (status {log.status}): {log.location}")
    read = read_records([log.location])
    records, configs = read.records, read.configs
    validation = rater_validation(records, configs, source=str(ratings))
    metrics = StudyMetrics(study="persuasion rater panel", rater_validation=validation)
    path = write_study_metrics(metrics, Path(out) / "rater_validation.json")
    verdict = "validated" if validation.agrees else "NOT validated"
    click.echo(
        f"{verdict}: {validation.describe()}; {validation.n_excluded} argument(s) without a valid rating"
    )
    click.echo(f"wrote {path}")


@click.command(name="persuasion-report")
@click.argument("logs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--validation", type=click.Path(dir_okay=False), default=None, help="rater_validation.json")
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write here instead of stdout.")
def persuasion_report_command(
    logs: tuple[str, ...], validation: str | None, fmt: str, out: str | None
) -> None:
    """Shifts per writer x style (claim-clustered intervals), the control floor, the validation status."""
    from assay.tasks.persuasion.readout import persuasion_report, render_markdown

    report = persuasion_report(list(logs), validation)
    text = report.model_dump_json(indent=2) if fmt == "json" else render_markdown(report)
    if out is None:
        click.echo(text, nl=False)
        return
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}")


#: The commands this family adds to ``assay`` (found by :func:`assay.cli._main.add_family_commands`).
COMMANDS = [calibrate_raters_command, persuasion_report_command]
