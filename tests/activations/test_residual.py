"""Residual capture and steering on the toy model."""

from pathlib import Path
from typing import Any

import pytest
import torch

from assay.activations import add_to_residual, decoder_layers, resid_post_name, residual_stream
from assay.models import load_local_model
from assay.models._toy_corpus import chatml

PROMPTS = [
    chatml("Hello!"),
    chatml("What is the capital city of France? Please answer briefly."),
    chatml("Hi"),
]


def test_names_shapes_and_batch_invariance(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    n_layers = len(decoder_layers(model))
    acts = residual_stream(model, tok, PROMPTS)
    assert (
        list(acts)
        == [resid_post_name(i) for i in range(n_layers)]
        == [f"blocks.{i}.resid_post" for i in range(n_layers)]
    )
    d_model = model.config.hidden_size
    assert all(t.shape == (3, d_model) for t in acts.values())
    for i, p in enumerate(PROMPTS):  # left padding: the final token is the same alone or in a batch
        alone = residual_stream(model, tok, [p], layers=[1, -1])
        assert torch.allclose(alone["blocks.1.resid_post"][0], acts["blocks.1.resid_post"][i], atol=1e-4)
        assert torch.allclose(
            alone[f"blocks.{n_layers - 1}.resid_post"][0],
            acts[f"blocks.{n_layers - 1}.resid_post"][i],
            atol=1e-4,
        )


def test_matches_hidden_states_of_the_model(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    enc = tok([PROMPTS[0]], return_tensors="pt", add_special_tokens=False)
    with torch.inference_mode():
        hidden = model(**enc, output_hidden_states=True).hidden_states
    acts = residual_stream(model, tok, [PROMPTS[0]], layers=[0, 2])
    assert torch.allclose(acts["blocks.0.resid_post"][0], hidden[1][0, -1], atol=1e-5)
    assert torch.allclose(acts["blocks.2.resid_post"][0], hidden[3][0, -1], atol=1e-5)


def test_steering_adds_the_vector_and_is_removed(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    vec = torch.randn(model.config.hidden_size, generator=torch.Generator().manual_seed(0))
    before = residual_stream(model, tok, PROMPTS, layers=[1])["blocks.1.resid_post"]
    with add_to_residual(model, 1, vec, scale=2.0):
        steered = residual_stream(model, tok, PROMPTS, layers=[1])["blocks.1.resid_post"]
    after = residual_stream(model, tok, PROMPTS, layers=[1])["blocks.1.resid_post"]
    assert torch.allclose(steered - before, (2.0 * vec).expand_as(before), atol=1e-4)
    assert torch.allclose(after, before)


def test_bad_arguments(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    with pytest.raises(ValueError, match="out of range"):
        residual_stream(model, tok, PROMPTS, layers=[99])
    with pytest.raises(ValueError, match="counts from the end"):
        residual_stream(model, tok, PROMPTS, position=0)


def test_activations_under_bf16_autocast_are_float32_and_close(toy_path: Path) -> None:
    """Probes feed activations to numpy and sklearn: under autocast they still come back in float32."""
    plain, tok = load_local_model("hf", path=toy_path, device="cpu", dtype="float32")
    fast, _ = load_local_model("hf", path=toy_path, device="cpu", dtype="bf16-autocast")
    ref, acts = residual_stream(plain, tok, PROMPTS), residual_stream(fast, tok, PROMPTS)
    for name, t in acts.items():
        assert t.dtype is torch.float32
        assert torch.allclose(t, ref[name], rtol=0.1, atol=0.1) and not torch.equal(t, ref[name])


def test_a_pass_that_stops_at_the_last_chosen_block_reads_the_same(toy_model: tuple[Any, Any]) -> None:
    """The pass ends after the highest chosen block (no later block, no output head): the same states."""
    model, tok = toy_model
    every = residual_stream(model, tok, PROMPTS)
    for layer in range(len(decoder_layers(model))):
        alone = residual_stream(model, tok, PROMPTS, layers=[layer])[resid_post_name(layer)]
        assert torch.equal(alone, every[resid_post_name(layer)])
