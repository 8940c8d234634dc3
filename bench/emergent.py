"""Emergent-misalignment benchmark (not a test): what makes the full SmolLM2 run fit in 15 minutes.

    python bench/emergent.py                 # scoring micro-benchmarks on SmolLM2 (about 2 minutes)
    python bench/emergent.py --from DIR      # record the stage times of a finished `assay study emergent`

Micro-benchmarks, one run each, on the study's own sequences:

- forward-pass measures (402 sequences: forced choice, narrow check, capability) on the full model vs
  from the base model's trunk cached below the first LoRA block (top 8 of 30 blocks run);
- the causal test's cost per direction (16 + 12 items, trunk cached at block 26) in fp32 vs bf16, and
  the unchanged model's mean log-odds under both (how far bf16 moves the measure).

Writes bench/results/emergent.json (or emergent-from-run.json with --from). Goal: full run <= 900 s.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings

GOAL_FULL_S = 900
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

    out: dict[str, Any] = {}
    for dtype in ("float32", "bfloat16"):
        model, tok = load_local_model("smollm2", dtype=dtype)
        cs = CausalSet(tok, 16, 12)
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


def main() -> None:
    results = Path(__file__).parent / "results"
    if "--from" in sys.argv:
        folder = Path(sys.argv[sys.argv.index("--from") + 1])
        stages = recorded_timings(folder)
        res: dict[str, Any] = {
            "stages_s": stages,
            "sum_of_stages_s": sum(stages.values()),
            "goal_s": GOAL_FULL_S,
        }
        print(f"stages {res['sum_of_stages_s']:.0f} s (goal <= {GOAL_FULL_S} s; plus start-up and report)")
        (results / "emergent-from-run.json").write_text(json.dumps(res, indent=1))
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
