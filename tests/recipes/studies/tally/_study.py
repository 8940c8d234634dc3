"""``assay study tally``: the registered entry point (torch loads inside the function only)."""

from __future__ import annotations

from pathlib import Path

from assay.engine import StudyResult, study


@study("tally", "recipe test: how often a model answers yes to eight yes/no questions")
def tally_study(out: Path, fast: bool, config: Path | None) -> StudyResult:
    """Run (or resume) the study into ``out``; write its metrics, claims and report."""
    from assay.studies.tally._config import load_tally_config
    from assay.studies.tally._pipeline import run_tally
    from assay.studies.tally._report import write_tally_outputs

    cfg = load_tally_config(config, fast)
    result, stages = run_tally(cfg, out)
    metrics, report = write_tally_outputs(cfg, result, stages.timings, out)
    return StudyResult(out, metrics, report, stages.timings, stages.skipped)
