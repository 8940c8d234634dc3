"""Edits stacked along the batch give each edit's own verdicts and log-probabilities (toy model)."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from assay.activations import decoder_layers
from assay.activations._trunk import ablate, steer
from assay.engine.measure import ContinuationSet
from assay.engine.training import chat_prompt
from assay.tasks.backdoor import held_out_prompts


def _vectors(model: Any, n: int) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(11)
    return [torch.randn(model.config.hidden_size, generator=g) * 3 for _ in range(n)]


@pytest.mark.parametrize("start", [1, -1])
def test_stacked_edits_give_each_edits_own_verdicts(toy_model: tuple[Any, Any], start: int) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(14, seed=9)]
    cs = ContinuationSet.of(tok, prompts, "Hello! How can I help")
    cs.cache_trunk(model, start % len(decoder_layers(model)))
    a, b, c = _vectors(model, 3)
    edits = [None, steer(a), steer(b), ablate(c)]
    assert cs.variant_prefix(model, edits, batch_size=6) is not None  # the shared prefix is used
    stacked = cs.variant_verdicts(model, edits, batch_size=6)  # three batches of rows, four edits each
    for edit, got in zip(edits, stacked, strict=True):
        one = cs.verdicts_from_trunk(model, edit, batch_size=6)
        assert [v.starts for v in got] == [v.starts for v in one]
        assert [v.matched for v in got] == [v.matched for v in one]
        assert [v.log_p for v in got] == pytest.approx([v.log_p for v in one], abs=1e-5)


def test_an_edit_that_changes_the_prefix_stacks_whole_sequences(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(8, seed=6)]
    cs = ContinuationSet.of(tok, prompts, "Hello!")
    cs.cache_trunk(model, 1)

    def per_row(h: torch.Tensor) -> torch.Tensor:  # a different shift at position 0 of every row
        out = h.clone()
        out[:, 0] += torch.arange(h.shape[0], dtype=h.dtype)[:, None] * 0.5
        return out

    edits = [steer(_vectors(model, 1)[0]), per_row]
    assert cs.variant_prefix(model, edits, batch_size=8) is None
    stacked = cs.variant_verdicts(model, edits, batch_size=8)
    for edit, got in zip(edits, stacked, strict=True):
        whole = cs.verdicts_from_trunk(model, edit, batch_size=8, shared_prefix=False)
        assert [v.log_p for v in got] == pytest.approx([v.log_p for v in whole], abs=1e-5)


def test_the_trunk_below_is_run_once_per_cache(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(4, seed=2)]
    cs = ContinuationSet.of(tok, prompts, "Hello!")
    cache = cs.cache_trunk(model, 2)
    edits = [steer(v) for v in _vectors(model, 2)]
    cs.variant_verdicts(model, edits)
    below = dict(cache.below)
    cs.variant_verdicts(model, edits[::-1])
    assert len(below) == 1 and cache.below == below  # the same object, reused
