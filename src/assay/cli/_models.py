"""``assay models``: the local models, whether cached, their sizes and where they live."""

from __future__ import annotations

import json

import click


@click.command("models")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per model instead of a table.")
def models_command(as_json: bool) -> None:
    """List the local models (assay/smollm2, assay/toy, assay/hf, assay/scripted)."""
    from assay.models import list_local_models  # not at import: every other command would load it

    rows = list_local_models()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row.__dict__))
        return
    click.echo(f"{'model':<16} {'cached':<7} {'parameters':>11}  location")
    for row in rows:
        params = f"{row.parameters:,}" if row.parameters is not None else "-"
        cached = "yes" if row.cached else "no"
        click.echo(f"{row.name:<16} {cached:<7} {params:>11}  {row.location}")
