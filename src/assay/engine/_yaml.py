"""Study configurations from YAML: a default (or ``--fast``) config with a file's fields validated on top."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file

M = TypeVar("M", bound=BaseModel)


def override_from_yaml(base: M, path: str | Path | None) -> M:
    """Return ``base`` with the fields given in a YAML file (nested mappings merged) validated on top.

    Raises:
        AssayError: The file is missing, not a YAML mapping, or a field is invalid (the message names it).
    """
    if path is None:
        return base
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"config file not found: {p}")
    try:
        raw = load_yaml(read_text_file(p, "config file")) or {}
    except yaml.YAMLError as ex:
        raise AssayError(f"malformed config file {p}: {str(ex).splitlines()[0]}") from None
    if not isinstance(raw, dict):
        raise AssayError(f"malformed config file {p}: expected a mapping")
    try:
        cfg = type(base).model_validate(_deep_merge(base.model_dump(), raw))
    except ValidationError as ex:
        raise AssayError(f"invalid config {p}: {validation_problem(ex, '')}") from None
    _check_model(cfg, p)
    return cfg


def _check_model(cfg: BaseModel, path: Path) -> None:
    """Refuse a ``model`` that cannot be loaded before any stage runs (a name or a checkpoint directory)."""
    model = getattr(cfg, "model", None)
    if not isinstance(model, str) or model.removeprefix("assay/") in ("smollm2", "toy"):
        return
    from assay.models._checkpoint import check_checkpoint

    try:
        check_checkpoint(Path(model))
    except AssayError as ex:
        raise AssayError(
            f"invalid config {path}: model: {ex} (use smollm2, toy or a checkpoint directory)"
        ) from None


def load_config(cls: type[M], path: str | Path | None, fast: bool = False) -> M:
    """The default config of ``cls`` (``cls.fast()`` when ``fast``), overridden by a YAML file if given.

    Raises:
        AssayError: The file is missing or a field is invalid (the message names the field).
    """
    base = getattr(cls, "fast")() if fast else cls()  # noqa: B009 - every study config has fast()
    return override_from_yaml(base, path)


def dump_config(cfg: BaseModel, path: Path) -> None:
    """Write ``cfg`` as YAML (the file a rerun can pass to ``--config``)."""
    path.write_text(yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False))


def _deep_merge(base: dict[str, object], over: dict[str, object]) -> dict[str, object]:
    out = dict(base)
    for key, value in over.items():
        current = out.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            out[key] = _deep_merge(current, value)
        else:
            out[key] = value
    return out
