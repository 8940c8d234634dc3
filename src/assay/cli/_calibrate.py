"""``assay calibrate ROLE``: calibrate any judging role against a labelled set, one command shape for all."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import cast

import click

from assay._errors import AssayError
from assay._keyvalues import parse_key_values


def _load_roles() -> None:
    """Import what registers calibration roles: every task family, the rubric judge and the studies."""
    import assay.scoring.rubric  # noqa: F401  (registers the rubric judge's role)
    from assay.studies import load_studies
    from assay.tasks import load_families

    load_families()
    load_studies()


def _role_lines() -> list[str]:
    from assay.judging import CALIBRATION_ROLES

    _load_roles()
    return [f"{name}: {r.description}" for name, r in sorted(CALIBRATION_ROLES.items())]


@click.command(name="calibrate")
@click.argument("role")
@click.option("--model", "model_name", default=None, help="Model playing the role (any Inspect model name).")
@click.option("-M", "model_args", multiple=True, help="Model arg NAME=VALUE (like inspect eval -M).")
@click.option(
    "--labels", default=None, type=click.Path(dir_okay=False), help="Labelled set (default: built-in)."
)
@click.option(
    "--scoring",
    type=click.Choice(["auto", "generate", "logprob"]),
    default="auto",
    show_default=True,
    help="logprob: score each label or scale point; generate: generate and parse; auto: logprob if offered.",
)
@click.option(
    "--held-out/--tuned",
    "held_out",
    default=False,
    help="Declare that the prompt was not written or tuned with these labels in view (default: tuned).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Also write the JSON result here.")
def calibrate_command(
    role: str,
    model_name: str | None,
    model_args: tuple[str, ...],
    labels: str | None,
    scoring: str,
    held_out: bool,
    fmt: str,
    out: str | None,
) -> None:
    """Compare ROLE with labelled items; print agreement (kappa or correlation, 95% CI) per field.

    Roles: agentic-judge, rubric-judge, interrogation-judge, rater, emergent-judge, detector (see
    ``assay calibrate list``). Items the judge fails on are listed and left out of the agreement.
    """
    from assay.judging import Scoring, calibration_role, format_calibration, make_models

    _load_roles()
    if role == "list":
        given = [
            o
            for o, v in (("--model", model_name), ("-M", model_args), ("--labels", labels), ("--out", out))
            if v
        ]
        if given:
            raise AssayError(f"calibrate list: takes no {', '.join(given)} (it lists the roles)")
        click.echo("\n".join(_role_lines()) or "no role registered")
        return
    if out:
        from assay._files import prepare_output

        prepare_output(out, "--out")  # before the judge runs (minutes), not after
    spec = calibration_role(role)
    if spec.needs_model and not model_name:
        raise AssayError(f"--model: calibrating {role} needs the model that plays it")
    if not spec.needs_model and model_name:
        raise AssayError(f"--model: {role} is a deterministic classifier and takes no model")
    path = Path(labels) if labels else spec.default_labels()
    if not path.is_file():
        raise AssayError(f"--labels: no such file: {path}")
    model = (
        make_models([model_name], parse_key_values(model_args, "-M"), option="--model")[0]
        if model_name
        else None
    )
    report = asyncio.run(spec.run(model, path, cast(Scoring, scoring), not held_out))
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(report.model_dump_json(indent=1) + "\n", encoding="utf-8")
    click.echo(report.model_dump_json() if fmt == "json" else format_calibration(report))
