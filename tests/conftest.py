"""Test-wide set-up: a repo-local cache so a fresh clone builds everything it needs, offline."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("ASSAY_CACHE", str(REPO / ".cache" / "assay-test"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("INSPECT_DISPLAY", "none")
# dtype auto is bf16 autocast on CPUs with AMX and fp32 elsewhere: tests of numerical identities (caches,
# batching) run in fp32 on every machine; tests of the autocast path name bf16-autocast themselves
os.environ.setdefault("ASSAY_DTYPE", "float32")


@pytest.fixture(scope="session")
def toy_path() -> Path:
    """The toy model's checkpoint (built once per cache, ~30 s on 2 cores)."""
    from assay.models import toy_dir

    return toy_dir()


class HubCache(NamedTuple):
    """A Hugging Face hub cache made for a test: where it is, the model id it holds, its commit."""

    path: Path
    repo_id: str
    commit: str


@pytest.fixture
def hub_cache(tmp_path: Path, toy_path: Path, monkeypatch: pytest.MonkeyPatch) -> HubCache:
    """A Hugging Face hub cache in ``tmp_path`` holding the toy checkpoint as a hub model, in force here.

    The hub's layout (``models--org--name/blobs``, ``snapshots/<commit>`` linking to the blobs,
    ``refs/main``), named by ``huggingface_hub``'s own ``repo_folder_name`` and checked by its
    ``scan_cache_dir``; ``HF_HUB_CACHE`` points at it for the test.
    """
    from huggingface_hub import constants, scan_cache_dir
    from huggingface_hub.file_download import repo_folder_name

    from assay._paths import file_sha256

    hub = HubCache(tmp_path / "hf-hub", "assay-test/toy-hub", "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c")
    repo = hub.path / repo_folder_name(repo_id=hub.repo_id, repo_type="model")
    snapshot = repo / "snapshots" / hub.commit
    snapshot.mkdir(parents=True)
    (repo / "blobs").mkdir()
    for f in sorted(toy_path.iterdir()):
        if f.is_file() and not f.name.startswith("."):
            blob = repo / "blobs" / file_sha256(f)
            shutil.copyfile(f, blob)
            (snapshot / f.name).symlink_to(os.path.relpath(blob, snapshot))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(hub.commit)
    seen = [(r.repo_id, [v.commit_hash for v in r.revisions]) for r in scan_cache_dir(hub.path).repos]
    assert seen == [(hub.repo_id, [hub.commit])]
    monkeypatch.setenv("HF_HUB_CACHE", str(hub.path))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub.path))  # read once, when the library is imported
    return hub


@pytest.fixture(scope="session")
def smollm2_path() -> Path:
    """SmolLM2's converted checkpoint (converted once per cache, ~30 s)."""
    from assay.models import smollm2_dir

    return smollm2_dir()


@pytest.fixture(scope="session")
def toy_model(toy_path: Path) -> tuple[object, object]:
    """The toy model and tokenizer, loaded once."""
    from assay.models import load_local_model

    return load_local_model("hf", path=toy_path)


@pytest.fixture(scope="session")
def smollm2_model(smollm2_path: Path) -> tuple[object, object]:
    """SmolLM2 and its tokenizer, loaded once."""
    from assay.models import load_local_model

    return load_local_model("hf", path=smollm2_path)


def _tiny_checkpoint(kind: str, toy_path: Path, out: Path) -> Path:
    """A tiny randomly initialised ``kind`` (qwen2 or gpt_neox) LM with the toy tokenizer, built locally."""
    import torch
    from transformers import AutoTokenizer, GPTNeoXConfig, GPTNeoXForCausalLM, Qwen2Config, Qwen2ForCausalLM

    tok = AutoTokenizer.from_pretrained(str(toy_path))
    common = {
        "vocab_size": len(tok),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "max_position_embeddings": 512,
        "bos_token_id": tok.bos_token_id,
        "eos_token_id": tok.eos_token_id,
    }
    torch.manual_seed(0)
    if kind == "qwen2":
        model: Any = Qwen2ForCausalLM(Qwen2Config(num_key_value_heads=2, tie_word_embeddings=True, **common))
    else:
        model = GPTNeoXForCausalLM(GPTNeoXConfig(rotary_pct=0.5, **common))
    model.save_pretrained(str(out), safe_serialization=True)
    tok.save_pretrained(str(out))
    return out


@pytest.fixture(scope="session")
def tiny_arch_paths(tmp_path_factory: pytest.TempPathFactory, toy_path: Path) -> dict[str, Path]:
    """Tiny random Qwen2 and GPT-NeoX checkpoints (the second and third architectures besides LLaMA)."""
    root = tmp_path_factory.mktemp("tiny-arch")
    return {kind: _tiny_checkpoint(kind, toy_path, root / kind) for kind in ("qwen2", "gpt_neox")}


def _toy_lora_organism(out: Path, on: str | Path, rank: int, layers: int | None, seed: int) -> Path:
    """Save a LoRA adapter with random (non-zero) B on ``on`` (``toy`` or an organism) as an organism."""
    import torch

    from assay.engine.training import TrainSettings, lora_model
    from assay.models import load_local_model, save_organism

    model, tok = load_local_model("hf", path=on) if on != "toy" else load_local_model("toy")
    peft = lora_model(model, TrainSettings(1, 1e-3, 1, "lora", rank, seed, layers))
    gen = torch.Generator().manual_seed(seed)
    for name, p in peft.named_parameters():
        if "lora_B" in name:
            p.data = torch.randn(p.shape, generator=gen) * 0.05
    return save_organism(peft.eval(), tok, out, on)


@pytest.fixture
def toy_lora_organism(toy_path: Path) -> Callable[[Path, str | Path, int, int | None, int], Path]:
    """``make(out, on, rank, layers, seed)``: a LoRA organism with a random adapter on ``on`` (see above)."""
    return _toy_lora_organism


@pytest.fixture
def toy_organism_run(tmp_path: Path, toy_path: Path) -> Path:
    """A study-like run folder on ``toy``: two LoRA organisms and a safety-trained arm stacked on the first.

    ``stages/implant_backdoor/organism`` (rank 4, top 2 blocks), ``stages/implant_control/organism`` (rank
    8, every block) and ``stages/safety_backdoor_triggered_s0/backdoor_triggered-k4-s0`` (rank 2, every
    block, on the backdoor organism), with random adapters (as if trained).
    """
    run = tmp_path / "run"
    backdoor = _toy_lora_organism(run / "stages" / "implant_backdoor" / "organism", "toy", 4, 2, seed=1)
    _toy_lora_organism(run / "stages" / "implant_control" / "organism", "toy", 8, None, seed=2)
    arm = run / "stages" / "safety_backdoor_triggered_s0" / "backdoor_triggered-k4-s0"
    _toy_lora_organism(arm, backdoor, 2, None, seed=3)
    return run
