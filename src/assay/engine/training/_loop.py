"""The one training loop: SFT and DPO are two objectives run by :func:`train_loop`.

A plain PyTorch loop over peft models rather than trl's trainers: on 2 CPU cores, with the toy model,
``SFTTrainer`` measured ~8 s per step of 16 examples against ~0.5 s for this loop on the same data, and
``DPOTrainer`` (trl 1.16, 6 steps) 22.1 s in ``train()`` against 2.2 s for :func:`dpo_train` with the same
final loss and margin; the studies run dozens of short trainings (``bench/training.py`` re-measures it).
The loss covers the answer tokens only (prompt tokens are masked), as SFT on completions does.

Two savings matter on a CPU, measured on SmolLM2-135M (2 cores, batch 8, ~62 tokens per example): the
output head (49,152 x 576) is applied to the answer positions only (548 -> 443 ms per example), and LoRA
on the top ``lora_layers`` blocks only stops the backward pass there (top 15 of 30: 261 ms; top 8: 208 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from tqdm.auto import tqdm

from assay.activations import decoder_layers
from assay.engine._recipes import TrainSettings
from assay.engine.training._batch import FrozenTrunk, Pair, answer_loss, make_batch
from assay.engine.training._lora import first_trainable_block, lora_model
from assay.engine.training._nested import batch_spans

Objective = Callable[[Any, list[int]], torch.Tensor]
"""``objective(model, indices) -> loss`` of the examples at ``indices`` (a scalar to minimise)."""


def train_loop(
    model: Any,
    n: int,
    objective: Objective,
    settings: TrainSettings,
    desc: str = "train",
    checkpoints: dict[int, Callable[[Any], None]] | None = None,
) -> list[float]:
    """Minimise ``objective`` over ``n`` examples with AdamW; return the loss of every step.

    Runs through Hugging Face ``accelerate`` (:func:`accelerator_for`): ``accelerate launch`` with several
    processes trains data-parallel with no code change (each process takes a slice of every batch and the
    gradients are averaged); checkpoint callbacks run in every process.

    Args:
        model: The model to train (its parameters with ``requires_grad`` are optimised).
        n: Number of examples; the objective receives batches of their indices.
        objective: The loss of a batch (see :data:`Objective`).
        settings: Epochs, learning rate, batch size and seed (the shuffling order).
        desc: Label of the progress bar.
        checkpoints: ``{k: callback}``: one pass in the given order (no shuffling, needs ``epochs == 1``),
            batches cut at every k, and ``callback(model)`` in eval mode once the first ``k`` examples have
            been trained on. With a constant learning rate this is exactly the model trained on those k, so
            one run measures a whole nested k-sweep.

    Raises:
        ValueError: ``checkpoints`` with more than one epoch.
    """
    checkpoints = checkpoints or {}
    if checkpoints and settings.epochs != 1:
        raise ValueError("nested checkpoints need epochs == 1")
    if n == 0:
        return []
    params = [p for p in model.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(params, lr=settings.learning_rate, weight_decay=0.0)
    acc = accelerator_for(model)
    generator = torch.Generator().manual_seed(settings.seed)
    spans = batch_spans(n, settings.batch_size, list(checkpoints))
    losses: list[float] = []
    model.train()
    bar_off = None if acc.is_main_process else True
    with tqdm(total=settings.epochs * len(spans), desc=desc, leave=False, disable=bar_off) as bar:
        for _ in range(settings.epochs):
            order = list(range(n)) if checkpoints else torch.randperm(n, generator=generator).tolist()
            for start, end in spans:
                loss = objective(model, shard(order[start:end], acc.process_index, acc.num_processes))
                acc.backward(loss)
                if acc.num_processes > 1:  # data parallel: average the shards' gradients
                    for p in params:
                        if p.grad is not None:
                            p.grad = acc.reduce(p.grad, reduction="mean")
                acc.clip_grad_norm_(params, 1.0)
                optim.step()
                optim.zero_grad()
                losses.append(loss.item())
                bar.set_postfix(loss=f"{losses[-1]:.3f}")
                bar.update()
                if end in checkpoints:
                    checkpoints[end](model.eval())
                    model.train()
    model.eval()
    return losses


def accelerator_for(model: Any) -> Any:
    """An ``accelerate.Accelerator`` for a model already placed on its device (CPU stays CPU).

    Under ``accelerate launch`` (several processes, e.g. one per GPU) it carries the process rank and count
    that :func:`train_loop` shards batches by; in a plain process it is a single-process accelerator.
    """
    from accelerate import Accelerator

    return Accelerator(cpu=next(model.parameters()).device.type == "cpu")


def shard(indices: list[int], rank: int, world: int) -> list[int]:
    """This process's share of a batch under data parallelism (the whole batch when it is too small)."""
    if world <= 1 or len(indices) < world:
        return indices
    return indices[rank::world]


def prepare(model: Any, settings: TrainSettings) -> Any:
    """The model to train: a fresh LoRA wrapper for ``method="lora"``, the model itself for ``full``."""
    return lora_model(model, settings) if settings.method == "lora" else model


def frozen_trunk_for(
    model: Any, tokenizer: Any, pairs: Sequence[Pair], settings: TrainSettings
) -> FrozenTrunk | None:
    """A trunk cache of ``pairs`` below the first block LoRA trains (``None`` when every block trains).

    The blocks below never change during LoRA training on the top blocks, so their output for each
    training sequence is computed once instead of once per step and epoch.
    """
    start = first_trainable_block(settings, len(decoder_layers(model)))
    if start == 0 or not pairs:
        return None
    return FrozenTrunk.build(model, tokenizer, pairs, start)


def finetune(
    model: Any,
    tokenizer: Any,
    pairs: Sequence[Pair],
    settings: TrainSettings,
    desc: str = "fine-tune",
    checkpoints: dict[int, Callable[[Any], None]] | None = None,
    frozen_trunk: bool = True,
) -> Any:
    """Supervised fine-tuning on ``(prompt, answer)`` pairs (prompts already chat-formatted).

    Args:
        model: A transformers causal LM (left unchanged when ``method="lora"``: a peft wrapper is returned).
        tokenizer: Its tokenizer.
        pairs: Training pairs (see :data:`Pair`).
        settings: Epochs, learning rate, batch size, LoRA rank and layers, seed.
        desc: Label of the progress bar.
        checkpoints: As for :func:`train_loop`.
        frozen_trunk: With LoRA on the top blocks, cache the frozen blocks' output once
            (:func:`frozen_trunk_for`); results equal the uncached run up to float rounding.

    Returns:
        The trained model in eval mode (a ``PeftModel`` for LoRA).

    Raises:
        ValueError: ``checkpoints`` with more than one epoch.
    """
    if checkpoints and settings.epochs != 1:
        raise ValueError("nested checkpoints need epochs == 1")
    frozen = frozen_trunk_for(model, tokenizer, pairs, settings) if frozen_trunk else None
    model = prepare(model, settings)

    def sft(m: Any, idx: list[int]) -> torch.Tensor:
        return answer_loss(m, make_batch(tokenizer, [pairs[i] for i in idx]), frozen)

    train_loop(model, len(pairs), sft, settings, desc, checkpoints)
    return model.eval()
