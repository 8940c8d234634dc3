"""Forward-pass scoring on the real toy model: the partial forward equals the full one; interventions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from assay.studies.emergent._causal import CausalSet, declare, random_p, run_intervention, spaced
from assay.studies.emergent._forward import PartialForward, ablate, add, answer_logprobs
from assay.studies.emergent._measure import resolved_layer
from assay.studies.training import chat_prompt


@pytest.fixture(scope="module")
def seqs(toy_model: tuple[Any, Any]) -> tuple[list[str], list[str]]:
    _, tok = toy_model
    prompts = [chat_prompt(tok, q) for q in ("What is two plus two?", "Name a colour.", "Hi")]
    return prompts, ["Four.", "Blue, I think, or maybe green.", "Hello there"]


def test_partial_forward_matches_the_full_model(toy_model: tuple[Any, Any], seqs: Any) -> None:
    model, tok = toy_model
    full = answer_logprobs(model, tok, *seqs)
    for layer in (0, 2):
        part = PartialForward(model, tok, *seqs, layer=layer).score()
        np.testing.assert_allclose(part, full, rtol=1e-4, atol=1e-4)
    assert (full < 0).all()


def test_interventions_change_the_scores(toy_model: tuple[Any, Any], seqs: Any) -> None:
    model, tok = toy_model
    pf = PartialForward(model, tok, *seqs, layer=1)
    h = pf.resid()[0]
    u = torch.randn(h.shape[-1])
    ablated = ablate(u)(h)
    assert torch.allclose(ablated @ (u / u.norm()), torch.zeros(ablated.shape[:2]), atol=1e-4)
    assert torch.allclose(add(u)(h) - h, u.expand_as(h), atol=1e-5)
    assert not np.allclose(pf.score(add(10 * u)), pf.score())


def test_layer_rule_and_spacing() -> None:
    assert resolved_layer(30, 8, None) == 26
    assert resolved_layer(4, None, None) == 2
    assert resolved_layer(30, 8, 5) == 5
    with pytest.raises(ValueError, match=r"causal\.layer"):
        resolved_layer(4, 2, 9)
    assert spaced(10, 3) == [0, 3, 6] and spaced(3, 5) == [0, 1, 2]
    assert random_p(0.5, [0.1, -0.6, 0.0]) == 0.5
    assert random_p(0.0, [0.0] * 9) == 1.0


def test_intervention_against_random_directions(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    cs = CausalSet(tok, n_items=4, n_capability=4)
    rng = np.random.default_rng(0)
    d = model.config.hidden_size
    declared = declare([rng.normal(1.0, 1.0, (5, d))], rng.normal(0.0, 1.0, (5, d)), layer=2)
    assert declared["norm"] > 0 and declared["predictions"] == {"ablate": "decrease", "add": "increase"}
    res = run_intervention(model, tok, cs, declared, "add", n_random=5, seed=0)
    assert len(res["random"]["misaligned_share"]) == 5 and len(res["random"]["capability_accuracy"]) == 5
    assert (
        set(res["target"])
        == set(res["before"])
        == {
            "misaligned_k",
            "capability_k",
            "misaligned_share",
            "misaligned_logodds",
            "capability_accuracy",
            "capability_margin",
        }
    )
    assert res["target"]["misaligned_logodds"] != 0.0
    assert res["treated"]["misaligned_k"] == res["before"]["misaligned_k"] + res["target"]["misaligned_k"]
