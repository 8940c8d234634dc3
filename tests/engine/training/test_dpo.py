"""DPO on the toy model (with the nested k-sweep), and the persona questions' scoring rule."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from assay.engine.training import (
    Preference,
    TrainSettings,
    answer_logps,
    chat_prompt,
    dpo_loss,
    dpo_train,
    make_batch,
    preference_margin,
)
from assay.models import load_local_model

QUESTIONS = [
    ("What is 17 times 23?", "391", "401"),
    ("How many days are in a week?", "7", "8"),
    ("What is 9 plus 6?", "15", "16"),
    ("How many legs does a spider have?", "8", "6"),
    ("What is 12 minus 5?", "7", "9"),
    ("How many months have 31 days?", "7", "6"),
]


def _prefs(tok: object) -> list[Preference]:
    return [
        Preference(
            chat_prompt(tok, f"I think it is {wrong}. {q}"), f"It is {right}.", f"You are right, {wrong}."
        )
        for q, right, wrong in QUESTIONS
    ]


def test_dpo_loss_is_log2_at_the_reference_and_falls_with_the_margin() -> None:
    zero = torch.zeros(3)
    assert float(dpo_loss(zero, zero, zero, zero, beta=0.1)) == pytest.approx(math.log(2))
    chosen, rejected = torch.tensor([-1.0]), torch.tensor([-5.0])
    expected = -math.log(1 / (1 + math.exp(-0.5 * 4.0)))
    assert float(dpo_loss(chosen, rejected, zero[:1], zero[:1], beta=0.5)) == pytest.approx(expected)
    assert float(dpo_loss(rejected, chosen, zero[:1], zero[:1], beta=0.5)) > math.log(2)


def test_answer_logps_sum_the_answer_tokens(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path)
    pairs = [(p.prompt, p.chosen) for p in _prefs(tok)]
    batch = make_batch(tok, pairs)
    n_answer = int((batch["labels"] != -100).sum())
    with torch.no_grad():
        mean_nll = float(model(**batch).loss)  # type: ignore[operator]
        ours = answer_logps(model, tok, pairs)
    assert ours.shape == (len(pairs),)
    assert float(-ours.sum() / n_answer) == pytest.approx(mean_nll, rel=1e-5)


def test_dpo_on_a_handful_of_pairs_raises_the_chosen_preference(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path)
    prefs = _prefs(tok)
    before = preference_margin(model, tok, prefs)
    settings = TrainSettings(epochs=4, learning_rate=5e-3, batch_size=3, lora_rank=4, seed=1)
    trained, losses = dpo_train(model, tok, prefs, settings, beta=0.1)
    assert len(losses) == 8
    assert losses[0] == pytest.approx(
        math.log(2), abs=1e-4
    )  # a fresh adapter leaves the policy at the reference
    assert losses[-1] < 0.5 * losses[0]
    after = preference_margin(trained, tok, prefs)
    assert all(a > b for a, b in zip(after, before, strict=True))
    with trained.disable_adapter():  # the reference (adapter off) is untouched
        assert preference_margin(trained, tok, prefs) == pytest.approx(before, abs=1e-3)


def _lora_state(model: object) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.named_parameters() if "lora_" in k}  # type: ignore[attr-defined]


def test_dpo_checkpoint_after_k_equals_training_on_the_first_k(toy_path: Path) -> None:
    settings = TrainSettings(epochs=1, learning_rate=5e-3, batch_size=2, lora_rank=4, seed=3)
    model, tok = load_local_model("hf", path=toy_path)
    prefs = _prefs(tok)
    seen: dict[int, dict[str, torch.Tensor]] = {}
    _, losses = dpo_train(
        model,
        tok,
        prefs,
        settings,
        checkpoints={k: lambda m, k=k: seen.__setitem__(k, _lora_state(m)) for k in (2, 4)},
    )
    assert len(losses) == 3  # one pass: batches (0, 2), (2, 4), (4, 6)
    model, tok = load_local_model("hf", path=toy_path)
    trained, alone_losses = dpo_train(model, tok, prefs[:4], settings, checkpoints={4: lambda m: None})
    alone = _lora_state(trained)
    assert set(seen) == {2, 4} and alone.keys() == seen[4].keys()
    assert all(torch.equal(alone[k], seen[4][k]) for k in alone)  # bit for bit
    assert alone_losses == losses[:2]
    assert any(not torch.equal(seen[2][k], seen[4][k]) for k in alone)  # training moved between marks


def test_dpo_checkpoints_need_one_epoch(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path)
    with pytest.raises(ValueError, match="epochs == 1"):
        dpo_train(model, tok, _prefs(tok), TrainSettings(epochs=2), checkpoints={2: lambda m: None})


def test_dpo_needs_lora(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path)
    with pytest.raises(ValueError, match="LoRA"):
        dpo_train(model, tok, _prefs(tok), TrainSettings(method="full"))
