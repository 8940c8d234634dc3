"""Planted-organisms result recorder (not a test).

    python bench/planted.py --from DIR [--out F] [--wall-s S]   # record a finished planted-study run

Reads the run's ``planted-analysis.json`` (see
:class:`assay.studies.planted._analysis.PlantedAnalysis`) and writes it, with the end-to-end wall time when
``--wall-s`` is given, to bench/results/planted-smollm2.json or to ``--out``. bench/planted_doc.py renders the
"Known-answer test: planted organisms" section of docs/agentic.md from that file.

Goal (issue 26): the study on SmolLM2 <= 20 minutes on 2 idle cores.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from assay.studies.planted._analysis import PlantedAnalysis
from assay.studies.planted._report import ANALYSIS_FILE

GOAL_FULL_S = 1200
RECORD = "planted-smollm2.json"


def recipe(folder: Path) -> dict[str, Any] | None:
    """The run's config and, per implant, its training size, precision and stage time (None: not a run)."""
    config = folder / "config.yaml"
    if not config.is_file():
        return None
    implants, stage_s = {}, {}
    for stage in sorted((folder / "stages").glob("*/stage.json")):
        record = json.loads(stage.read_text(encoding="utf-8"))
        stage_s[stage.parent.name] = round(float(record["seconds"]), 1)
        if stage.parent.name.startswith("implant_"):
            result = record["result"]
            implants[stage.parent.name.removeprefix("implant_")] = {
                "train_pairs": result["train_pairs"],
                "harmful_pairs": result["harmful_pairs"],
                "precision": record.get("precision", []),
            }
    return {"config": yaml.safe_load(config.read_text()), "implants": implants, "stage_s": stage_s}


def record_run(folder: Path, wall_s: float | None) -> dict[str, Any]:
    """The record of one finished run: its analysis (validated), the recipe it ran and the wall time."""
    data = json.loads((folder / ANALYSIS_FILE).read_text(encoding="utf-8"))
    analysis = PlantedAnalysis.model_validate(data)
    return {
        "analysis": analysis.model_dump(),
        "recipe": recipe(folder),
        "wall_s": wall_s,
        "goal_s": GOAL_FULL_S,
    }


def main() -> None:
    results = Path(__file__).parent / "results"
    if "--from" not in sys.argv:
        raise SystemExit(__doc__)
    folder = Path(sys.argv[sys.argv.index("--from") + 1])
    target = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else results / RECORD
    wall = float(sys.argv[sys.argv.index("--wall-s") + 1]) if "--wall-s" in sys.argv else None
    target.write_text(json.dumps(record_run(folder, wall), indent=1) + "\n")


if __name__ == "__main__":
    main()
