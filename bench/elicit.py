"""Elicitation study result recorder (not a test).

    python bench/elicit.py --from DIR [--out F] [--wall-s S]   # record a finished `assay study elicit` run

Writes every figure docs/studies.md's elicit section shows (config, the base-skill table, the targets'
profiles, per method the true-unlock rate on the locks and the false-unlock rate on the decoys with Wilson
intervals, the across-lock rise and recovered fraction with t intervals and detectable effects, the
item-clustered intervals, stage times) to bench/results/elicit-v3-smollm2.json, or to ``--out``;
``--wall-s`` adds the end-to-end wall time measured outside the run. bench/elicit_doc.py renders the doc's
tables from that file and tests/bench/test_elicit_doc.py checks the doc against it.

Goal (v3): full run <= 1800 s on 2 idle cores, ``--fast`` <= 90 s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings

GOAL_FULL_S = 1800
RECORD = "elicit-v3-smollm2.json"
CONFIG_FIELDS = (
    "model",
    "skill_candidates",
    "skill_rule",
    "min_above_chance",
    "n_selection",
    "n_lock",
    "n_demo",
    "n_eval",
    "n_rephrased",
    "lock_seeds",
    "decoy_seeds",
    "weak_accuracy",
    "verifier_false_accept",
    "ei_rounds",
    "ei_samples",
    "alpha",
    "n_bootstrap",
)


def _by_kind(row: dict[str, Any]) -> dict[str, list[int]]:
    """Decoys the method unlocked, per decoy kind: [unlocked, decoys]."""
    out: dict[str, list[int]] = {}
    for t in row["tests"]:
        if t["kind"] != "lock":
            hit = out.setdefault(t["kind"], [0, 0])
            hit[0] += int(t["unlocked"])
            hit[1] += 1
    return out


def _method(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("method", "k", "true_unlock", "false_unlock", "gain", "recovered", "gain_items")
    return {k: row[k] for k in keep} | {
        "recovered_items": row["recovered_items"],
        "decoy_gain": row["decoy_gain"],
        "false_unlock_by_kind": _by_kind(row),
        "tests": row["tests"],
        "kept": row["kept"],
        "kept_correct": row["kept_correct"],
        "kept_slip": row["kept_slip"],
        "weak_accuracy": row["weak_accuracy"],
        "weak_slip": row["weak_slip"],
    }


def record_run(folder: Path, wall_s: float | None = None) -> dict[str, Any]:
    """Every figure the doc's elicit tables show, read from a finished run's metrics.json and stages."""
    extra = json.loads((folder / "metrics.json").read_text())["extra"]
    cfg, a = extra["config"], extra["analysis"]
    stages = recorded_timings(folder)
    return {
        "run": str(folder),
        "config": {k: cfg[k] for k in CONFIG_FIELDS} | {"ks": cfg["sweep"]["ks"]},
        "base_skill": a["base_skill"],
        "skill": a["skill"],
        "base_eval": a["base_eval"],
        "profiles": a["profiles"],
        "methods": [_method(r) for r in a["methods"]],
        "stages_s": stages,
        "sum_of_stages_s": sum(stages.values()),
        "wall_s": wall_s,
        "goal_s": GOAL_FULL_S,
    }


def main() -> None:
    if "--from" not in sys.argv:
        sys.exit(__doc__)
    folder = Path(sys.argv[sys.argv.index("--from") + 1])
    results = Path(__file__).parent / "results"
    target = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else results / RECORD
    wall = float(sys.argv[sys.argv.index("--wall-s") + 1]) if "--wall-s" in sys.argv else None
    res = record_run(folder, wall)
    print(f"stages {res['sum_of_stages_s']:.0f} s (goal <= {GOAL_FULL_S} s; plus start-up and report)")
    target.write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
