"""Frozen weights cast once per measuring context (CPU autocast): the same numbers, the weights restored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from assay import _precision
from assay._precision import Precision, frozen_weights_cast, mark_precision, no_grad_in_precision
from assay.engine.measure import ContinuationSet
from assay.models import load_local_model


def _lora(toy_path: Path, dtype: str = "bf16-autocast") -> tuple[Any, Any]:
    """The toy model under ``dtype`` with a LoRA adapter (random B) on its attention: a frozen base."""
    from peft import LoraConfig, get_peft_model

    base, tok = load_local_model("hf", path=toy_path, device="cpu", dtype=dtype)
    torch.manual_seed(0)
    cfg = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    return get_peft_model(base, cfg).eval(), tok


def _weights(model: Any) -> dict[str, torch.Tensor]:
    return {name: p for name, p in model.named_parameters() if name.endswith("weight")}


def test_measurements_equal_those_with_a_cast_in_every_pass(
    toy_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, tok = _lora(toy_path)
    prompts = [f"Question {i}: what is {i} plus {i + 1}?" for i in range(6)]
    ids = torch.tensor([tok(p, add_special_tokens=False)["input_ids"][:5] for p in prompts])
    cs = ContinuationSet.of(tok, prompts, "The answer is")

    def measure() -> tuple[torch.Tensor, list[Any]]:
        with no_grad_in_precision(model):
            return model(input_ids=ids).logits, cs.verdicts(model)

    swapped_logits, swapped_verdicts = measure()
    monkeypatch.setattr(_precision, "_swap_frozen_weights", lambda m: [])
    plain_logits, plain_verdicts = measure()
    assert torch.equal(swapped_logits, plain_logits) and swapped_verdicts == plain_verdicts


def test_only_frozen_linear_weights_are_cast_and_all_come_back(toy_path: Path) -> None:
    model, _ = _lora(toy_path)
    before = {name: (w.dtype, w.data_ptr()) for name, w in _weights(model).items()}
    head = model.get_output_embeddings().weight
    with no_grad_in_precision(model):
        inside = {name: w.dtype for name, w in _weights(model).items()}
        with frozen_weights_cast(model):  # nested: nothing left to swap, nothing restored early
            assert {name: w.dtype for name, w in _weights(model).items()} == inside
        assert {name: w.dtype for name, w in _weights(model).items()} == inside
    cast = {name for name, dtype in inside.items() if dtype == torch.bfloat16}
    assert cast and all("base_layer" in n or "mlp" in n or "o_proj" in n or "k_proj" in n for n in cast)
    assert not any("lora_" in n or "embed" in n or "norm" in n for n in cast)
    assert head.dtype == torch.float32
    assert {name: (w.dtype, w.data_ptr()) for name, w in _weights(model).items()} == before


def test_the_originals_come_back_after_an_error(toy_path: Path) -> None:
    model, _ = _lora(toy_path)
    before = {name: w.data_ptr() for name, w in _weights(model).items()}
    with pytest.raises(RuntimeError, match="boom"), no_grad_in_precision(model):
        raise RuntimeError("boom")
    assert {name: w.data_ptr() for name, w in _weights(model).items()} == before
    assert all(w.dtype == torch.float32 for w in _weights(model).values())


@pytest.mark.parametrize("dtype", ["float32", "autocast-on-cuda"])
def test_nothing_is_swapped_without_cpu_autocast(toy_path: Path, dtype: str) -> None:
    model, _ = _lora(toy_path, "float32")
    if dtype == "autocast-on-cuda":  # the mark alone: on a GPU the copies' memory is dearer than the cast
        mark_precision(model, Precision("float32", "bfloat16", "cuda"))
    assert _precision._swap_frozen_weights(model) == []
