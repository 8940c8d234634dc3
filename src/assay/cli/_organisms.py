"""``assay organisms``: a study run's organisms (LoRA adapters), and exporting them for vLLM."""

from __future__ import annotations

from pathlib import Path

import click

from assay._keyvalues import parse_key_values


@click.group(name="organisms")
def organisms_command() -> None:
    """A study run's organisms: list them, export them for vLLM."""


@organisms_command.command(name="list")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
def list_command(run: Path) -> None:
    """List RUN's organisms: name, method, what each was trained on, size of its own weights."""
    from assay.models import find_organisms, organism_files, read_organism

    for name, directory in find_organisms(run).items():
        info = read_organism(directory)
        on = f"on {info.parent}" if info.parent else f"on base {info.base}"
        size = sum(f.stat().st_size for f in organism_files(directory))
        click.echo(f"{name:<40} {info.method:<5} {size / 1e6:8.1f} MB  {on}  {directory}")


@organisms_command.command(name="export")
@click.argument("run", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Export folder [RUN/vllm].")
@click.option("--task", default="assay/capability_qa", show_default=True, help="Task the commands run.")
@click.option("-T", "task_args", multiple=True, metavar="KEY=VALUE", help="Task argument.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="First port.")
def export_command(run: Path, out: Path | None, task: str, task_args: tuple[str, ...], port: int) -> None:
    """Write RUN's organisms as adapters vLLM serves; print the vllm serve and inspect eval commands.

    A safety-trained arm (an adapter on its organism) is written as one adapter equal to both. Also writes
    panel-vllm.yaml and panel-local.yaml for `assay panel run --config`.
    """
    from assay.models import export_organisms

    export = export_organisms(run, out, task, parse_key_values(task_args, "-T"), port)
    for o in export.organisms:
        what = f"{o.stacked} adapter(s), rank {o.rank}" if o.adapter else "full fine-tune (served as a base)"
        click.echo(f"{o.name}: {what}")
    click.echo(f"\nwritten to {export.out}; commands (one server per base):")
    for line in export.commands():
        click.echo(line)
