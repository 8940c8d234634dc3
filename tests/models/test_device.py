"""Device and dtype selection: auto is CUDA when present, else CPU; bf16 on CUDA, fp32 on CPU."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from assay._errors import AssayError
from assay.models import load_local_model, resolve_device, resolve_dtype


def test_auto_falls_back_to_cpu_without_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu" and resolve_device(None) == "cpu"
    assert resolve_dtype("auto", "cpu") is torch.float32
    with pytest.raises(AssayError, match="CUDA is not available"):
        resolve_device("cuda")


def test_auto_picks_cuda_and_bf16_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert resolve_device("auto") == "cuda" and resolve_device("cuda:1") == "cuda:1"
    assert resolve_dtype("auto", "cuda") is torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)
    assert resolve_dtype("auto", "cuda") is torch.float16


def test_bad_names_are_one_line_errors() -> None:
    with pytest.raises(AssayError, match="device must be"):
        resolve_device("gpu0")
    with pytest.raises(AssayError, match="dtype must be"):
        resolve_dtype("int3", "cpu")
    assert resolve_dtype("bf16", "cpu") is torch.bfloat16


def test_loading_honours_dtype(toy_path: Path) -> None:
    model, _ = load_local_model("hf", path=toy_path, device="cpu", dtype="bfloat16")
    assert next(model.parameters()).dtype is torch.bfloat16
    model, _ = load_local_model("hf", path=toy_path)
    assert next(model.parameters()).device.type == ("cuda" if torch.cuda.is_available() else "cpu")
