"""``dtype: auto`` on a CPU with bf16 units: autocast for models large enough to gain, fp32 for tiny ones.

The rule holds in both loaders: :func:`load_local_model` (the studies' forward passes and training) and the
Inspect provider ``assay/hf`` (the studies' generation evals).
"""

from __future__ import annotations

import pytest

from assay._precision import precision_of
from assay.models import _device
from assay.models._load import MIN_HIDDEN_FOR_CPU_AUTOCAST, load_local_model


@pytest.fixture
def amx(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CPU that reports bf16 matrix units, with no ASSAY_DTYPE override."""
    monkeypatch.delenv("ASSAY_DTYPE", raising=False)
    monkeypatch.setattr(_device, "cpu_bf16_units", lambda cpuinfo=None: "amx_bf16")


@pytest.mark.usefixtures("amx")
def test_auto_keeps_a_tiny_model_in_fp32_and_says_why() -> None:
    model, _ = load_local_model("toy", device="cpu", dtype="auto")
    p = precision_of(model)
    assert p is not None and p.autocast is None and p.weights == "float32"
    assert model.config.hidden_size < MIN_HIDDEN_FOR_CPU_AUTOCAST
    assert p.reason == f"hidden size {model.config.hidden_size} < {MIN_HIDDEN_FOR_CPU_AUTOCAST}"


@pytest.mark.usefixtures("amx")
def test_a_named_autocast_is_kept_for_a_tiny_model() -> None:
    model, _ = load_local_model("toy", device="cpu", dtype="bf16-autocast")
    p = precision_of(model)
    assert p is not None and p.autocast == "bfloat16"  # asked for by name: the size rule is for auto only


@pytest.mark.usefixtures("amx")
def test_the_inspect_provider_keeps_a_tiny_model_in_fp32_under_auto() -> None:
    from assay.models._local import LocalModelAPI

    api = LocalModelAPI("toy", device="cpu", dtype="auto")
    p = precision_of(api.model)
    assert p is not None and p.autocast is None and p.weights == "float32"
    assert p.reason == f"hidden size {api.model.config.hidden_size} < {MIN_HIDDEN_FOR_CPU_AUTOCAST}"


@pytest.mark.usefixtures("amx")
def test_the_inspect_provider_keeps_a_named_autocast_for_a_tiny_model() -> None:
    from assay.models._local import LocalModelAPI

    api = LocalModelAPI("toy", device="cpu", dtype="bf16-autocast")
    p = precision_of(api.model)
    assert p is not None and p.autocast == "bfloat16"
