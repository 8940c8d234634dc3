"""Study configurations from YAML: a default (or ``--fast``) config with a file's fields validated on top."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file

M = TypeVar("M", bound=BaseModel)


_OVERRIDES: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("assay_config_overrides", default=())


@contextmanager
def config_overrides(values: Mapping[str, str]) -> Iterator[None]:
    """While open, :func:`override_from_yaml` (and so :func:`load_config`) sets these top-level fields last.

    :func:`assay.engine.run_registered` opens it around a study, for ``assay study --model/--device/--dtype``;
    a study's own code needs nothing for its configuration to take them.
    """
    token = _OVERRIDES.set(tuple(values.items()))
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def override_from_yaml(base: M, path: str | Path | None) -> M:
    """Return ``base`` with the fields given in a YAML file (nested mappings merged) validated on top.

    The command line's overrides (:func:`config_overrides`) are set after the file's fields. The model,
    device and dtype then in force are checked before any stage runs (:func:`assay.models.check_settings`).

    Raises:
        AssayError: The file is missing, not a YAML mapping, or a field is invalid (the message names it:
            ``--model X: ...`` for a command-line option, ``invalid config FILE: model: ...`` for the file's).
    """
    over = dict(_OVERRIDES.get())
    if path is None and not over:
        return base
    cfg = base if path is None else _from_file(base, Path(path))
    if over:
        cfg = _with_options(cfg, over)
    _check_settings(cfg, path, over)
    return cfg


def _from_file(base: M, p: Path) -> M:
    if not p.is_file():
        raise AssayError(f"config file not found: {p}")
    try:
        raw = load_yaml(read_text_file(p, "config file")) or {}
    except yaml.YAMLError as ex:
        raise AssayError(f"malformed config file {p}: {str(ex).splitlines()[0]}") from None
    if not isinstance(raw, dict):
        raise AssayError(f"malformed config file {p}: expected a mapping")
    where = _non_finite(raw)
    if where is not None:
        raise AssayError(f"invalid config {p}: {where[0]}: expected a finite number, got {where[1]}")
    _refuse_bool_numbers(p, raw, base.model_dump())  # before validation, whose own checks would see 0 or 1
    try:
        cfg = type(base).model_validate(_deep_merge(base.model_dump(), raw))
    except ValidationError as ex:
        raise AssayError(f"invalid config {p}: {validation_problem(ex, '')}") from None
    _refuse_bool_numbers(p, raw, cfg.model_dump())  # fields whose default held no number (None, [])
    return cfg


def _refuse_bool_numbers(p: Path, raw: object, reference: object) -> None:
    where = _bool_as_number(raw, reference)
    if where is not None:
        raise AssayError(f"invalid config {p}: {where[0]}: expected a number, got {str(where[1]).lower()}")


def _non_finite(value: object, path: str = "") -> tuple[str, float] | None:
    """The first NaN or infinite number in a YAML document (``.nan``, ``.inf``), with its field path."""
    if isinstance(value, float) and not math.isfinite(value):
        return path or "(document)", value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _non_finite(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _bool_as_number(raw: object, reference: object, path: str = "") -> tuple[str, bool] | None:
    """The first ``true``/``false`` of a YAML document where ``reference`` holds a number, with its path.

    pydantic's lax mode reads ``seed: true`` as the seed 1 and ``steer_scale: false`` as 0.0; a config
    file's boolean is never meant as a number, so the file is refused instead. ``reference`` is a config
    dumped (the defaults, or the validated file), walked beside ``raw``: fields by name, list items by
    position (an item past the reference's end is compared with its last item: lists hold one type).
    """
    if isinstance(raw, bool):
        number = isinstance(reference, int | float) and not isinstance(reference, bool)
        return (path or "(document)", raw) if number else None
    if isinstance(raw, dict) and isinstance(reference, dict):
        pairs = [(k, v, reference[k]) for k, v in raw.items() if k in reference]
    elif isinstance(raw, list) and isinstance(reference, list | tuple) and reference:
        pairs = [(i, v, reference[min(i, len(reference) - 1)]) for i, v in enumerate(raw)]
    else:
        return None
    for key, item, ref in pairs:
        found = _bool_as_number(item, ref, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _with_options(cfg: M, over: Mapping[str, str]) -> M:
    """``cfg`` with command-line options set (an error names the option: ``--dtype X: ...``)."""
    fields = type(cfg).model_fields
    for name, value in over.items():
        if name not in fields:
            raise AssayError(f"--{name} {value}: this study's configuration has no {name} field")
    try:
        return type(cfg).model_validate(cfg.model_dump() | dict(over))
    except ValidationError as ex:
        err = ex.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else ""
        if name in over:
            raise AssayError(f"--{name} {over[name]}: {err['msg'].removeprefix('Value error, ')}") from None
        raise AssayError(f"invalid config: {validation_problem(ex, '')}") from None


def _check_settings(cfg: BaseModel, path: str | Path | None, over: Mapping[str, str]) -> None:
    """Refuse a model, device or dtype that cannot run here, naming the option or the file's field."""
    from assay.models._record import SettingError, check_settings

    model, device, dtype = (getattr(cfg, k, None) for k in ("model", "device", "dtype"))
    try:
        check_settings(
            model if isinstance(model, str) else None,
            device if isinstance(device, str) else "auto",  # a study without the field runs on auto
            dtype if isinstance(dtype, str) else None,
        )
    except SettingError as ex:
        if ex.field in over:
            raise AssayError(f"--{ex.field} {ex.value}: {ex.problem}") from None
        where = f"invalid config {path}" if path is not None else "invalid config"
        raise AssayError(f"{where}: {ex.field}: {ex.problem}") from None


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
