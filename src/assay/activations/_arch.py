"""Architecture-generic accessors: the trunk, the decoder blocks and the output head of any HF causal LM.

Nothing here names ``model.model.layers`` or ``lm_head``: the trunk is the model's ``base_model_prefix``
attribute (``model`` for LLaMA, Qwen2, Gemma; ``gpt_neox`` for GPT-NeoX; ``transformer`` for GPT-2), the
head is ``get_output_embeddings()``, and the blocks are the trunk's ``ModuleList`` with one entry per
``config.num_hidden_layers``. peft wrappers are unwrapped first.
"""

from __future__ import annotations

from typing import Any

import torch


def unwrap(model: Any) -> Any:
    """The transformers model inside a peft wrapper (the model itself otherwise)."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def trunk(model: Any) -> Any:
    """The model without its output head (returns ``last_hidden_state``), e.g. ``LlamaModel``."""
    base = unwrap(model)
    prefix = getattr(base, "base_model_prefix", "")
    inner = getattr(base, prefix, None) if prefix else None
    if inner is None or inner is base:
        raise TypeError(f"cannot find the trunk of {type(base).__name__} (base_model_prefix={prefix!r})")
    return inner


def output_head(model: Any) -> torch.nn.Module:
    """The output head (hidden state -> vocabulary logits)."""
    head = unwrap(model).get_output_embeddings()
    if head is None:
        raise TypeError(f"{type(unwrap(model)).__name__} has no output head")
    return head  # type: ignore[no-any-return]


def decoder_layers(model: Any) -> torch.nn.ModuleList:
    """The decoder blocks of a causal LM, bottom to top, for any architecture (see the module docstring)."""
    inner = trunk(model)
    n = getattr(unwrap(model).config, "num_hidden_layers", None)
    lists = [m for m in inner.children() if isinstance(m, torch.nn.ModuleList) and len(m) > 0]
    matching = [m for m in lists if n is None or len(m) == n]
    if not matching:
        raise TypeError(f"cannot find decoder layers on {type(unwrap(model)).__name__}")
    return matching[0]


def final_norm(model: Any) -> torch.nn.Module:
    """The normalisation applied after the last block (identity when the architecture has none)."""
    inner = trunk(model)
    for name in ("norm", "final_layer_norm", "ln_f", "final_layernorm"):
        module = getattr(inner, name, None)
        if isinstance(module, torch.nn.Module):
            return module
    return torch.nn.Identity()
