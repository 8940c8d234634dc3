"""Generation-engine benchmark (not a test): CTranslate2 vs transformers ``generate`` on SmolLM2, greedy.

Decides whether an engine option is worth adding for the free-text stages (the base model's own answers,
capability questions, Inspect evals). One batch of 16 chat-formatted prompts, 48 new tokens, greedy:

  * transformers: :func:`assay.models.generate_batch` (the path ``assay/smollm2`` and the studies use);
  * CTranslate2 ``float32`` and ``int8`` on CPU, converted once from the same safetensors checkpoint
    (kept under ``~/.cache/assay/ct2-*``).

Prints tokens/s of each, the ratio to transformers, and how many of the 16 outputs are token-identical to
transformers' greedy output (an engine that changes greedy output changes what a study measures). Writes
bench/results/engine_ct2.json. Needs ``pip install ctranslate2`` (not a dependency of assay).

    python bench/engine_ct2.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path
from typing import Any

import torch

from assay.engine.training import chat_prompt
from assay.models import GenParams, generate_batch, load_local_model
from assay.models._smollm2 import smollm2_dir
from forward import best_of  # bench/ is on the path when a bench script runs
from generation import QUESTIONS

NEW_TOKENS = 48
BATCH = 16


def _converted(compute: str) -> Path:
    import ctranslate2

    target = Path.home() / ".cache" / "assay" / f"ct2-smollm2-{compute}"
    if not (target / "model.bin").is_file():
        converter = ctranslate2.converters.TransformersConverter(str(smollm2_dir()))
        converter.convert(str(target), quantization=compute, force=True)
    return target


def _ct2_ids(compute: str, tok: Any, prompts: list[str], repeats: int) -> tuple[float, list[list[int]]]:
    import ctranslate2

    gen = ctranslate2.Generator(str(_converted(compute)), device="cpu", compute_type=compute)
    tokens = [tok.convert_ids_to_tokens(tok(p, add_special_tokens=False)["input_ids"]) for p in prompts]

    def run() -> list[list[int]]:
        res = gen.generate_batch(
            tokens, max_length=NEW_TOKENS, sampling_topk=1, include_prompt_in_result=False
        )
        return [list(r.sequences_ids[0]) for r in res]

    return best_of(run, repeats)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.manual_seed(0)
    model, tok = load_local_model("smollm2", device="cpu", dtype="float32")
    prompts = [chat_prompt(tok, QUESTIONS[i % len(QUESTIONS)] + f" ({i})") for i in range(BATCH)]
    params = GenParams(max_new_tokens=NEW_TOKENS, temperature=0)
    enc = [tok(p, add_special_tokens=False)["input_ids"] for p in prompts]

    def hf() -> list[Any]:
        return generate_batch(model, tok, prompts, params)

    load_before = os.getloadavg()[0]
    t_hf, ref = best_of(hf, args.repeats)
    ref_texts = [r.text for r in ref]
    rows: dict[str, dict[str, float]] = {
        "transformers": {"seconds": t_hf, "identical": BATCH, "tokens": sum(r.output_tokens for r in ref)}
    }
    for compute in ("float32", "int8"):
        t, ids = _ct2_ids(compute, tok, prompts, args.repeats)
        texts = [tok.decode(i, skip_special_tokens=True, clean_up_tokenization_spaces=False) for i in ids]
        same = sum(x == r for x, r in zip(texts, ref_texts, strict=True))
        rows[f"ctranslate2-{compute}"] = {"seconds": t, "identical": same, "tokens": sum(map(len, ids))}
    print(f"SmolLM2, batch {BATCH}, {NEW_TOKENS} new tokens, greedy, {torch.get_num_threads()} threads")
    print(f"  mean prompt {sum(map(len, enc)) / BATCH:.1f} tokens")
    for name, r in rows.items():
        r["tokens_per_s"] = r["tokens"] / r["seconds"]
        r["over_transformers"] = t_hf / r["seconds"]
        print(
            f"  {name:20s} {r['seconds']:6.2f} s  {r['tokens_per_s']:6.1f} tok/s  "
            f"{r['over_transformers']:4.2f}x  identical {int(r['identical'])}/{BATCH}"
        )
    load_after = os.getloadavg()[0]
    print(f"  load average (1 min) before/after: {load_before:.2f} / {load_after:.2f}")
    out = Path(__file__).parent / "results" / "engine_ct2.json"
    out.parent.mkdir(exist_ok=True)
    record = {
        "batch": BATCH,
        "new_tokens": NEW_TOKENS,
        "engines": rows,
        "load_avg_1m": [load_before, load_after],
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    }
    out.write_text(json.dumps(record, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
