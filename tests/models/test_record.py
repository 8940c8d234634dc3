"""A run's model record (what metrics and reports name, what stage keys hold) and the settings checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from assay.models import SettingError, check_settings, content_revision, model_record


def test_the_record_names_the_model_as_given_and_resolved(toy_path: Path) -> None:
    record = model_record("toy", "auto", "float32")
    assert (record.given, record.kind, record.checkpoint) == ("toy", "embedded", str(toy_path))
    assert record.revision == content_revision(toy_path) and record.revision.startswith("sha256:")
    assert (record.device, record.dtype, record.weights, record.autocast) == (
        "auto",
        "float32",
        "float32",
        None,
    )
    assert record.resolved_device == ("cuda" if torch.cuda.is_available() else "cpu")
    assert record.precision == f"float32 on {record.resolved_device}"
    assert dict(record.rows())["revision"] == record.revision
    as_dir = model_record(str(toy_path), "cpu", "float32")
    assert as_dir.kind == "directory" and as_dir.revision == record.revision


def test_a_hub_model_is_recorded_with_its_commit(hub_cache: Any) -> None:
    record = model_record(hub_cache.repo_id, "cpu", "bf16-autocast")
    assert (record.kind, record.revision) == ("hub", hub_cache.commit)
    assert Path(record.checkpoint).name == hub_cache.commit
    assert (record.weights, record.autocast, record.precision) == (
        "float32",
        "bfloat16",
        "bf16-autocast on cpu",
    )


def test_the_key_holds_the_revision_and_precision_not_the_device_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ASSAY_DTYPE", raising=False)
    key = model_record("toy", "cpu", "float32").key()
    assert model_record("assay/toy", "auto" if not torch.cuda.is_available() else "cpu", "fp32").key() == key
    assert model_record("toy", "cpu", "bf16-autocast").key() != key
    assert model_record("toy", "cpu", "bfloat16").key() != key
    monkeypatch.setenv("ASSAY_DTYPE", "bf16-autocast")  # auto follows the environment: so does the key
    assert model_record("toy", "cpu", "auto").key() == model_record("toy", "cpu", "bf16-autocast").key()
    monkeypatch.setenv("ASSAY_DTYPE", "float32")
    assert model_record("toy", "cpu", "auto").key() == key


@pytest.mark.parametrize(
    ("settings", "field", "problem"),
    [
        ({"model": "assay-test/not-cached"}, "model", "not an embedded model (smollm2, toy), a checkpoint"),
        ({"device": "gpu0"}, "device", "device must be auto, cpu, cuda, cuda:N or mps"),
        ({"dtype": "int3"}, "dtype", "must be one of auto, bf16-autocast, autocast, float32"),
        ({"dtype": "int3", "device": "cpu"}, "dtype", "must be one of auto"),
        ({"model": "nope/nope", "device": "gpu0"}, "model", "a hub id in the local Hugging Face cache"),
    ],
)
def test_settings_that_cannot_run_name_the_setting(
    settings: dict[str, str], field: str, problem: str
) -> None:
    with pytest.raises(SettingError) as caught:
        check_settings(**settings)
    assert caught.value.field == field and caught.value.value == settings[field]
    assert problem in caught.value.problem and "\n" not in str(caught.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present on this machine")
def test_cuda_on_a_machine_without_it_is_refused() -> None:
    with pytest.raises(SettingError, match="CUDA is not available on this machine") as caught:
        check_settings("toy", "cuda")
    assert caught.value.field == "device"
    check_settings("toy", None, "float16")  # without a device only the dtype's name is checked
    check_settings("toy", "cpu", "float16")  # torch 2.13 runs fp16 products on a CPU
