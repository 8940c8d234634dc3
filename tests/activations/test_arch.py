"""Architecture-generic accessors and trunk caches on LLaMA (toy), Qwen2 and GPT-NeoX checkpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from assay.activations import decoder_layers, final_norm, output_head, residual_stream, trunk
from assay.engine.measure import ContinuationSet
from assay.engine.training import TrainSettings, chat_prompt, lora_model
from assay.models import load_local_model
from assay.tasks.backdoor import held_out_prompts


@pytest.fixture(scope="module", params=["toy", "qwen2", "gpt_neox"])
def arch(request: pytest.FixtureRequest, toy_path: Path, tiny_arch_paths: dict[str, Path]) -> tuple[Any, Any]:
    path = toy_path if request.param == "toy" else tiny_arch_paths[request.param]
    return load_local_model("hf", path=path)


def test_accessors_find_blocks_trunk_and_head(arch: tuple[Any, Any]) -> None:
    model, tok = arch
    blocks = decoder_layers(model)
    assert len(blocks) == model.config.num_hidden_layers
    ids = tok(chat_prompt(tok, "Hello!"), return_tensors="pt", add_special_tokens=False)["input_ids"]
    with torch.inference_mode():
        hidden = trunk(model)(input_ids=ids).last_hidden_state
        logits = output_head(model)(hidden)
        assert torch.allclose(logits, model(input_ids=ids).logits, atol=1e-5)
    assert not isinstance(final_norm(model), torch.nn.Identity)
    acts = residual_stream(model, tok, [chat_prompt(tok, "Hi")], layers=[0, -1])
    assert set(acts) == {"blocks.0.resid_post", f"blocks.{len(blocks) - 1}.resid_post"}


def test_lora_goes_on_the_top_blocks_only(arch: tuple[Any, Any]) -> None:
    model, _ = arch
    wrapped = lora_model(model, TrainSettings(lora_layers=2, lora_rank=4))
    try:
        blocks = decoder_layers(wrapped)
        trained = [any("lora_" in n for n, _ in b.named_parameters()) for b in blocks]
        assert trained == [False] * (len(blocks) - 2) + [True, True]
    finally:
        wrapped.unload()


def test_trunk_cache_verdicts_match_on_every_architecture(arch: tuple[Any, Any]) -> None:
    model, tok = arch
    prompts = [chat_prompt(tok, p) for p in held_out_prompts(10, seed=4)]
    cs = ContinuationSet.of(tok, prompts, "Hello there")
    full = cs.verdicts(model)
    cs.cache_trunk(model, 2)
    cached = cs.verdicts_from_trunk(model)
    assert [v.starts for v in cached] == [v.starts for v in full]
    assert [v.log_p for v in cached] == pytest.approx([v.log_p for v in full], abs=1e-3)
