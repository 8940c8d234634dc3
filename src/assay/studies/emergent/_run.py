"""``assay study emergent``: run (or resume) every stage, then write the metrics, claims and report."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def run_emergent(out: Path, fast: bool = False, config: Path | None = None) -> dict[str, Any]:
    """Run the study into ``out``; return the paths written, stage timings and skipped stages.

    Raises:
        AssayError: Invalid configuration (the message names the field) or an unusable judge model.
    """
    from assay.studies.emergent._config import load_emergent_config
    from assay.studies.emergent._report import write_outputs
    from assay.studies.emergent._study import run_emergent_study

    cfg = load_emergent_config(config, fast=fast)
    res = run_emergent_study(cfg, out)
    metrics, report = write_outputs(cfg, res, out)
    return {"metrics": metrics, "report": report, "timings": res["timings"], "skipped": res["skipped"]}
