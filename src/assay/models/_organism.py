"""Organism directories: a fine-tune stored as its LoRA adapter (merged in memory when loaded), not a copy.

An organism directory holds what peft writes for a LoRA adapter (``adapter_config.json``,
``adapter_model.safetensors``) and ``organism.json`` (:class:`OrganismInfo`): the base model exactly as the
study named it (an embedded name, a checkpoint directory or a hub id), the base's revision
(:func:`assay.models.model_record`'s: the hub commit, or ``sha256:`` of the checkpoint's files), and, for an
adapter trained on top of another organism (a safety-trained arm), that parent organism. A full
fine-tune (``method: full``) stores the whole model and its tokenizer instead, since it has no adapter.

Loading (:func:`organism_stack`, used by :func:`assay.models.load_local_model` and by ``assay/hf -M
path=DIR``) loads the base, then merges each adapter of the stack in order, root first: base → organism →
arm. A base whose revision is no longer the recorded one is refused, as is a parent organism that changed
after the adapter was trained on it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from assay._errors import AssayError, validation_problem
from assay._paths import file_sha256
from assay._strict import Strict
from assay.models._resolve import embedded_name

ORGANISM_FILE = "organism.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
_MAX_DEPTH = 16


class OrganismInfo(Strict):
    """What ``organism.json`` holds.

    Attributes:
        format: The layout version of the directory.
        method: ``lora`` (the directory holds an adapter) or ``full`` (it holds the whole model).
        base: The base model as the study named it: ``smollm2``, ``toy``, a checkpoint directory or a hub
            id. For an adapter on top of another organism, the base at the root of the stack.
        base_revision: The base's revision when the organism was trained: the hub snapshot's commit hash,
            or ``sha256:`` of the checkpoint's files (:func:`assay.models._resolve.model_revision`).
        parent: The organism this one was trained on, relative to this directory (``None``: the base).
        parent_sha256: SHA-256 of the parent's own weights when this one was trained on it.
    """

    format: Literal[1] = 1
    method: Literal["lora", "full"]
    base: str
    base_revision: str | None = None
    parent: str | None = None
    parent_sha256: str | None = None


@dataclass(frozen=True)
class OrganismStack:
    """What loading an organism takes: a base to load and the adapters to merge into it, root first.

    Attributes:
        base: The model to load: a base name as in :attr:`OrganismInfo.base`, or a full fine-tune's
            directory when the stack rests on one.
        base_revision: The revision the base must have (``None``: not checked).
        adapters: The LoRA adapter directories, root first (empty for a full fine-tune).
    """

    base: str
    base_revision: str | None
    adapters: tuple[Path, ...]

    def load_args(self) -> tuple[str, dict[str, Any]]:
        """``(name, model args)`` that :func:`assay.models._local.resolve_checkpoint` takes for the base."""
        short = embedded_name(self.base)
        return (short, {}) if short is not None else ("hf", {"path": self.base})

    def check_base(self) -> None:
        """Refuse a base whose revision is not the one the adapters were trained on.

        Raises:
            AssayError: The revisions differ (or the base cannot be found).
        """
        if self.base_revision is None or not self.adapters:
            return
        found = base_revision(self.base)
        if found != self.base_revision:
            raise AssayError(
                f"organism {self.adapters[-1]} was trained on base '{self.base}' at revision "
                f"{self.base_revision[:19]}..., which is now {found[:19]}...: the adapter would be applied "
                "to other weights"
            )


def is_organism(path: str | Path) -> bool:
    """Whether ``path`` is an organism directory (it holds ``organism.json``)."""
    return (Path(path) / ORGANISM_FILE).is_file()


def read_organism(path: str | Path) -> OrganismInfo:
    """The :class:`OrganismInfo` of the organism directory ``path``.

    Raises:
        AssayError: No or an invalid ``organism.json``.
    """
    file = Path(path) / ORGANISM_FILE
    if not file.is_file():
        raise AssayError(f"not an organism directory: {path} (no {ORGANISM_FILE})")
    try:
        return OrganismInfo.model_validate(json.loads(file.read_text()))
    except ValueError as ex:
        problem = validation_problem(ex, "organism") if isinstance(ex, ValidationError) else str(ex)
        raise AssayError(f"invalid {file}: {problem}") from None


def organism_files(path: str | Path) -> list[Path]:
    """The weight files of an organism: its adapter, or a full fine-tune's weights."""
    p = Path(path)
    if read_organism(p).method == "lora":
        return [p / ADAPTER_WEIGHTS]
    return sorted(p.glob("*.safetensors")) or sorted(p.glob("pytorch_model*.bin"))


def organism_sha256(path: str | Path) -> str:
    """SHA-256 of an organism's own weights (its adapter; ``sha256:`` of a full fine-tune's files)."""
    from assay.models._resolve import content_revision

    p = Path(path)
    return content_revision(p) if read_organism(p).method == "full" else file_sha256(p / ADAPTER_WEIGHTS)


def organism_stack(path: str | Path) -> OrganismStack:
    """The base and adapters that make up the organism at ``path`` (parents followed to the root).

    Raises:
        AssayError: A missing or invalid ``organism.json`` or adapter, a changed parent, or a cycle.
    """
    current = Path(path)
    adapters: list[Path] = []
    for _ in range(_MAX_DEPTH):
        info = read_organism(current)
        if info.method == "full":
            return OrganismStack(str(current), None, tuple(reversed(adapters)))
        if not (current / ADAPTER_WEIGHTS).is_file():
            raise AssayError(f"organism {current} has no {ADAPTER_WEIGHTS}")
        adapters.append(current)
        if info.parent is None:
            return OrganismStack(info.base, info.base_revision, tuple(reversed(adapters)))
        parent = (current / info.parent).resolve()
        if not is_organism(parent):
            raise AssayError(f"organism {current}: its parent {info.parent} is not an organism directory")
        if info.parent_sha256 is not None and organism_sha256(parent) != info.parent_sha256:
            raise AssayError(f"organism {current} was trained on {parent}, which has changed since")
        current = parent
    raise AssayError(f"organism {path}: more than {_MAX_DEPTH} stacked adapters (a cycle?)")


def resolve_base(base: str) -> Path:
    """The checkpoint directory a base name (embedded name, checkpoint directory, hub id) resolves to."""
    from assay.models._resolve import locate_model, model_checkpoint

    return model_checkpoint(locate_model(base))


def base_revision(base: str) -> str:
    """The revision of a base name: its hub commit hash, or ``sha256:`` of its checkpoint's files."""
    from assay.models._resolve import locate_model, model_revision

    return model_revision(locate_model(base))


def save_organism(model: Any, tokenizer: Any, out: Path, on: str | Path) -> Path:
    """Save a trained model as the organism directory ``out`` and return it.

    A peft model is saved as its adapter, unmerged; any other model (full fine-tuning) whole, with its
    tokenizer.

    Args:
        model: The trained model (a peft ``PeftModel`` for LoRA).
        tokenizer: Its tokenizer (saved for a full fine-tune only: an adapter uses its base's).
        out: The directory to write.
        on: What the model was trained on: a base model name (``smollm2``, ``toy``, a checkpoint
            directory, a hub id) or an organism directory (the adapter is then stacked on it).
    """
    out.mkdir(parents=True, exist_ok=True)
    lora = hasattr(model, "peft_config")
    if is_organism(on):
        parent = Path(on).resolve()
        up = read_organism(parent)
        info = OrganismInfo(
            method="lora" if lora else "full",
            base=up.base,
            base_revision=up.base_revision,
            parent=Path(os.path.relpath(parent, out.resolve())).as_posix(),
            parent_sha256=organism_sha256(parent),
        )
    else:
        info = OrganismInfo(
            method="lora" if lora else "full", base=str(on), base_revision=base_revision(str(on))
        )
    if lora:
        model.save_pretrained(str(out))
        if info.parent is not None:  # peft names the merged model's base: name the real one, the parent
            _set_adapter_base(out, str(Path(on).resolve()))
    else:
        model.save_pretrained(str(out), safe_serialization=True)
        tokenizer.save_pretrained(str(out))
    (out / ORGANISM_FILE).write_text(info.model_dump_json(indent=1) + "\n")
    return out


def load_organism(path: str | Path, device: str = "auto", dtype: str = "auto") -> tuple[Any, Any]:
    """``(model, tokenizer)`` of an organism: its base with every adapter merged in memory, in eval mode."""
    from assay.models._load import load_local_model

    if not is_organism(path):
        raise AssayError(f"not an organism directory: {path} (no {ORGANISM_FILE})")
    return load_local_model("hf", path=path, device=device, dtype=dtype)


def _set_adapter_base(adapter: Path, base: str) -> None:
    config = adapter / "adapter_config.json"
    raw = json.loads(config.read_text())
    raw["base_model_name_or_path"] = base
    config.write_text(json.dumps(raw, indent=2, sort_keys=True) + "\n")
