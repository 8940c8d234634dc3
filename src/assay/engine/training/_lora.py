"""LoRA adapters (peft) on the linear layers of the top blocks of any HF causal LM."""

from __future__ import annotations

from typing import Any

import torch

from assay.engine._recipes import TrainSettings


def lora_model(model: Any, settings: TrainSettings) -> Any:
    """Wrap ``model`` in a fresh peft LoRA adapter on every linear layer of its top ``lora_layers`` blocks.

    The adapter's initialisation is seeded with ``settings.seed``; the wrapped model is left unchanged
    (``unload()`` gives it back).
    """
    from peft import LoraConfig, get_peft_model

    from assay.activations import decoder_layers

    torch.manual_seed(settings.seed)
    blocks = decoder_layers(model)
    n = len(blocks)
    top = n if settings.lora_layers is None else min(settings.lora_layers, n)
    names = sorted(
        {name.rsplit(".", 1)[-1] for name, m in blocks[0].named_modules() if isinstance(m, torch.nn.Linear)}
    )
    config = LoraConfig(
        r=settings.lora_rank,
        lora_alpha=2 * settings.lora_rank,
        target_modules=names,
        layers_to_transform=list(range(n - top, n)),
        lora_dropout=0.0,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)


def first_trainable_block(settings: TrainSettings, n_blocks: int) -> int:
    """Index of the lowest block LoRA trains (0 when every block is trained or the method is ``full``)."""
    if settings.method != "lora" or settings.lora_layers is None:
        return 0
    return max(0, n_blocks - settings.lora_layers)
