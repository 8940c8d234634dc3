"""Organism directories on the toy model: adapters not copies, stacks merged in order, bases checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch

from assay._errors import AssayError
from assay.engine.training import TrainSettings, lora_model
from assay.models import (
    is_organism,
    load_local_model,
    load_organism,
    organism_files,
    organism_stack,
    read_organism,
    save_organism,
)
from assay.models._resolve import content_revision

TEXT = "The quick brown fox answers: what is 2 plus 3?"


def logits(model: Any, tok: Any) -> torch.Tensor:
    with torch.no_grad():
        return model(**tok(TEXT, return_tensors="pt")).logits[0].float()


def perturbed_lora(model: Any, rank: int, layers: int | None, seed: int) -> Any:
    """A fresh LoRA adapter on ``model`` with random (non-zero) B, as if trained."""
    peft = lora_model(model, TrainSettings(1, 1e-3, 1, "lora", rank, seed, layers))
    gen = torch.Generator().manual_seed(seed)
    for name, p in peft.named_parameters():
        if "lora_B" in name:
            p.data = torch.randn(p.shape, generator=gen) * 0.05
    return peft.eval()


def make_organism(out: Path, rank: int = 4, layers: int | None = 2, seed: int = 1) -> torch.Tensor:
    """Save a LoRA organism on ``toy`` at ``out``; return the logits of the trained (peft) model."""
    model, tok = load_local_model("toy")
    peft = perturbed_lora(model, rank, layers, seed)
    expected = logits(peft, tok)
    save_organism(peft, tok, out, "toy")
    return expected


def make_arm(organism: Path, out: Path, rank: int = 2, layers: int | None = None) -> torch.Tensor:
    """A LoRA adapter trained on the merged organism, saved stacked on it; return its logits."""
    model, tok = load_organism(organism)
    peft = perturbed_lora(model, rank, layers, seed=7)
    expected = logits(peft, tok)
    save_organism(peft, tok, out, organism)
    return expected


def test_a_lora_organism_is_its_adapter_and_loads_merged(tmp_path: Path, toy_path: Path) -> None:
    org = tmp_path / "run" / "implant" / "organism"
    expected = make_organism(org)
    names = {p.name for p in org.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "organism.json"} <= names
    assert "model.safetensors" not in names and "tokenizer.json" not in names
    info = read_organism(org)
    assert (info.method, info.base, info.parent) == ("lora", "toy", None)
    assert info.base_revision == content_revision(toy_path)
    assert organism_files(org) == [org / "adapter_model.safetensors"]
    adapter_bytes = (org / "adapter_model.safetensors").stat().st_size
    assert adapter_bytes < (toy_path / "model.safetensors").stat().st_size / 10

    model, tok = load_organism(org)
    base, _ = load_local_model("toy")
    assert not hasattr(model, "peft_config")  # merged in memory, a plain model
    assert torch.allclose(logits(model, tok), expected, atol=1e-5)
    assert (logits(base, tok) - expected).abs().max() > 1e-3  # the adapter changes the model


def test_a_stacked_arm_loads_base_organism_arm_in_order_and_moves_with_its_run(tmp_path: Path) -> None:
    org = tmp_path / "run" / "implant" / "organism"
    make_organism(org)
    arm = tmp_path / "run" / "safety" / "arm-k4-s0"
    expected = make_arm(org, arm)
    info = read_organism(arm)
    assert (info.base, info.parent) == ("toy", "../../implant/organism")
    assert info.base_revision == read_organism(org).base_revision
    adapter_config = json.loads((arm / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == str(org.resolve())
    stack = organism_stack(arm)
    assert stack.base == "toy" and stack.adapters == (org.resolve(), arm)

    model, tok = load_organism(arm)
    assert torch.allclose(logits(model, tok), expected, atol=1e-5)
    moved = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "run", moved)
    model, tok = load_organism(moved / "safety" / "arm-k4-s0")
    assert torch.allclose(logits(model, tok), expected, atol=1e-5)


def test_a_changed_parent_or_base_is_refused(tmp_path: Path) -> None:
    org = tmp_path / "organism"
    make_organism(org)
    arm = tmp_path / "arm"
    make_arm(org, arm)
    make_organism(org, seed=2)  # the organism re-trained after the arm was trained on it
    with pytest.raises(AssayError, match="has changed since"):
        organism_stack(arm)
    info = read_organism(org).model_copy(update={"base_revision": "sha256:" + "0" * 64})
    (org / "organism.json").write_text(info.model_dump_json())
    with pytest.raises(AssayError, match="applied to other weights"):
        load_organism(org)


def test_a_full_fine_tune_stores_the_whole_model(tmp_path: Path) -> None:
    model, tok = load_local_model("toy")
    with torch.no_grad():
        model.lm_head.weight.mul_(1.5)  # a full fine-tune changes any weight
    expected = logits(model, tok)
    out = save_organism(model, tok, tmp_path / "full", "toy")
    assert read_organism(out).method == "full"
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    assert organism_stack(out).adapters == ()
    loaded, ltok = load_organism(out)
    assert torch.allclose(logits(loaded, ltok), expected, atol=1e-5)


def test_the_local_provider_loads_an_organism_under_a_label(tmp_path: Path) -> None:
    from inspect_ai.model import get_model

    org = tmp_path / "organism"
    make_organism(org)
    model = get_model("assay/hf/backdoor", memoize=False, path=str(org), device="cpu")
    assert str(model) == "assay/hf/backdoor"
    api: Any = model.api
    direct, tok = load_organism(org)
    assert torch.allclose(logits(api.model, tok), logits(direct, tok), atol=1e-5)


def test_not_an_organism_is_a_one_line_error(tmp_path: Path, toy_path: Path) -> None:
    assert not is_organism(toy_path)
    with pytest.raises(AssayError, match="not an organism directory"):
        read_organism(toy_path)
    (tmp_path / "organism.json").write_text('{"method": "lora"}')
    with pytest.raises(AssayError, match="base"):
        read_organism(tmp_path)


def test_an_organism_on_a_hub_base_records_its_commit(tmp_path: Path, hub_cache: Any) -> None:
    from assay.models._serve import served_base

    model, tok = load_local_model("hf", path=hub_cache.repo_id)
    peft = perturbed_lora(model, 4, 2, seed=5)
    expected = logits(peft, tok)
    org = save_organism(peft, tok, tmp_path / "organism", hub_cache.repo_id)
    info = read_organism(org)
    assert (info.base, info.base_revision) == (hub_cache.repo_id, hub_cache.commit)
    loaded, ltok = load_organism(org)
    assert torch.allclose(logits(loaded, ltok), expected, atol=1e-5)
    assert served_base(hub_cache.repo_id) == hub_cache.repo_id  # a server loads a hub id as it is
