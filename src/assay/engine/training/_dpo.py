"""Direct preference optimisation (DPO) on (prompt, chosen, rejected) triples, with a LoRA adapter.

The loss is the sigmoid DPO loss of Rafailov et al. (2023) on summed answer-token log-probabilities::

    -log sigmoid(beta * ((log pi(c) - log ref(c)) - (log pi(r) - log ref(r))))

The reference model is the policy with its adapter disabled (``with model.disable_adapter():``), so no
second copy of the weights is held. The reference never changes during training, so its log-probabilities
are computed once, before the first step, in the batches of the first epoch's cuts (so that with nested
checkpoints a run on the first k preferences sees exactly the reference values a longer run sees for them).
Training runs through the same :func:`assay.engine.training.train_loop` as SFT.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from assay.engine._recipes import TrainSettings
from assay.engine.training._batch import FrozenTrunk, answer_logps
from assay.engine.training._loop import frozen_trunk_for, prepare, train_loop
from assay.engine.training._nested import batch_spans


@dataclass(frozen=True)
class Preference:
    """One preference: a chat-formatted prompt, the preferred answer and the dispreferred answer."""

    prompt: str
    chosen: str
    rejected: str


def _pairs(prefs: Sequence[Preference]) -> list[tuple[str, str]]:
    return [(p.prompt, p.chosen) for p in prefs] + [(p.prompt, p.rejected) for p in prefs]


def _both(
    model: Any, tokenizer: Any, prefs: Sequence[Preference], frozen: FrozenTrunk | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Chosen and rejected answer log-probabilities, from one forward pass over both."""
    logps = answer_logps(model, tokenizer, _pairs(prefs), frozen)
    return logps[: len(prefs)], logps[len(prefs) :]


def dpo_loss(
    chosen: torch.Tensor,
    rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    beta: float,
) -> torch.Tensor:
    """Mean sigmoid DPO loss of a batch of policy and reference log-probabilities (each ``[batch]``)."""
    logits = beta * ((chosen - ref_chosen) - (rejected - ref_rejected))
    return -torch.nn.functional.logsigmoid(logits).mean()


def preference_margin(model: Any, tokenizer: Any, prefs: Sequence[Preference]) -> list[float]:
    """``log p(chosen) - log p(rejected)`` for each preference under ``model`` (no gradient)."""
    if not prefs:
        return []
    with torch.inference_mode():
        chosen, rejected = _both(model, tokenizer, prefs)
    return [float(x) for x in chosen - rejected]


def dpo_train(
    model: Any,
    tokenizer: Any,
    prefs: Sequence[Preference],
    settings: TrainSettings,
    beta: float = 0.1,
    desc: str = "dpo",
    checkpoints: dict[int, Callable[[Any], None]] | None = None,
    frozen_trunk: bool = True,
) -> tuple[Any, list[float]]:
    """Train a fresh LoRA adapter on ``model`` with the DPO loss; the reference is the adapter-free model.

    Args:
        model: A transformers causal LM (left unchanged: a peft wrapper is returned).
        tokenizer: Its tokenizer.
        prefs: Preferences with chat-formatted prompts.
        settings: Epochs, learning rate, batch size, LoRA rank and layers, seed (``method`` must be lora).
        beta: Strength of the implicit KL penalty towards the reference.
        desc: Label of the progress bar.
        checkpoints: As for :func:`assay.engine.training.train_loop`. The model at k is bit for bit the
            model trained on those k alone (with the same cuts below k).
        frozen_trunk: Cache the output of the blocks below the first LoRA block once (see
            :func:`assay.engine.training.finetune`).

    Returns:
        The trained ``PeftModel`` in eval mode, and the loss of every step (first to last).

    Raises:
        ValueError: ``settings.method`` is not ``lora`` (the reference is the adapter-free model), or
            ``checkpoints`` with more than one epoch.
    """
    if settings.method != "lora":
        raise ValueError("DPO here trains a LoRA adapter; the reference is the model without it")
    if checkpoints and settings.epochs != 1:
        raise ValueError("nested checkpoints need epochs == 1")
    frozen = frozen_trunk_for(model, tokenizer, _pairs(prefs), settings) if frozen_trunk else None
    model = prepare(model, settings)
    if not prefs:
        return model.eval(), []
    spans = batch_spans(len(prefs), settings.batch_size, list(checkpoints or {}))
    model.eval()
    with model.disable_adapter(), torch.inference_mode():
        ref = [_both(model, tokenizer, prefs[start:end], frozen) for start, end in spans]
    ref_chosen = torch.cat([c for c, _ in ref])
    ref_rejected = torch.cat([r for _, r in ref])

    def objective(m: Any, idx: list[int]) -> torch.Tensor:
        chosen, rejected = _both(m, tokenizer, [prefs[i] for i in idx], frozen)
        rows = torch.tensor(idx)
        return dpo_loss(
            chosen, rejected, ref_chosen[rows].to(chosen.device), ref_rejected[rows].to(chosen.device), beta
        )

    losses = train_loop(model, len(prefs), objective, settings, desc, checkpoints)
    return model.eval(), losses
