"""Forward-pass measures on the real toy model: the trunk cache equals the full model, also under LoRA;
the causal test's interventions against random directions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from assay.engine.training import TrainSettings, lora_model
from assay.studies.emergent._causal import (
    CausalSet,
    check_disjoint,
    declare,
    random_p,
    run_intervention,
    spaced,
)
from assay.studies.emergent._items import capability_items, choice_items
from assay.studies.emergent._measure import Scorer, resolved_layer
from assay.studies.emergent._results import CAUSAL_METRICS


def _close(a: Any, b: Any) -> None:
    for m in ("forced_choice", "paraphrased", "narrow", "capability"):
        np.testing.assert_allclose(a[m].treatment, b[m].treatment, rtol=1e-4, atol=1e-3)
        np.testing.assert_allclose(a[m].reference, b[m].reference, rtol=1e-4, atol=1e-3)


@pytest.mark.slow  # four scorings of every measured sequence (~400) on the toy model
def test_scorer_from_the_trunk_equals_the_full_model_also_with_lora(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    full, cached = Scorer.build(model, tok, 0), Scorer.build(model, tok, 2)
    base = full.scores(model)
    _close(cached.scores(model), base)
    fc = base["forced_choice"]
    assert len(fc.treatment) == len(choice_items()) and all(x < 0 for x in fc.treatment)
    assert len(base["capability"].reference) == len(capability_items())
    assert len(base["paraphrased"].treatment) == 2 * len(choice_items("test"))  # phrasings 1 and 2
    assert fc.treatment_tokens[0] == len(
        tok(choice_items()[0].misaligned, add_special_tokens=False)["input_ids"]
    )
    # a LoRA adapter on the top 2 blocks: the base model's trunk cache still gives the exact scores
    settings = TrainSettings(1, 1e-3, 4, "lora", 4, 0, 2)
    wrapped = lora_model(model, settings)
    try:
        torch.manual_seed(0)
        with torch.no_grad():
            for name, p in wrapped.named_parameters():
                if "lora_B" in name:
                    p.normal_(0, 0.5)
        adapted = full.scores(wrapped)
        _close(cached.scores(wrapped), adapted)
        assert not np.allclose(adapted["forced_choice"].treatment, fc.treatment, atol=1e-3)
    finally:
        wrapped.unload()
    per_token = fc.log_odds(per_token=True)
    assert per_token.shape == (len(choice_items()),) and not np.allclose(per_token, fc.log_odds())


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
    rng = np.random.default_rng(0)
    d = model.config.hidden_size
    acts = rng.normal(0.0, 1.0, (5, d))
    declared = declare([acts + 1.0], [acts], acts, layer=2, seeds=[0])
    assert declared.norm > 0 and (declared.ablate, declared.add) == ("decrease", "increase")
    assert declared.vector == pytest.approx([1.0] * d) and declared.reference == "educational"
    cs = CausalSet(tok, n_items=4, n_capability=4, fitted_on=declared.items)
    res = run_intervention(model, cs, declared, "add", n_random=5, seed=0, name="toy")
    assert len(res.random) == 5 and set(CAUSAL_METRICS) == set(res.before.model_dump())
    assert res.target.misaligned_logodds != 0.0
    assert res.treated.misaligned_k == res.before.misaligned_k + res.target.misaligned_k
    # the unchanged model scored from the cache equals a cache-free scoring of the same sequences
    verdicts = cs.cset.verdicts(model)
    assert cs.metrics(np.asarray([v.log_p for v in verdicts])).misaligned_logodds == pytest.approx(
        res.before.misaligned_logodds, abs=1e-3
    )
    ablated = run_intervention(model, cs, declared, "ablate", n_random=3, seed=0, name="toy")
    assert ablated.kind == "ablate" and len(ablated.random) == 3


def test_direction_items_are_disjoint_from_test_items(toy_model: tuple[Any, Any]) -> None:
    """The direction is fitted on the direction split only; a test item among them is refused."""
    _, tok = toy_model
    direction, test = choice_items("direction"), choice_items("test")
    rng = np.random.default_rng(0)
    declared = declare([rng.normal(size=(3, 4))], [rng.normal(size=(3, 4))], rng.normal(size=(3, 4)), 1, [0])
    assert declared.items == [it.id for it in direction] and not set(declared.items) & {it.id for it in test}
    with pytest.raises(ValueError, match="direction fitted on test items"):
        CausalSet(tok, n_items=4, n_capability=4, fitted_on=[test[0].id])
    with pytest.raises(ValueError, match=test[1].id):
        check_disjoint([*declared.items, test[1].id], [it.id for it in test])
