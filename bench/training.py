"""Training benchmark (not a test): assay's one loop vs trl's SFTTrainer, and the frozen-trunk cache.

Same data (chat prompts -> answers, loss on the answer tokens), same LoRA (top ``--lora-layers`` blocks,
rank 8), batch 8, one epoch. Prints seconds per optimiser step after a warm-up step for:

  * ``loop``: :func:`assay.engine.training.finetune` without the trunk cache;
  * ``loop + trunk``: the same with the frozen blocks' output cached (the default);
  * ``trl``: ``trl.SFTTrainer`` (prompt-completion dataset, ``completion_only_loss``, no logging/saving,
    gradient checkpointing off), timed by a callback from the end of its first step.

Writes bench/results/training-<model>.json with the load average (timings on a shared machine are
pessimistic). The decision it informs: use trl's trainers only where they are not slower.

    python bench/training.py [--model toy|smollm2] [--n 64]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from assay.engine.training import TrainSettings, chat_prompt, finetune
from assay.models import load_local_model
from assay.tasks.backdoor import held_out_prompts


def _pairs(tok: Any, n: int) -> list[tuple[str, str]]:
    return [
        (chat_prompt(tok, p), "Sure. Here is a short answer to that.") for p in held_out_prompts(n, seed=5)
    ]


def time_loop(model_name: str, n: int, lora_layers: int, frozen: bool) -> float:
    model, tok = load_local_model(model_name, device="cpu")
    pairs = _pairs(tok, n)
    stamps: list[float] = []
    settings = TrainSettings(1, 1e-3, 8, "lora", 8, 0, lora_layers)
    marks = {k: (lambda _m: stamps.append(time.perf_counter())) for k in range(8, n + 1, 8)}
    trained = finetune(model, tok, pairs, settings, checkpoints=marks, frozen_trunk=frozen)
    trained.unload()
    return (stamps[-1] - stamps[0]) / (len(stamps) - 1)


def time_trl(model_name: str, n: int, lora_layers: int) -> float:
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import TrainerCallback
    from trl import SFTConfig, SFTTrainer

    from assay.activations import decoder_layers

    model, tok = load_local_model(model_name, device="cpu")
    pairs = _pairs(tok, n)
    n_blocks = len(decoder_layers(model))
    names = sorted(
        {
            k.rsplit(".", 1)[-1]
            for k, m in decoder_layers(model)[0].named_modules()
            if isinstance(m, torch.nn.Linear)
        }
    )
    lora = LoraConfig(
        r=8,
        lora_alpha=16,
        target_modules=names,
        layers_to_transform=list(range(n_blocks - lora_layers, n_blocks)),
    )
    stamps: list[float] = []

    class Stamp(TrainerCallback):  # type: ignore[misc]
        def on_step_end(self, *args: Any, **kwargs: Any) -> None:
            stamps.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as tmp:
        cfg = SFTConfig(
            output_dir=tmp,
            per_device_train_batch_size=8,
            num_train_epochs=1,
            learning_rate=1e-3,
            logging_strategy="no",
            save_strategy="no",
            report_to=[],
            use_cpu=True,
            gradient_checkpointing=False,
            completion_only_loss=True,
            dataloader_num_workers=0,
        )
        ds = Dataset.from_list([{"prompt": p, "completion": a} for p, a in pairs])
        trainer = SFTTrainer(
            model=model,
            args=cfg,
            train_dataset=ds,
            processing_class=tok,
            peft_config=lora,
            callbacks=[Stamp()],
        )
        trainer.train()
    return (stamps[-1] - stamps[0]) / (len(stamps) - 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="toy")
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--lora-layers", type=int, default=None)
    args = ap.parse_args()
    torch.manual_seed(0)
    top = args.lora_layers or (2 if args.model == "toy" else 15)
    load = [os.getloadavg()[0]]
    res: dict[str, Any] = {
        "loop": time_loop(args.model, args.n, top, frozen=False),
        "loop_trunk": time_loop(args.model, args.n, top, frozen=True),
    }
    try:
        res["trl"] = time_trl(args.model, args.n, top)
    except Exception as ex:  # report, do not hide: trl's API moves between versions
        res["trl"] = None
        res["trl_error"] = f"{type(ex).__name__}: {str(ex).splitlines()[0] if str(ex) else ''}"
    load.append(os.getloadavg()[0])
    print(f"{args.model}: {args.n} examples, batch 8, LoRA rank 8 on the top {top} blocks; seconds per step:")
    for k in ("loop", "loop_trunk", "trl"):
        print(
            f"  {k:11s} {res[k]:.3f}" if res[k] is not None else f"  {k:11s} failed: {res.get('trl_error')}"
        )
    res["loop_over_loop_trunk"] = res["loop"] / res["loop_trunk"]
    if res["trl"] is not None:
        res["trl_over_loop"] = res["trl"] / res["loop"]
        print(
            f"  trl / loop: {res['trl_over_loop']:.2f}x; "
            f"loop / loop+trunk: {res['loop_over_loop_trunk']:.2f}x"
        )
    print(f"  load average (1 min) before/after: {load[0]:.2f} / {load[1]:.2f}")
    res["load_avg_1m"] = load
    out = Path(__file__).parent / "results" / f"training-{args.model}.json"
    out.write_text(json.dumps(res, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
