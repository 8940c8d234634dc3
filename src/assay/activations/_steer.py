"""Additive steering: add a vector to a block's output during any forward pass or generation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from assay.activations._arch import decoder_layers


@contextmanager
def add_to_residual(model: Any, layer: int, vector: torch.Tensor, scale: float = 1.0) -> Iterator[None]:
    """Add ``scale * vector`` to the output of block ``layer`` at every position while the context is open.

    Args:
        model: A transformers causal LM.
        layer: Block index (``blocks.{layer}.resid_post`` is the site changed).
        vector: Shape ``[d_model]``.
        scale: Multiplier (the sign sets the direction).
    """
    block = decoder_layers(model)[layer]
    delta = (scale * vector).detach()

    def hook(_module: Any, _inputs: Any, output: Any) -> Any:
        if isinstance(output, tuple):
            hidden = output[0]
            return (hidden + delta.to(hidden.dtype).to(hidden.device), *output[1:])
        return output + delta.to(output.dtype).to(output.device)

    handle = block.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()
