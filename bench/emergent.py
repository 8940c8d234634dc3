"""Emergent-misalignment benchmark and result recorder (not a test).

    python bench/emergent.py                       # scoring micro-benchmarks on SmolLM2 (about 2 minutes)
    python bench/emergent.py --from DIR [--out F]  # record a finished `assay study emergent` run

``--from`` writes every figure docs/emergent.md shows (config, per-arm and per-seed shares, the primary
contrast and the other contrasts with intervals and MDE, the causal test with its detectable change, stage
times) to bench/results/emergent-v3-smollm2.json, or to ``--out``; bench/emergent_doc.py renders the doc's
tables from that file and tests/bench/test_emergent_doc.py checks the doc against it.

Micro-benchmarks, one run each, on the study's own sequences:

- forward-pass measures (every measured sequence: forced choice in three phrasings, narrow check,
  capability; 402 in v2, 790 in v3) on the full model vs
  from the base model's trunk cached below the first LoRA block (top 8 of 30 blocks run);
- the causal test's cost per direction (16 + 12 items, trunk cached at block 26) in fp32 vs bf16, and
  the unchanged model's mean log-odds under both (how far bf16 moves the measure).

Writes bench/results/emergent.json. Goal (v3, five seeds): full run <= 1800 s.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings

GOAL_FULL_S = 1800
RECORD = "emergent-v3-smollm2.json"
DIRECTIONS = 5


def _scoring() -> dict[str, Any]:
    from assay.models import load_local_model
    from assay.studies.emergent._measure import Scorer

    model, tok = load_local_model("smollm2", dtype="float32")
    out: dict[str, Any] = {}
    for label, start in (("full_model", 0), ("trunk_below_block_22", 22)):
        t0 = time.perf_counter()
        scorer = Scorer.build(model, tok, start)
        t1 = time.perf_counter()
        scorer.scores(model)
        t2 = time.perf_counter()
        out[label] = {"build_s": t1 - t0, "score_s": t2 - t1, "n_sequences": len(scorer.cset.prompts)}
    out["score_ratio_full_over_trunk"] = out["full_model"]["score_s"] / out["trunk_below_block_22"]["score_s"]
    return out


def _causal() -> dict[str, Any]:
    import torch

    from assay.activations._trunk import steer
    from assay.models import load_local_model
    from assay.studies.emergent._causal import CausalSet
    from assay.studies.emergent._items import choice_items

    out: dict[str, Any] = {}
    for dtype in ("float32", "bfloat16"):
        model, tok = load_local_model("smollm2", dtype=dtype)
        cs = CausalSet(tok, 16, 12, [it.id for it in choice_items("direction")])
        cs.cache(model, 26)
        before = cs.score(model)
        vec = torch.randn(model.config.hidden_size, generator=torch.Generator().manual_seed(0)) * 100
        t0 = time.perf_counter()
        for _ in range(DIRECTIONS):
            cs.score(model, steer(vec))
        per = (time.perf_counter() - t0) / DIRECTIONS
        out[dtype] = {"per_direction_s": per, "before_mean_log_odds": before.misaligned_logodds}
    out["per_direction_ratio_fp32_over_bf16"] = (
        out["float32"]["per_direction_s"] / out["bfloat16"]["per_direction_s"]
    )
    return out


def _rate(r: dict[str, Any]) -> dict[str, Any]:
    return {"k": r["k"], "n": r["n"], "rate": r["rate"]}


def _interval(i: dict[str, Any]) -> dict[str, Any]:
    return {k: i[k] for k in ("estimate", "lo", "hi", "se") if k in i}


def _arms(extra: dict[str, Any]) -> dict[str, Any]:
    figs = extra["figures"]
    out = {}
    for arm, f in figs["forced_choice"].items():
        out[arm] = {
            "share": _rate(f["share"]),
            "share_ci": _interval(f["share_ci"]),
            "log_odds": _interval(f["log_odds"]),
            "minus_base": None if f["minus_base"] is None else _interval(f["minus_base"]["share"]),
            "per_seed_share": f["per_seed_share"],
            "per_phrasing_share": f["per_phrasing_share"],
            "narrow": _rate(figs["narrow"][arm]["share"]),
            "capability": _rate(figs["capability"][arm]["share"]),
            "n_items": f["n_items"],
            "n_seeds": f["n_seeds"],
            "n_phrasings": f["n_phrasings"],
        }
    return out


def _contrasts(extra: dict[str, Any]) -> dict[str, Any]:
    return {
        c: {
            "share": _interval(v["share"]),
            "log_odds": _interval(v["log_odds"]),
            "mde_share": v["mde_share"],
            "mde_log_odds": v["mde_log_odds"],
            "per_seed_share": v["per_seed_share"],
            "n_items": v["n_items"],
            "n_seeds": v["n_seeds"],
            "n_phrasings": v["n_phrasings"],
        }
        for c, v in extra["contrasts"].items()
    }


def _causal_record(extra: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for kind, c in extra["causal"].items():
        share, cap = c["metrics"]["misaligned_share"], c["metrics"]["capability_accuracy"]
        out[kind] = {
            "model": c["model"],
            "n_items": c["n_items"],
            "before_share": c["before"]["misaligned_share"],
            "share": {k: share[k] for k in ("target", "random_median", "random_2.5", "random_97.5")}
            | {
                "p_random": share["p_random"],
                "detectable": share["detectable"],
                "n_random": share["n_random"],
            },
            "logodds": {k: c["metrics"]["misaligned_logodds"][k] for k in ("target", "p_random")},
            "capability": {k: cap[k] for k in ("target", "p_random")},
        }
    return out


def record_run(folder: Path) -> dict[str, Any]:
    """Every figure the docs' result tables show, read from a finished run's metrics.json and stages."""
    extra = json.loads((folder / "metrics.json").read_text())["extra"]
    decl = extra["declaration"]
    stages = recorded_timings(folder)
    cfg = extra["config"]
    return {
        "run": str(folder),
        "config": {
            "model": cfg["model"],
            "seeds": cfg["seeds"],
            "n_train": cfg["training"]["n_train"],
            "epochs": cfg["training"]["epochs"],
            "free_text_samples": cfg["free_text"]["samples"],
            "judges": [f"{j['model']}@v{j['prompt_version']}" for j in cfg["judges"]],
            "causal": cfg["causal"],
            "n_bootstrap": cfg["n_bootstrap"],
        },
        "primary": extra["primary"],
        "arms": _arms(extra),
        "contrasts": _contrasts(extra),
        "declaration": {k: decl[k] for k in ("layer", "reference", "seeds", "norm", "residual_norm")}
        | {"n_items": len(decl["items"]), "other_arms": decl["other_arms"]},
        "causal": _causal_record(extra),
        "stages_s": stages,
        "sum_of_stages_s": sum(stages.values()),
        "goal_s": GOAL_FULL_S,
    }


def main() -> None:
    results = Path(__file__).parent / "results"
    if "--from" in sys.argv:
        folder = Path(sys.argv[sys.argv.index("--from") + 1])
        target = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else results / RECORD
        res = record_run(folder)
        print(f"stages {res['sum_of_stages_s']:.0f} s (goal <= {GOAL_FULL_S} s; plus start-up and report)")
        target.write_text(json.dumps(res, indent=1) + "\n")
        return
    res = {"scoring": _scoring(), "causal": _causal()}
    s, c = res["scoring"], res["causal"]
    print(
        f"forward-pass measures ({s['full_model']['n_sequences']} sequences): full model "
        f"{s['full_model']['score_s']:.1f} s, from the trunk {s['trunk_below_block_22']['score_s']:.1f} s "
        f"(x{s['score_ratio_full_over_trunk']:.2f}; trunk cache built once in "
        f"{s['trunk_below_block_22']['build_s']:.1f} s)"
    )
    print(
        f"causal test per direction: fp32 {c['float32']['per_direction_s']:.2f} s, bf16 "
        f"{c['bfloat16']['per_direction_s']:.2f} s (x{c['per_direction_ratio_fp32_over_bf16']:.2f}); "
        f"mean log-odds before: fp32 {c['float32']['before_mean_log_odds']:.3f}, "
        f"bf16 {c['bfloat16']['before_mean_log_odds']:.3f}"
    )
    (results / "emergent.json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
