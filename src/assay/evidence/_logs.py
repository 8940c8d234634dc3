"""Reading any Inspect log: log paths and directories, score values of any shape, factors from metadata.

* **Paths.** :func:`expand_logs` accepts log files and log directories (every Inspect log inside, found with
  Inspect's own :func:`inspect_ai.log.list_eval_logs`, recursively, oldest first).
* **Score values.** Inspect scorers return strings, numbers, booleans, lists or dicts. :func:`score_text`
  turns a value into the outcome text of the tidy table: numbers in ``%g`` form (``1.0`` -> ``"1"``),
  booleans as ``"1"``/``"0"``, and for a dict the value under one key — the key given (``--score-key``),
  else ``outcome``, else the first of :data:`COMMON_SCORE_KEYS` present. A dict with none of them is an
  error that lists its keys: never a silent zero. NaN (Inspect's ``Score.unscored()``) reads
  :data:`UNSCORED`; a value that is no outcome (``None``, a list, free text) reads :data:`UNREADABLE`;
  both are kept out of n and reported.
* **Factors.** assay tasks store their condition factors in ``metadata["factors"]``. For other evals,
  :func:`detect_factors` picks the categorical sample-metadata fields (scalars with 2 to
  :data:`MAX_LEVELS` distinct values, not unique per sample, not long text), or the keys given
  (``--factor KEY``; nested keys as ``outer.inner``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assay._errors import AssayError

#: Outcome of a score value that is no outcome (``None``, a list, a nested dict, free text): kept out of n and
#: reported with its reason in the row's ``error`` column, never read as a negative.
UNREADABLE = "unreadable"
#: Outcome of a sample without a value from the main scorer (also Inspect's ``Score.unscored()``, a NaN).
UNSCORED = "unscored"

#: Dict keys that hold the verdict in common scorers, tried in this order after ``outcome``.
COMMON_SCORE_KEYS: tuple[str, ...] = (
    "outcome",
    "verdict",
    "label",
    "harmful",
    "harm",
    "is_harmful",
    "misaligned",
    "correct",
    "score",
    "value",
    "result",
    "passed",
    "pass",
    "success",
    "accuracy",
)

#: Metadata keys that assay itself writes and that are never factors.
RESERVED_METADATA: frozenset[str] = frozenset(
    {"factors", "condition_id", "paraphrase", "prompt_sha256", "pair_id", "task_family"}
)

#: Most distinct values a metadata field may take to count as a categorical factor.
MAX_LEVELS = 50
#: Longest text value of a categorical factor.
MAX_LEVEL_CHARS = 80


def expand_logs(paths: Iterable[str | Path]) -> list[Path]:
    """Return the log files named by ``paths``: files as given, directories expanded to the logs inside.

    Raises:
        AssayError: A path does not exist, or a directory holds no Inspect log.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            from inspect_ai.log import list_eval_logs

            found = [_local(info.name) for info in list_eval_logs(str(p), recursive=True, descending=False)]
            if not found:
                raise AssayError(f"no Inspect logs (.eval or .json) in directory {p}")
            out += [f for f in found if f not in out]
        elif p.is_file():
            if p not in out:
                out.append(p)
        else:
            raise AssayError(f"log not found: {p}")
    return out


def _local(name: str) -> Path:
    return Path(name[len("file://") :] if name.startswith("file://") else name)


def number_text(value: float) -> str:
    """Return a number as outcome text: ``%g`` form, so ``1``, ``1.0`` and ``True`` all read ``"1"``."""
    return f"{float(value):g}"


def score_text(value: Any, key: str | None, where: str) -> tuple[str, str]:
    """Return ``(outcome text, key used)`` for a score value (the key is ``""`` for a non-dict value).

    Args:
        value: The score's value.
        key: Dict key to read (``--score-key``); auto-detected when ``None``.
        where: Names the log and scorer in errors.

    Raises:
        AssayError: A dict value lacks ``key``, or (auto-detection) has none of the common keys.
    """
    if isinstance(value, Mapping):
        if key is not None:
            if key not in value:
                raise AssayError(
                    f"{where}: score has no key {key!r} (keys: {', '.join(sorted(map(str, value)))})"
                )
            return _scalar_text(value[key]), key
        for candidate in COMMON_SCORE_KEYS:
            if candidate in value:
                return _scalar_text(value[candidate]), candidate
        keys = ", ".join(sorted(map(str, value)))
        raise AssayError(f"{where}: scores are dicts with keys {keys}; choose one with --score-key KEY")
    if key is not None:
        raise AssayError(f"{where}: --score-key {key} given but the scores are not dicts")
    return _scalar_text(value), ""


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and math.isnan(value):
        return UNSCORED  # Inspect's Score.unscored(): kept out of metrics, so out of n here too
    if unreadable_reason(value):
        return UNREADABLE
    if isinstance(value, int | float):
        return number_text(value)
    return str(value)


def unreadable_reason(value: Any) -> str:
    """Why a score value (after the dict key is applied) is no outcome; ``""`` when it is one.

    An outcome is a boolean, a finite number or a short one-line label. ``None``, lists, nested dicts,
    infinities, empty text and free text (longer than :data:`MAX_LEVEL_CHARS` or multi-line) are not.
    """
    if isinstance(value, bool | int):
        return ""
    if isinstance(value, float):
        return "" if math.isfinite(value) or math.isnan(value) else f"non-finite number {value}"
    if isinstance(value, str):
        if not value.strip():
            return "empty text"
        if "\n" in value or len(value) > MAX_LEVEL_CHARS:
            return f"free text ({len(value)} characters), not a label"
        return ""
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"{type(value).__name__} {shown}"


def picked_value(value: Any, key: str) -> Any:
    """The part of a score value an outcome is read from: ``value[key]`` for a dict read at ``key``."""
    return value[key] if key and isinstance(value, Mapping) else value


def normalise_positive(value: str) -> str:
    """Return a ``--positive`` value in outcome-text form (``1.0`` -> ``1``, ``true`` -> ``1``)."""
    low = value.strip().lower()
    if low in ("true", "yes"):
        return "1"
    if low in ("false", "no"):
        return "0"
    try:
        return number_text(float(value))
    except ValueError:
        return value


def flat_metadata(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Return sample metadata flattened one level (``{"a": {"b": 1}}`` -> ``{"a.b": 1}``), less assay keys."""
    out: dict[str, Any] = {}
    for k, v in meta.items():
        if k in RESERVED_METADATA:
            continue
        if isinstance(v, Mapping):
            for k2, v2 in v.items():
                out[f"{k}.{k2}"] = v2
        else:
            out[str(k)] = v
    return out


def _categorical(value: Any) -> bool:
    if isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return float(value).is_integer()
    return isinstance(value, str) and 0 < len(value) <= MAX_LEVEL_CHARS and "\n" not in value


def detect_factors(rows: Sequence[Mapping[str, Any]], wanted: Sequence[str] = ()) -> list[str]:
    """Return the metadata keys to use as factors for rows of flattened metadata (one per sample).

    Args:
        rows: Flattened metadata of each sample (:func:`flat_metadata`), one entry per sample id.
        wanted: Keys asked for (``--factor``); each must be present. Empty: auto-detect.

    Raises:
        AssayError: A wanted key is in no sample's metadata (the error lists the categorical keys).
    """
    keys = sorted({k for r in rows for k in r})
    candidates = []
    for k in keys:
        values = [r[k] for r in rows if k in r and r[k] is not None]
        if not values or not all(_categorical(v) for v in values):
            continue
        distinct = {str(v) for v in values}
        if 2 <= len(distinct) <= MAX_LEVELS and len(distinct) < len(rows):
            candidates.append(k)
    if wanted:
        missing = [k for k in wanted if k not in keys]
        if missing:
            shown = ", ".join(candidates) or "none"
            raise AssayError(
                f"--factor {missing[0]}: no sample metadata key of that name (categorical keys: {shown})"
            )
        return list(wanted)
    return candidates
