"""Model names resolved offline: embedded models, checkpoint directories, hub ids in the local HF cache."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from assay._errors import AssayError
from assay._paths import cache_dir, file_sha256
from assay.models import checkpoint_path, content_revision, load_local_model, locate_model
from assay.models._local import resolve_checkpoint
from assay.models._resolve import model_checkpoint, model_revision

NOT_AVAILABLE = r"not an embedded model \(smollm2, toy\), a checkpoint directory, or a hub id in the local"


@pytest.mark.parametrize(
    ("name", "short"), [("toy", "toy"), ("assay/toy", "toy"), ("assay/smollm2", "smollm2")]
)
def test_embedded_names_are_located_without_building(name: str, short: str) -> None:
    source = locate_model(name)
    assert (source.name, source.kind, source.path, source.revision) == (short, "embedded", None, "")


def test_a_checkpoint_directory_has_a_content_revision(tmp_path: Path, toy_path: Path) -> None:
    source = locate_model(str(toy_path))
    assert (source.kind, source.path) == ("directory", toy_path)
    files = sorted(f for f in toy_path.iterdir() if f.is_file() and not f.name.startswith("."))
    assert "config.json" in [f.name for f in files] and any(f.suffix == ".safetensors" for f in files)
    expected = hashlib.sha256("".join(f"{f.name}\0{file_sha256(f)}\n" for f in files).encode()).hexdigest()
    assert model_revision(source) == f"sha256:{expected}"
    assert model_revision(locate_model("toy")) == f"sha256:{expected}"  # the embedded toy is that directory
    copy = tmp_path / "copy"
    shutil.copytree(toy_path, copy)
    assert content_revision(copy) == f"sha256:{expected}"  # the same files, the same revision
    with (copy / "config.json").open("a") as f:
        f.write("\n")
    assert content_revision(copy) != f"sha256:{expected}"  # a changed file is hashed again


def test_a_content_revision_is_read_from_the_cache_while_the_files_are_unchanged(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    first = content_revision(tmp_path)
    memos = [p for p in (cache_dir() / "revisions").iterdir() if p.read_text().strip() == first]
    assert memos  # kept under the files' path, sizes and times (this folder's own entry)
    for memo in memos:
        memo.write_text("sha256:from-the-cache\n")
    assert content_revision(tmp_path) == "sha256:from-the-cache"  # not read again


def test_a_hub_id_in_the_local_cache_resolves_to_its_snapshot_and_commit(hub_cache: Any) -> None:
    source = locate_model(hub_cache.repo_id)
    assert source.kind == "hub" and source.revision == hub_cache.commit
    assert source.path is not None and source.path.name == hub_cache.commit
    assert source.path.is_relative_to(hub_cache.path) and (source.path / "config.json").is_file()
    assert model_revision(source) == hub_cache.commit and model_checkpoint(source) == source.path
    assert checkpoint_path(hub_cache.repo_id) == source.path  # what assay/hf -M path=ID loads
    assert resolve_checkpoint("hf", {"path": hub_cache.repo_id}) == source.path


def test_a_cached_hub_id_loads(hub_cache: Any, toy_path: Path) -> None:
    import torch

    model, tok = load_local_model("hf", path=hub_cache.repo_id, device="cpu", dtype="float32")
    reference, _ = load_local_model("hf", path=toy_path, device="cpu", dtype="float32")
    assert model.name_or_path.endswith(hub_cache.commit)
    for (name, p), (_, q) in zip(model.named_parameters(), reference.named_parameters(), strict=True):
        assert torch.equal(p, q), name
    assert tok("hello").input_ids


@pytest.mark.parametrize("name", ["assay-test/not-cached", "gpt2", "/no/such/checkpoint", "runs/x/model"])
def test_a_model_not_available_offline_is_a_one_line_error(name: str, hub_cache: Any) -> None:
    with pytest.raises(AssayError, match=NOT_AVAILABLE) as caught:
        locate_model(name)
    assert str(hub_cache.path) in str(caught.value) and "assay does not download weights" in str(caught.value)
    with pytest.raises(AssayError, match="checkpoint directory not found") as caught:
        checkpoint_path(name)
    assert str(hub_cache.path) in str(caught.value) and "\n" not in str(caught.value)


def test_a_directory_without_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AssayError, match=r"no config\.json"):
        locate_model(str(tmp_path))
