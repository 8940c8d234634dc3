"""A model's precision: carried by the model, opened around its passes, noted per run, head kept in fp32."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from assay._precision import (
    Precision,
    mark_precision,
    precision_context,
    precision_of,
    precision_scope,
    precisions_used,
    recording_precisions,
)
from assay.models import load_local_model

AUTOCAST = Precision("float32", "bfloat16", "cpu", "amx_bf16")


def test_descriptions_name_the_arithmetic_and_why() -> None:
    assert AUTOCAST.describe() == "bf16-autocast on cpu (amx_bf16)"
    assert Precision("float32", None, "cpu").describe() == "float32 on cpu"
    assert Precision("bfloat16", None, "cuda:1").describe() == "bfloat16 on cuda:1"


def test_each_run_notes_its_precisions_once_and_prints_each_once(capsys: pytest.CaptureFixture[str]) -> None:
    with precision_scope():
        with recording_precisions() as seen:
            mark_precision(SimpleNamespace(), AUTOCAST)
            mark_precision(SimpleNamespace(), AUTOCAST)
            mark_precision(SimpleNamespace(), Precision("float32", None, "cpu"))
        assert seen == precisions_used() == ["bf16-autocast on cpu (amx_bf16)", "float32 on cpu"]
        with precision_scope():
            assert precisions_used() == []
    assert capsys.readouterr().err.count("assay: precision bf16-autocast on cpu (amx_bf16)") == 1


def test_under_autocast_the_head_gives_fp32_logits_in_every_pass(toy_path: Path) -> None:
    model, tok = load_local_model("hf", path=toy_path, device="cpu", dtype="bf16-autocast")
    ids = torch.tensor([tok("Hello there", add_special_tokens=False)["input_ids"]])
    with torch.inference_mode(), precision_context(model):
        logits = model(input_ids=ids).logits
        head_in = model.model(input_ids=ids).last_hidden_state
        head_in = head_in.to(torch.bfloat16)  # even bf16 states enter the head as fp32
        direct = model.get_output_embeddings()(head_in)
    assert logits.dtype is torch.float32 and direct.dtype is torch.float32
    twin = copy.deepcopy(model)  # the fp32 head is rebound to the copy's own head, not the original's
    assert twin.get_output_embeddings().forward.__self__ is twin.get_output_embeddings()
    assert precision_of(twin) == precision_of(model)


def test_without_autocast_the_head_is_left_alone(toy_path: Path) -> None:
    model, _ = load_local_model("hf", path=toy_path, device="cpu", dtype="float32")
    assert "forward" not in vars(model.get_output_embeddings())


def test_measuring_passes_run_without_gradients_outside_inference_mode(toy_path: Path) -> None:
    """Under inference mode autocast keeps no cast of the weights (PyTorch #158232); no_grad keeps them."""
    from assay._precision import no_grad_in_precision

    model, _ = load_local_model("hf", path=toy_path, device="cpu", dtype="bf16-autocast")
    with no_grad_in_precision(model):
        assert not torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
        assert torch.is_autocast_enabled("cpu")
        weight = torch.nn.Linear(4, 4).weight
        first = torch.nn.functional.linear(torch.ones(1, 4), weight)
        assert first.dtype == torch.bfloat16
    assert torch.is_grad_enabled() and not torch.is_autocast_enabled("cpu")
