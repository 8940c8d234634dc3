"""Study benchmark (not a test): wall time and stage times of `assay study train_away` and `elicit`.

Goals on 2 cores, no GPU (v3 designs, issue #29): each study with `--fast` <= 90 s, the full SmolLM2 version
<= 30 minutes. The v3 full runs are recorded by bench/train_away.py and bench/elicit.py (`--from`), whose
files the docs cite; studies-from-run.json holds an earlier design's full runs.

    python bench/studies.py                          # both studies, fast then full, in temporary directories
    python bench/studies.py --fast-only              # skip the full SmolLM2 runs
    python bench/studies.py --from train_away=DIR elicit=DIR   # record finished full runs instead

Writes bench/results/studies.json (or studies-from-run.json with --from).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings
from assay.studies import run_study

GOALS = {"fast": 90, "full": 1800}


def recorded(out: Path) -> dict[str, Any]:
    """Stage times of a finished study directory; the total is their sum (start-up and report excluded)."""
    stages = recorded_timings(out)
    return {"total_s": sum(stages.values()), "stages_s": stages, "total_is": "sum of stage times"}


def timed(name: str, fast: bool) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix=f"assay-{name}-bench-"))
    try:
        start = time.perf_counter()
        run_study(name, out, fast=fast)
        return {**recorded(out), "total_s": time.perf_counter() - start, "total_is": "wall clock"}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def show(label: str, res: dict[str, Any], goal: int) -> None:
    stages = ", ".join(f"{k} {v:.1f}" for k, v in res["stages_s"].items())
    print(f"{label}: {res['total_s']:.1f} s ({res['total_is']}; goal <= {goal} s); stages: {stages}")


def main() -> None:
    results: dict[str, Any] = {}
    target = Path(__file__).parent / "results" / "studies.json"
    if "--from" in sys.argv:
        for arg in sys.argv[sys.argv.index("--from") + 1 :]:
            name, _, folder = arg.partition("=")
            results[f"{name} full"] = recorded(Path(folder))
            show(f"assay study {name} (recorded from {folder})", results[f"{name} full"], GOALS["full"])
        target = target.with_name("studies-from-run.json")
    else:
        modes = ["fast"] + ([] if "--fast-only" in sys.argv else ["full"])
        for mode in modes:
            for name in ("train_away", "elicit"):
                results[f"{name} {mode}"] = timed(name, fast=mode == "fast")
                show(
                    f"assay study {name}{' --fast' if mode == 'fast' else ''}",
                    results[f"{name} {mode}"],
                    GOALS[mode],
                )
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, indent=2))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
