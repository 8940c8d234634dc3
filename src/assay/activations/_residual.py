"""Residual-stream capture at the output of chosen decoder blocks."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any

import torch

from assay._precision import no_grad_in_precision
from assay.activations._arch import decoder_layers, trunk


class _Stop(Exception):
    """Raised by the last capture hook to end the pass."""


def resid_post_name(layer: int) -> str:
    """Return the site name of block ``layer``'s output: ``blocks.{layer}.resid_post``."""
    return f"blocks.{layer}.resid_post"


def _block_output(output: Any) -> torch.Tensor:
    return output[0] if isinstance(output, tuple) else output  # type: ignore[no-any-return]


def residual_stream(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[str],
    layers: Sequence[int] | None = None,
    position: int = -1,
    batch_size: int = 16,
) -> dict[str, torch.Tensor]:
    """Return the residual stream after each chosen block at one token position of every prompt.

    Prompts are used as given (apply a chat template first if wanted) and left-padded, so ``position=-1``
    is the final prompt token of every row.

    Args:
        model: A transformers causal LM.
        tokenizer: Its tokenizer.
        prompts: The prompt texts.
        layers: Block indices (default: every block).
        position: Token position counted from the end (-1 = final prompt token).
        batch_size: Prompts per forward pass.

    Returns:
        ``{"blocks.{i}.resid_post": tensor[n_prompts, d_model]}`` (float32, on CPU).
    """
    if position >= 0:
        raise ValueError("position counts from the end of the prompt: use -1, -2, ...")
    blocks = decoder_layers(model)
    chosen = list(range(len(blocks))) if layers is None else [int(i) for i in layers]
    for i in chosen:
        if not -len(blocks) <= i < len(blocks):
            raise ValueError(f"layer {i} out of range for a model with {len(blocks)} blocks")
    chosen = [i % len(blocks) for i in chosen]
    captured: dict[int, list[torch.Tensor]] = {i: [] for i in chosen}
    handles = []
    last = max(chosen)
    for i in chosen:

        def hook(_module: Any, _inputs: Any, output: Any, i: int = i) -> None:
            captured[i].append(_block_output(output)[:, position, :].detach().float().cpu())
            if i == last:  # nothing above is read: stop the pass (no later block, no output head)
                raise _Stop

        handles.append(blocks[i].register_forward_hook(hook))
    tokenizer.padding_side = "left"
    try:
        with no_grad_in_precision(model):
            for start in range(0, len(prompts), batch_size):
                chunk = list(prompts[start : start + batch_size])
                enc = tokenizer(chunk, return_tensors="pt", padding=True, add_special_tokens=False)
                device = next(model.parameters()).device
                with suppress(_Stop):
                    trunk(model)(**{k: v.to(device) for k, v in enc.items()}, use_cache=False)
    finally:
        for h in handles:
            h.remove()
    return {resid_post_name(i): torch.cat(captured[i]) for i in chosen}
