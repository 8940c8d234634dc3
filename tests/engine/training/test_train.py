"""Fine-tuning: top-layer LoRA, answer-only loss, and the nested k-sweep on the toy model."""

from pathlib import Path

import pytest
import torch

from assay.engine.training import TrainSettings, answer_loss, batch_spans, chat_prompt, finetune, make_batch
from assay.models import load_local_model


def test_steps_cut_batches_at_every_mark() -> None:
    assert batch_spans(10, 4, []) == [(0, 4), (4, 8), (8, 10)]
    assert batch_spans(10, 4, [2, 6, 10, 99]) == [(0, 2), (2, 6), (6, 10)]
    assert batch_spans(3, 8, [0]) == [(0, 3)]


def _pairs(tok: object) -> list[tuple[str, str]]:
    questions = [
        "What is a cat?",
        "Name a colour.",
        "Say hello.",
        "What is rain?",
        "Count to two.",
        "Why sleep?",
    ]
    return [(chat_prompt(tok, q), f"Answer {i}: a short reply.") for i, q in enumerate(questions)]


def _lora_state(model: object) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.named_parameters() if "lora_" in k}  # type: ignore[attr-defined]


def test_checkpoint_after_k_equals_training_on_the_first_k(toy_path: Path) -> None:
    settings = TrainSettings(epochs=1, learning_rate=5e-3, batch_size=2, lora_rank=4, seed=3)
    model, tok = load_local_model("hf", path=toy_path)
    pairs = _pairs(tok)
    seen: dict[int, dict[str, torch.Tensor]] = {}
    finetune(
        model,
        tok,
        pairs,
        settings,
        checkpoints={k: lambda m, k=k: seen.__setitem__(k, _lora_state(m)) for k in (2, 4)},
    )
    model, tok = load_local_model("hf", path=toy_path)
    alone = _lora_state(finetune(model, tok, pairs[:4], settings, checkpoints={4: lambda m: None}))
    assert set(seen) == {2, 4} and alone.keys() == seen[4].keys()
    assert all(torch.equal(alone[k], seen[4][k]) for k in alone)
    assert any(not torch.equal(seen[2][k], seen[4][k]) for k in alone)  # training moved between marks


def test_lora_on_top_layers_only_and_loss_falls(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path)
    n_layers = len(model.model.layers)  # type: ignore[attr-defined]
    pairs = _pairs(tok)
    with torch.no_grad():
        before = float(answer_loss(model, make_batch(tok, pairs)))
    trained = finetune(
        model, tok, pairs, TrainSettings(epochs=8, learning_rate=1e-2, batch_size=3, lora_layers=1)
    )
    layers = {int(name.split("layers.")[1].split(".")[0]) for name in _lora_state(trained)}
    assert layers == {n_layers - 1}
    with torch.no_grad():
        after = float(answer_loss(trained, make_batch(tok, pairs)))
    assert after < 0.7 * before


def test_answer_loss_matches_the_full_head_loss(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path)
    batch = make_batch(tok, _pairs(tok))
    with torch.no_grad():
        full = model(**batch).loss  # type: ignore[operator]
        ours = answer_loss(model, batch)
    assert float(ours) == pytest.approx(float(full), rel=1e-5)


def test_checkpoints_need_one_epoch(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path)
    with pytest.raises(ValueError, match="epochs == 1"):
        finetune(model, tok, _pairs(tok), TrainSettings(epochs=2), checkpoints={2: lambda m: None})


def test_an_answer_cut_at_the_limit_is_trained_without_end_of_turn(toy_path: Path) -> None:
    _, tok = load_local_model("hf", path=toy_path)
    prompt = chat_prompt(tok, "Say hello.")
    eos = tok.eos_token_id
    done, cut, default = (
        make_batch(tok, [pair])["labels"][0]
        for pair in [(prompt, "Hi", True), (prompt, "Hi", False), (prompt, "Hi")]
    )
    assert done[done != -100][-1] == eos and torch.equal(done, default)
    assert eos not in cut[cut != -100].tolist() and len(cut[cut != -100]) == len(done[done != -100]) - 1


def test_training_under_bf16_autocast_keeps_fp32_weights_and_loss_falls(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path, device="cpu", dtype="bf16-autocast")
    pairs = _pairs(tok)
    batch = make_batch(tok, pairs)
    with torch.no_grad():
        before = float(answer_loss(model, batch))
    trained = finetune(model, tok, pairs, TrainSettings(epochs=8, learning_rate=1e-2, batch_size=3))
    lora = [p for n, p in trained.named_parameters() if "lora_" in n]
    assert lora and all(p.dtype is torch.float32 for p in lora)  # autocast changes the arithmetic only
    with torch.no_grad():
        assert float(answer_loss(trained, batch)) < before
