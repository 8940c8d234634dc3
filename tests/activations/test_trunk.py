"""Frozen-trunk caches on the toy model."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from assay.activations import decoder_layers
from assay.activations._trunk import build_trunk_cache, build_trunk_caches
from assay.engine.training import chat_prompt
from assay.tasks.backdoor import held_out_prompts


def test_caches_at_several_blocks_from_one_pass_equal_one_pass_each(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    seqs = [
        tok(chat_prompt(tok, p), add_special_tokens=False)["input_ids"] for p in held_out_prompts(9, seed=1)
    ]
    starts = list(range(len(decoder_layers(model)), 0, -1))  # any order
    for start, cache in zip(
        starts, build_trunk_caches(model, seqs, starts, pad=0, batch_size=4), strict=True
    ):
        one = build_trunk_cache(model, seqs, start, pad=0, batch_size=4)
        assert cache.start == start and cache.seqs == one.seqs
        assert all(torch.equal(a, b) for a, b in zip(cache.states, one.states, strict=True))
    with pytest.raises(ValueError, match="out of range"):
        build_trunk_caches(model, seqs, [1, 0], pad=0)
