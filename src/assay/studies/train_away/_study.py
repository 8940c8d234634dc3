"""``assay study train_away``: the registered entry point of the study."""

from __future__ import annotations

from pathlib import Path

from assay.engine._registry import StudyResult, study


@study("train_away", "train own sycophancy away with k examples vs neutral-mention copying and a no-op")
def train_away_study(out: Path, fast: bool, config: Path | None) -> StudyResult:
    """Run (or resume) the study into ``out`` and write its metrics, claims and report."""
    from assay.studies.train_away._config import load_train_away_config
    from assay.studies.train_away._pipeline import run_train_away_study
    from assay.studies.train_away._report import write_train_away_outputs

    cfg = load_train_away_config(config, fast=fast)
    res = run_train_away_study(cfg, out)
    metrics, report = write_train_away_outputs(cfg, res, out)
    return StudyResult(out, metrics, report, res.timings, res.skipped)
