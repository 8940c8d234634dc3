"""``assay study emergent``: the registered entry point; runs (or resumes) every stage, then the outputs."""

from __future__ import annotations

from pathlib import Path

from assay.engine._registry import StudyResult, study


@study("emergent", "narrow fine-tune in four matched arms, broad misalignment two ways, causal test")
def emergent_study(out: Path, fast: bool, config: Path | None) -> StudyResult:
    """Run the study into ``out``; write its metrics, claims and report.

    Raises:
        AssayError: Invalid configuration (the message names the field) or an unusable judge model.
    """
    from assay.studies.emergent._config import load_emergent_config
    from assay.studies.emergent._pipeline import run_emergent_study
    from assay.studies.emergent._report import write_emergent_outputs

    cfg = load_emergent_config(config, fast=fast)
    run = run_emergent_study(cfg, out)
    metrics, report = write_emergent_outputs(cfg, run, out)
    return StudyResult(out, metrics, report, run.timings, run.skipped)
