"""``assay study planted``: the registered entry point of the study."""

from __future__ import annotations

from pathlib import Path

from assay.engine._registry import StudyResult, study


@study(
    "planted",
    "known-answer test of the agentic stress test: LoRA organisms with a planted policy run through it",
)
def planted_study(out: Path, fast: bool, config: Path | None) -> StudyResult:
    """Run (or resume) the study into ``out`` and write its metrics and report."""
    from assay.studies.planted._analysis import analyse
    from assay.studies.planted._config import load_planted_config
    from assay.studies.planted._pipeline import run_planted_study
    from assay.studies.planted._reference import reply_targets
    from assay.studies.planted._report import write_planted_outputs

    cfg = load_planted_config(config, fast=fast)
    res = run_planted_study(cfg, out)
    analysis = analyse(res.runs, out, [reply_targets(cfg, o) for o in cfg.organisms])
    metrics, report = write_planted_outputs(analysis, res.runs, out, cfg.model)
    logs = [out / r.log_path for r in res.runs]
    return StudyResult(out, metrics, report, res.timings, res.skipped, logs)
