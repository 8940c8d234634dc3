"""Device and precision selection: auto is CUDA when present, else CPU; bf16 autocast where bf16 is fast."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from assay._errors import AssayError
from assay._precision import Precision, precision_context, precision_of
from assay.models import (
    _cpu_bf16,
    check_precision,
    cpu_bf16_units,
    load_local_model,
    resolve_device,
    resolve_dtype,
    resolve_precision,
)

AMX = "processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n"
AVX512_BF16_ONLY = "processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16\n"
NO_FLAGS = "processor\t: 0\nmodel name\t: amx_bf16 in a name, not a flag\n"


@pytest.fixture(autouse=True)
def _auto_is_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite sets ASSAY_DTYPE=float32 (conftest); these tests check what ``auto`` itself picks."""
    monkeypatch.delenv("ASSAY_DTYPE", raising=False)


def _measured(monkeypatch: pytest.MonkeyPatch, speedup: float) -> list[str]:
    """Make the bf16 speed measurement return ``speedup``; the list collects the cpuinfo it was asked of."""
    asked: list[str] = []

    def fake(cpuinfo: str) -> float:
        asked.append(cpuinfo)
        return speedup

    monkeypatch.setattr(_cpu_bf16, "bf16_matmul_speedup", fake)
    return asked


def test_bf16_units_are_read_from_the_cpu_flags() -> None:
    assert cpu_bf16_units(AMX) == "amx_bf16"  # preferred over the avx512_bf16 it also lists
    assert cpu_bf16_units(AVX512_BF16_ONLY) == "avx512_bf16"
    assert cpu_bf16_units(NO_FLAGS) is None
    assert cpu_bf16_units("") is None


def test_auto_on_cpu_with_amx_is_bf16_autocast_without_measuring(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _measured(monkeypatch, 0.5)
    amx = resolve_precision("auto", "cpu", cpuinfo=AMX)
    assert amx == Precision("float32", "bfloat16", "cpu", "amx_bf16")
    assert amx.describe() == "bf16-autocast on cpu (amx_bf16)"
    plain = resolve_precision(None, "cpu", cpuinfo=NO_FLAGS)
    assert plain == Precision("float32", None, "cpu") and plain.describe() == "float32 on cpu"
    assert resolve_precision("auto", "mps", cpuinfo=AMX).autocast is None
    assert asked == []  # AMX is known fast, and no bf16 flag means fp32: nothing to time


@pytest.mark.parametrize(("speedup", "autocast"), [(2.8, "bfloat16"), (1.5, "bfloat16"), (0.65, None)])
def test_auto_with_avx512_bf16_alone_follows_the_measured_speedup(
    monkeypatch: pytest.MonkeyPatch, speedup: float, autocast: str | None
) -> None:
    asked = _measured(monkeypatch, speedup)
    got = resolve_precision("auto", "cpu", cpuinfo=AVX512_BF16_ONLY)
    assert got.autocast == autocast and asked == [AVX512_BF16_ONLY]
    if autocast:
        assert got.describe() == "bf16-autocast on cpu (avx512_bf16)"
    else:
        assert got == Precision("float32", None, "cpu")


def test_auto_without_cpu_autocast_in_torch_is_fp32(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.amp, "is_autocast_available", lambda device_type: False)
    assert resolve_precision("auto", "cpu", cpuinfo=AMX).autocast is None


def test_named_dtypes_override_auto() -> None:
    assert resolve_precision("float32", "cpu", cpuinfo=AMX) == Precision("float32", None, "cpu")
    assert resolve_precision("FP32", "cpu", cpuinfo=AMX).autocast is None
    for name in ("bf16-autocast", "autocast"):
        assert resolve_precision(name, "cpu", cpuinfo=NO_FLAGS) == Precision("float32", "bfloat16", "cpu")
    assert resolve_precision("bfloat16", "cpu", cpuinfo=AMX) == Precision("bfloat16", None, "cpu")
    assert resolve_precision("bf16", "cpu").describe() == "bfloat16 on cpu"


def test_assay_dtype_replaces_auto_but_not_a_named_dtype(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_DTYPE", "float32")
    assert resolve_precision("auto", "cpu", cpuinfo=AMX) == Precision("float32", None, "cpu")
    assert resolve_precision("bf16-autocast", "cpu", cpuinfo=AMX).autocast == "bfloat16"
    monkeypatch.setenv("ASSAY_DTYPE", "bf16-autocast")
    assert resolve_precision(None, "cpu", cpuinfo=NO_FLAGS).autocast == "bfloat16"
    monkeypatch.setenv("ASSAY_DTYPE", "auto")
    assert resolve_precision("auto", "cpu", cpuinfo=AMX).reason == "amx_bf16"
    monkeypatch.setenv("ASSAY_DTYPE", "fp33")
    with pytest.raises(AssayError, match=r"^ASSAY_DTYPE: dtype must be one of .*got 'fp33'$"):
        resolve_precision("auto", "cpu")


def test_auto_falls_back_to_cpu_without_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu" and resolve_device(None) == "cpu"
    assert resolve_dtype("auto", "cpu") is torch.float32  # fp32 weights, with or without autocast
    with pytest.raises(AssayError, match="CUDA is not available"):
        resolve_device("cuda")


def _two_gpus(monkeypatch: pytest.MonkeyPatch, capability: tuple[int, int]) -> None:
    """What torch reports on a machine with two CUDA devices of ``capability`` (this one has none)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda index=None: capability)
    monkeypatch.setattr(torch.version, "hip", None)


def test_auto_picks_cuda_and_bf16_autocast_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    _two_gpus(monkeypatch, (8, 0))
    assert resolve_device("auto") == "cuda" and resolve_device("cuda:1") == "cuda:1"
    assert resolve_precision("auto", "cuda:1") == Precision("float32", "bfloat16", "cuda:1", "cuda")
    assert resolve_dtype("auto", "cuda") is torch.float32
    _two_gpus(monkeypatch, (7, 0))  # a V100 emulates bf16 (slowly): auto takes fp16 there
    assert resolve_dtype("auto", "cuda") is torch.float16


def test_a_device_this_machine_lacks_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    if not torch.cuda.is_available():
        with pytest.raises(AssayError, match=r"^device 'cuda:0': CUDA is not available on this machine"):
            resolve_device("cuda:0")
    if not torch.backends.mps.is_available():
        with pytest.raises(AssayError, match=r"^device 'mps': MPS is not available on this machine"):
            resolve_device("mps")
    _two_gpus(monkeypatch, (8, 0))
    assert resolve_device("cuda:1") == "cuda:1"
    with pytest.raises(
        AssayError, match=r"^device 'cuda:2': this machine has 2 CUDA device\(s\): cuda:0, cuda:1$"
    ):
        resolve_device("cuda:2")


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float16", "bf16-autocast"])
def test_every_dtype_runs_on_this_cpu(dtype: str) -> None:
    """torch 2.13's CPU kernels run fp16 and bf16 products too: no dtype is refused on a CPU."""
    precision = resolve_precision(dtype, "cpu")
    assert check_precision(precision) is precision


def test_a_dtype_the_device_cannot_run_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    if not torch.cuda.is_available():  # the trial product itself fails (a CPU-only torch)
        with pytest.raises(AssayError, match=r"^float32 on cuda: Torch not compiled with CUDA enabled$"):
            check_precision(Precision("float32", None, "cuda"))
    if not torch.backends.mps.is_available():
        with pytest.raises(AssayError, match=r"^float16 on mps: ") as caught:
            check_precision(Precision("float16", None, "mps"))
        assert "\n" not in str(caught.value)
    with pytest.raises(AssayError, match=r"^bf16-autocast on meta: torch has no autocast for meta$"):
        check_precision(Precision("float32", "bfloat16", "meta"))
    _two_gpus(monkeypatch, (7, 5))
    for precision in (Precision("bfloat16", None, "cuda:1"), Precision("float32", "bfloat16", "cuda")):
        with pytest.raises(AssayError, match=r"this GPU has no native bf16 \(use float16 or float32\)$"):
            check_precision(precision)


def test_bad_names_are_one_line_errors() -> None:
    with pytest.raises(AssayError, match="device must be"):
        resolve_device("gpu0")
    with pytest.raises(AssayError, match=r"^dtype must be one of auto, bf16-autocast, .*got 'int3'$"):
        resolve_dtype("int3", "cpu")
    with pytest.raises(AssayError, match="dtype must be"):
        resolve_precision("bf16_autocast", "cpu")
    assert resolve_dtype("bf16", "cpu") is torch.bfloat16


def test_loading_honours_dtype(toy_path: Path) -> None:
    model, _ = load_local_model("hf", path=toy_path, device="cpu", dtype="bfloat16")
    assert next(model.parameters()).dtype is torch.bfloat16
    model, _ = load_local_model("hf", path=toy_path)
    assert next(model.parameters()).device.type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_the_loaded_model_carries_its_precision_and_context(toy_path: Path) -> None:
    model, _ = load_local_model("hf", path=toy_path, device="cpu", dtype="bf16-autocast")
    assert next(model.parameters()).dtype is torch.float32  # weights stay fp32 under autocast
    assert precision_of(model) == Precision("float32", "bfloat16", "cpu")
    x = torch.ones(2, 2)
    with precision_context(model):
        assert torch.is_autocast_enabled("cpu") and (x @ x).dtype is torch.bfloat16
    plain, _ = load_local_model("hf", path=toy_path, device="cpu", dtype="float32")
    with precision_context(plain):
        assert not torch.is_autocast_enabled("cpu") and (x @ x).dtype is torch.float32
    with precision_context(object()):  # a model assay did not load: plain forward passes
        assert not torch.is_autocast_enabled("cpu")
