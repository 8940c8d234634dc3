"""Batched generation with a local causal LM: left padding, KV cache, per-row token accounting.

This is a thin layer over ``model.generate`` (transformers does the decoding); it adds what Inspect's own
``hf`` provider lacks: temperature 0 means greedy, stop strings are cut from the text, and token usage is
counted per row without padding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assay._precision import no_grad_in_precision


@dataclass(frozen=True)
class GenParams:
    """Decoding settings shared by every prompt of one batch.

    ``temperature`` of ``None`` or ``0`` decodes greedily.
    """

    max_new_tokens: int = 256
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()

    @property
    def greedy(self) -> bool:
        """Whether decoding is greedy (no sampling)."""
        return not self.temperature


@dataclass(frozen=True)
class GenResult:
    """One row's output."""

    text: str
    input_tokens: int
    output_tokens: int
    stop_reason: str  # "stop" or "max_tokens"


def generate_batch(model: Any, tokenizer: Any, prompts: list[str], params: GenParams) -> list[GenResult]:
    """Generate a completion for every prompt in one padded batch.

    Args:
        model: A transformers causal LM.
        tokenizer: Its tokenizer; prompts are already formatted (chat template applied).
        prompts: Prompt texts.
        params: Decoding settings.

    Returns:
        One :class:`GenResult` per prompt, in order.
    """
    import torch

    tokenizer.padding_side = "left"
    enc = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    enc = {k: v.to(model.device) for k, v in enc.items()}
    kwargs: dict[str, Any] = {
        "max_new_tokens": params.max_new_tokens,
        "pad_token_id": tokenizer.pad_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "do_sample": not params.greedy,
    }
    if params.greedy:
        kwargs.update(temperature=None, top_p=None, top_k=None)
    else:
        kwargs.update(temperature=params.temperature, top_p=params.top_p, top_k=params.top_k or 0)
    if params.stop:
        kwargs.update(stop_strings=list(params.stop), tokenizer=tokenizer)
    if params.seed is not None:
        torch.manual_seed(params.seed)
    with no_grad_in_precision(model):
        sequences = model.generate(**enc, **kwargs)
    width = enc["input_ids"].shape[1]
    new_tokens = sequences[:, width:]
    input_counts = enc["attention_mask"].sum(dim=1).tolist()
    return [
        _row_result(tokenizer, row, int(n_in), params)
        for row, n_in in zip(new_tokens, input_counts, strict=True)
    ]


def _row_result(tokenizer: Any, row: Any, n_in: int, params: GenParams) -> GenResult:
    ids = row.tolist()
    eos = tokenizer.eos_token_id
    stopped = eos in ids
    n_out = ids.index(eos) + 1 if stopped else len(ids)
    text = tokenizer.decode(ids[:n_out], skip_special_tokens=True, clean_up_tokenization_spaces=False)
    cut = [i for i in (text.find(s) for s in params.stop) if i >= 0]
    if cut:
        text = text[: min(cut)]
        stopped = True
    return GenResult(
        text=text,
        input_tokens=n_in,
        output_tokens=n_out,
        stop_reason="stop" if stopped else "max_tokens",
    )
