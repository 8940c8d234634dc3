"""Which weights a model name stands for, offline: an embedded model, a checkpoint directory or a hub id.

A name is looked up in this order: the embedded models (``smollm2``, ``toy``, an ``assay/`` prefix
accepted), an existing directory (which must hold ``config.json``), then a Hugging Face hub id
(``org/name``) whose snapshot is already in the local Hugging Face cache (``HF_HUB_CACHE``, found by
``huggingface_hub`` itself with ``local_files_only=True``). Nothing is ever downloaded.

Each resolved model has a revision: the snapshot's commit hash for a hub id, and a content hash
(``sha256:`` over the checkpoint's files) for the embedded models and directories, kept in assay's cache
under the files' sizes and modification times so a large checkpoint is hashed once.

Importing this module is cheap: ``huggingface_hub`` loads when a hub id is looked up.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assay._errors import AssayError
from assay._paths import cache_dir, file_sha256
from assay.models._checkpoint import check_checkpoint

EMBEDDED = ("smollm2", "toy")
"""The models that ship with assay (built or converted locally on first use)."""

NOT_DOWNLOADED = "assay does not download weights"

Kind = Literal["embedded", "directory", "hub"]


@dataclass(frozen=True)
class ModelSource:
    """Where a model name's weights come from, found without building or loading anything.

    Attributes:
        name: The name as given (``toy``, ``assay/smollm2``, ``runs/x/model``, ``org/name``).
        kind: ``embedded``, ``directory`` or ``hub``.
        path: The checkpoint directory (the hub snapshot for a hub id); ``None`` for an embedded model,
            whose directory may not be built yet (:func:`model_checkpoint` builds it).
        revision: The hub snapshot's commit hash; empty for the other kinds (see :func:`model_revision`).
    """

    name: str
    kind: Kind
    path: Path | None = None
    revision: str = ""


def embedded_name(name: str) -> str | None:
    """The embedded model ``name`` stands for (``assay/toy`` -> ``toy``), ``None`` for any other name."""
    short = name.strip().removeprefix("assay/")
    return short if short in EMBEDDED else None


def locate_model(name: str) -> ModelSource:
    """Find the weights ``name`` stands for (see the module docstring), offline and without loading them.

    Raises:
        AssayError: A directory without ``config.json``, an incomplete cached snapshot, or a name that is
            none of the three (the message names the Hugging Face cache searched).
    """
    short = embedded_name(name)
    if short is not None:
        return ModelSource(short, "embedded")
    path = Path(name).expanduser()
    if path.exists():
        return ModelSource(name, "directory", check_checkpoint(path))
    snapshot = _cached_snapshot(name)
    if snapshot is None:
        raise AssayError(
            f"not an embedded model ({', '.join(EMBEDDED)}), a checkpoint directory, or a hub id in the "
            f"local Hugging Face cache ({hub_cache()}); {NOT_DOWNLOADED}"
        )
    return ModelSource(name, "hub", check_checkpoint(snapshot), snapshot.name)


def checkpoint_path(path: str) -> Path:
    """The checkpoint directory for ``path``: a directory, or a hub id's snapshot in the local cache.

    This is what ``assay/hf -M path=...`` and a study's ``model`` other than an embedded name load.

    Raises:
        AssayError: ``checkpoint directory not found`` (naming the cache searched for a hub id), a
            directory without ``config.json``, or an incomplete cached snapshot.
    """
    p = Path(path).expanduser()
    if p.exists():
        return check_checkpoint(p)
    snapshot = _cached_snapshot(path)
    if snapshot is None:
        raise AssayError(
            f"checkpoint directory not found: {path} (nor a hub id in the local Hugging Face cache "
            f"{hub_cache()}; {NOT_DOWNLOADED})"
        )
    return check_checkpoint(snapshot)


def hub_cache() -> str:
    """The Hugging Face hub cache directory searched for hub ids (``HF_HUB_CACHE``, ``HF_HOME/hub``)."""
    from huggingface_hub import constants

    return str(constants.HF_HUB_CACHE)


def _cached_snapshot(repo_id: str) -> Path | None:
    """The local snapshot of hub model ``repo_id`` at its cached ``main``; ``None`` if not a cached id.

    Raises:
        AssayError: The snapshot is cached but incomplete (an interrupted download).
    """
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, IncompleteSnapshotError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except (HFValidationError, LocalEntryNotFoundError):
        return None
    except IncompleteSnapshotError as ex:
        raise AssayError(f"the cached snapshot of {repo_id} is incomplete ({ex}); {NOT_DOWNLOADED}") from None


def model_checkpoint(source: ModelSource) -> Path:
    """The checkpoint directory of ``source``, building an embedded model on first use.

    Raises:
        AssayError: The embedded model cannot be built (e.g. SmolLM2's weights package is missing).
    """
    if source.path is not None:
        return source.path
    if source.name == "smollm2":
        from assay.models._smollm2 import smollm2_dir

        return smollm2_dir()
    from assay.models._toy import toy_dir

    return toy_dir()


def model_revision(source: ModelSource) -> str:
    """The revision of ``source``: its hub commit hash, else ``sha256:`` of its checkpoint's files."""
    return source.revision or content_revision(model_checkpoint(source))


def content_revision(checkpoint: Path) -> str:
    """``sha256:<hex>`` over the names and SHA-256 of every file directly in ``checkpoint`` (dotfiles aside).

    The hash is kept in assay's cache (``revisions/``) under the files' paths, sizes and modification
    times, so an unchanged checkpoint is not read again.
    """
    files = sorted(f for f in checkpoint.iterdir() if f.is_file() and not f.name.startswith("."))
    stamp = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    key = json.dumps([str(checkpoint.resolve()), stamp])
    memo = cache_dir() / "revisions" / hashlib.sha256(key.encode()).hexdigest()[:32]
    if memo.is_file():
        return memo.read_text(encoding="utf-8").strip()
    digest = hashlib.sha256("".join(f"{f.name}\0{file_sha256(f)}\n" for f in files).encode())
    revision = f"sha256:{digest.hexdigest()}"
    memo.parent.mkdir(parents=True, exist_ok=True)
    tmp = memo.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(revision + "\n", encoding="utf-8")
    tmp.replace(memo)
    return revision
