"""PLACEHOLDER for the analysis side (helper C2's ``analyse`` in ``_analysis.py``), to be replaced at merge.

It only lists the organisms' runs so that ``assay study planted`` runs end to end before the analysis is
merged: no rate, no recovery, no claim. At merge, :mod:`assay.studies.planted._study` imports C2's
``analyse(runs, out_dir, config)`` instead and this file is deleted.
"""

from __future__ import annotations

import json
from pathlib import Path

from assay.studies.planted._config import PlantedConfig
from assay.studies.planted._results import OrganismRun

NOTE = "placeholder: the analysis of the planted study is not merged yet; these are the runs only"


def analyse(runs: list[OrganismRun], out_dir: Path, config: PlantedConfig) -> tuple[Path, Path]:
    """Write ``metrics.json`` (the runs) and a one-table ``report.html``; return their paths."""
    metrics = out_dir / "metrics.json"
    metrics.write_text(
        json.dumps({"note": NOTE, "model": config.model, "runs": [r.model_dump() for r in runs]}, indent=1)
    )
    rows = "".join(
        f"<tr><td>{r.organism}</td><td>{r.seed}</td><td>{r.scenario}</td><td>{r.log_path}</td></tr>"
        for r in runs
    )
    report = out_dir / "report.html"
    report.write_text(
        f"<html><body><p>{NOTE}</p><table><tr><th>organism</th><th>seed</th><th>scenario</th><th>log</th></tr>"
        f"{rows}</table></body></html>\n"
    )
    return metrics, report
