"""``assay panel``: run one task against several models (resumable eval set) and compare them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from assay._errors import AssayError
from assay._keyvalues import parse_key_values

if TYPE_CHECKING:
    from assay.panels import PanelSpec


def _model_args(values: tuple[str, ...], models: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    pairs: dict[str, list[str]] = {m: [] for m in models}
    for item in values:
        model, sep, pair = item.rpartition(":")
        if not sep or model not in pairs:
            raise AssayError(f"-M {item!r}: expected MODEL:NAME=VALUE with MODEL one of the --model names")
        pairs[model].append(pair)
    return {m: parse_key_values(tuple(p), f"-M ({m})") for m, p in pairs.items()}


def _checked(spec: PanelSpec, from_config: bool) -> PanelSpec:
    """``spec`` with its task args checked, after its task and models (before any model loads).

    Raises:
        AssayError: An unknown task or model, or a bad task or model argument (the message names it).
    """
    from assay.cli._eval import check_model, check_task

    task, args = check_task(spec.task, dict(spec.task_args))
    for i, model in enumerate(spec.models):
        check_model(model.name, model.args, f"models.{i}" if from_config else "--model")
    for role, given in spec.model_roles.items():
        name, margs = (given, {}) if isinstance(given, str) else (given.name, given.args)
        check_model(name, margs, f"model_roles.{role}" if from_config else f"--model-role {role}")
    return spec.model_copy(update={"task": task, "task_args": args})


@click.group(name="panel")
def panel_command() -> None:
    """Model panels: one grid, several models, paired comparisons."""


@panel_command.command(name="run")
@click.argument("task", required=False)
@click.option(
    "--config", "config", default=None, help="Panel YAML (task, task_args, models, roles, log_dir)."
)
@click.option("--model", "models", multiple=True, help="Model (repeat; at least two).")
@click.option("-M", "model_args", multiple=True, help="Model arg for one model: MODEL:NAME=VALUE.")
@click.option("-T", "task_args", multiple=True, help="Task arg NAME=VALUE (the same for every model).")
@click.option(
    "--model-role", "roles", multiple=True, help="Model role ROLE=MODEL (the same for every model)."
)
@click.option("--log-dir", default=None, help="Log directory of the eval set (re-run to resume).")
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Epochs per sample.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Samples per task.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def run_command(
    task: str | None,
    config: str | None,
    models: tuple[str, ...],
    model_args: tuple[str, ...],
    task_args: tuple[str, ...],
    roles: tuple[str, ...],
    log_dir: str | None,
    epochs: int | None,
    limit: int | None,
    fmt: str,
) -> None:
    """Run TASK against every --model (Inspect eval set, resumable), then print the panel report."""
    from pydantic import ValidationError

    from assay._errors import validation_problem
    from assay.cli._eval import check_log_dir
    from assay.panels import PanelSpec, format_panel_report, load_panel, panel_report, run_panel

    if config:
        spec = load_panel(config)
    else:
        if not task or not log_dir:
            raise AssayError("panel run: give TASK and --log-dir (or --config FILE)")
        margs = _model_args(model_args, models)
        raw = {
            "task": task,
            "task_args": parse_key_values(task_args, "-T"),
            "models": [{"name": m, "args": margs[m]} for m in models],
            "model_roles": {k: str(v) for k, v in parse_key_values(roles, "--model-role").items()},
            "log_dir": log_dir,
        }
        try:
            spec = PanelSpec.model_validate(raw)
        except ValidationError as ex:
            raise AssayError(f"panel run: {validation_problem(ex, 'panel')}") from None
    check_log_dir(spec.log_dir, "log_dir" if config else "--log-dir")
    spec = _checked(spec, bool(config))
    updates = {k: v for k, v in {"epochs": epochs, "limit": limit}.items() if v is not None}
    spec = spec.model_copy(update=updates)
    result = run_panel(spec)
    if not result.success:
        click.echo(f"eval set incomplete: {result.statuses}; re-run the same command to resume", err=True)
    report = panel_report([spec.log_dir])
    click.echo(report.model_dump_json(indent=2) if fmt == "json" else format_panel_report(report))


@panel_command.command(name="report")
@click.argument("logs", nargs=-1, required=True, type=click.Path())
@click.option(
    "--positive", multiple=True, help="Outcome value(s) counted as the behaviour (default: harmful)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def report_command(logs: tuple[str, ...], positive: tuple[str, ...], fmt: str) -> None:
    """Compare the models in LOGS (files or dirs): ranking, paired McNemar, per-model factor effects."""
    from assay.panels import format_panel_report, panel_report

    report = panel_report(list(logs), list(positive) or None)
    click.echo(report.model_dump_json(indent=2) if fmt == "json" else format_panel_report(report))
