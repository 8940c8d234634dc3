"""``assay study elicit``: the registered entry point of the study."""

from __future__ import annotations

from pathlib import Path

from assay.engine._registry import StudyResult, study


@study(
    "elicit",
    "password-locked skill the base model has: demos, weak samples, verifier feedback, consistency; decoys",
)
def elicit_study(out: Path, fast: bool, config: Path | None) -> StudyResult:
    """Run (or resume) the study into ``out`` and write its metrics, claims and report."""
    from assay.studies.elicit._config import load_elicit_config
    from assay.studies.elicit._pipeline import run_elicit_study
    from assay.studies.elicit._report import write_elicit_outputs

    cfg = load_elicit_config(config, fast=fast)
    res = run_elicit_study(cfg, out)
    if res.skill is None:
        import click

        from assay.studies.elicit._report import STOPPED

        click.echo(f"elicit: {STOPPED} (see the base-skill table in {out / 'report.html'})", err=True)
    metrics, report = write_elicit_outputs(cfg, res, out)
    return StudyResult(out, metrics, report, res.timings, res.skipped)
