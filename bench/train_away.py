"""Train-away result recorder (not a test).

    python bench/train_away.py --from DIR [--out F] [--wall-s S]   # record a finished train_away run

Writes every figure docs/studies.md's train_away tables show, read from the run's metrics.json and stage
records: the config, base rates per condition and cell (item-level, with item intervals), the construct
(suggested minus neutral) before and after each stream, the matching table, the final rows with their
item-clustered intervals, per-seed estimates and minimum detectable effects, the matched comparisons, the
stream curves, persona and capability, and the stage times (plus the end-to-end wall time when
``--wall-s`` is given) — to bench/results/train_away-v3-smollm2.json, or to ``--out``.
bench/train_away_doc.py renders the doc's sections from that file; tests/bench/test_train_away_doc.py
checks the doc against it.

Budget (v3 defaults, 2 idle cores): bench/results/train_away-v3-stage-times.json holds one timed baseline
and one stream; the goal for the whole run is <= 1800 s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings

GOAL_FULL_S = 1800
RECORD = "train_away-v3-smollm2.json"
TEST_KEYS = ("a", "b", "diff", "lo", "hi", "p_value", "mde", "n_items", "n_prompts", "n_seeds", "per_seed")


def _test(t: dict[str, Any]) -> dict[str, Any]:
    return {k: t[k] for k in (*TEST_KEYS, "seed_lo", "seed_hi")}


def _rate(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in ("rate", "lo", "hi", "k", "n", "n_items")}


def _config(cfg: dict[str, Any]) -> dict[str, Any]:
    sweep = cfg["sweep"]
    return {
        "model": cfg["model"],
        "n_per_cell": cfg["n_per_cell"],
        "ks": sweep["ks"],
        "seeds": sweep["seeds"],
        "repeats": sweep["repeats"],
        "learning_rate": sweep["learning_rate"],
        "methods": cfg["methods"],
        "noop": cfg["noop"],
        "n_bootstrap": cfg["n_bootstrap"],
        "n_permutations": cfg["n_permutations"],
        "alpha": cfg["alpha"],
        "power": cfg["power"],
    }


def _construct(a: dict[str, Any]) -> list[dict[str, Any]]:
    """Suggested, neutral and their difference before and after each stream (held-out prompts)."""
    out = []
    for f in a["final"]:
        if f["split"] == "heldout" and f["measure"] in ("sycophancy", "copying", "construct"):
            out.append(
                {"stream": f"{f['method']}:{f['trained']}", "measure": f["measure"], **_test(f["test"])}
            )
    return out


def _final(a: dict[str, Any]) -> list[dict[str, Any]]:
    keep = ("trained", "heldout", "both_heldout")
    return [
        {
            "stream": f"{f['method']}:{f['trained']}",
            "measure": f["measure"],
            "split": f["split"],
            "test": _test(f["test"]),
            "removal": {k: f["removal"][k] for k in ("estimate", "lo", "hi")},
        }
        for f in a["final"]
        if f["split"] in keep and f["test"]["n_items"]
    ]


def _curves(a: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "stream": f"{c['method']}:{c['trained']}",
            "measure": c["measure"],
            "split": c["split"],
            "points": [
                {"k": p["k"], "rate": _rate(p["rate"])}
                | ({"removal": p["removal"]["estimate"]} if p["removal"] else {})
                for p in c["points"]
            ],
        }
        for c in a["curves"]
    ]


def record_run(folder: Path, wall_s: float | None = None) -> dict[str, Any]:
    """Every figure the doc's train_away tables show, read from a finished run."""
    extra = json.loads((folder / "metrics.json").read_text())["extra"]
    a = extra["analysis"]
    stages = recorded_timings(folder)
    return {
        "run": str(folder),
        "config": _config(extra["config"]),
        "k_max": a["k_max"],
        "base": {kind: {c: _rate(r) for c, r in by.items()} for kind, by in a["base"].items()},
        "matching": [
            {k: m[k] for k in ("behaviour", "target", "target_tokens", "shared_tokens", "strength")}
            | {
                "strength_on_both": m["strength_on_both"],
                "trained": m["trained"],
                "base_rate": _rate(m["base_rate"]),
            }
            for m in a["matching"]
        ],
        "construct": _construct(a),
        "final": _final(a),
        "versus": [
            {"name": v["name"], "quantity": v["quantity"], "test": _test(v["test"])} for v in a["versus"]
        ],
        "curves": _curves(a),
        "persona": [{"arm": p["arm"], "k": p["rate"]["k"], "n": p["rate"]["n"]} for p in a["persona"]],
        "capability": {"before": _rate(a["capability_before"]), "after": _rate(a["capability_after"])},
        "claims": [{"id": c["id"], "level": c.get("achieved_level")} for c in extra.get("claims", [])],
        "stages_s": stages,
        "sum_of_stages_s": sum(stages.values()),
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
    res = record_run(folder, wall)
    print(f"stages {res['sum_of_stages_s']:.0f} s (goal <= {GOAL_FULL_S} s end to end)")
    target.write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
