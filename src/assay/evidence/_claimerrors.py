"""One-line errors for claim files: the field's full path, what it expects in words, what it got.

Pydantic's own messages ("Extra inputs are not permitted", "Input should be a valid list") name neither the
nearest known field nor the value that was given; a claim file is written by hand, so :func:`claim_problem`
says both. Expected types are worded by :func:`assay.evidence._docs.type_text`, the same words as the
generated field table of ``docs/evidence.md``.
"""

from __future__ import annotations

import difflib
import inspect
import re
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

_LINK = re.compile(r"\[(\w+)\]\(#\w+\)")
_NONE_WORDS = ("none", "no", "nothing", "n/a", "na", "-")


def _nested(tp: Any) -> Any:
    """The annotation inside ``X | None`` (and nothing else), so a path can step into it."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _field(model: type[BaseModel], key: str) -> tuple[str, Any] | None:
    """The YAML name and annotation of ``model``'s field called (or aliased) ``key``."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.alias or name, info.annotation
    return None


def yaml_names(model: type[BaseModel]) -> list[str]:
    """The keys a claim file may use for ``model`` (aliases where a field has one)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _walk(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, Any, type[BaseModel] | None]:
    """Follow a pydantic error location through the claim models.

    Returns:
        The path as a claim file spells it (``negative_controls[0].factors.pressure``), the annotation found
        there, and the model that owns the last step when the location ends at an unknown key of a model
        (else ``None``). Union-member tags pydantic appends to a location are dropped.
    """
    path, tp = "", Any
    current: Any = root
    for i, part in enumerate(loc):
        current = _nested(current)
        if isinstance(part, int) and get_origin(current) is list:
            path, current = f"{path}[{part}]", get_args(current)[0]
        elif get_origin(current) is dict and isinstance(part, str):
            path, current = f"{path}.{part}", get_args(current)[1]
        elif inspect.isclass(current) and issubclass(current, BaseModel) and isinstance(part, str):
            found = _field(current, part)
            if found is None:
                last = i == len(loc) - 1
                return f"{path}.{part}".lstrip("."), Any, current if last else None
            path, current = f"{path}.{found[0]}", found[1]
        else:
            break  # a union member's tag or a scalar's detail: the path ends at the field
        tp = current
    return path.lstrip("."), tp, None


def _expected(tp: Any) -> str:
    from assay.evidence._docs import type_text

    try:
        text = type_text(tp)
    except Exception:
        return ""
    text = _LINK.sub(lambda m: f"a mapping ({m.group(1)})", text).replace("`", "")
    return text.replace("list of a mapping", "list of mappings")


def _shown(value: Any) -> str:
    kind = {
        str: "text",
        bool: "true/false",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a mapping",
    }
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    for cls, word in kind.items():
        if type(value) is cls:
            return text if cls in (str, int, float) else f"{word} {text}"
    return text


def _share_hint(err: Any) -> str:
    """For a share given as a percentage (``claimed_effect: 30``): the share it means."""
    limit = (err.get("ctx") or {}).get("le")
    got = err.get("input")
    if limit is not None and float(limit) <= 1 and isinstance(got, (int, float)) and 1 < got <= 100:
        return f"; a share is between 0 and 1 ({got / 100:g} for {got:g} %)"
    return ""


def _hint(value: Any, tp: Any) -> str:
    """A fix for common slips: a percentage where a share is expected, one text where a list is."""
    inner = _nested(tp)
    if isinstance(value, str) and value.strip().endswith("%") and inner in (float, int):
        number = value.strip().rstrip("%").strip()
        try:
            return f"; write the share as a number between 0 and 1 ({float(number) / 100:g})"
        except ValueError:
            return ""
    if isinstance(value, str) and get_origin(inner) is list and value.strip().lower() in _NONE_WORDS:
        return "; write [] for none"
    if isinstance(value, str) and get_origin(inner) is list:
        return f"; write a YAML list: [{value!r}] or one '- item' line per entry"
    return ""


def claim_problem(ex: ValidationError, root: type[BaseModel]) -> str:
    """The first problem of a claim's validation error as one line naming the field.

    Args:
        ex: Pydantic's error from validating a claim file's mapping as ``root``.
        root: The model validated (:class:`assay.evidence.Claim`).

    Returns:
        ``unknown field 'subjcet' (did you mean 'subject'?)``, ``claimed_effect: expected number or null,
        got '96%'; write the share ...``, ``missing required field 'statement'``, or the field path and
        pydantic's message where nothing better is known.
    """
    errors = ex.errors()
    # an unknown key first: 'Statement' given for 'statement' is the cause of "missing statement"
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    path, tp, owner = _walk(root, tuple(err["loc"]))
    where = path or "claim"
    if err["type"] == "extra_forbidden":
        names = yaml_names(owner) if owner is not None else []
        key = path.rsplit(".", 1)[-1]
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        prefix = path[: len(path) - len(key)]
        if close:
            return f"unknown field {path!r} (did you mean '{prefix}{close[0]}'?)"
        return f"unknown field {path!r} (known here: {', '.join(names)})"
    if err["type"] == "missing":
        return f"missing required field {path!r}"
    if err["type"] == "value_error":
        return f"{where}: {str(err['msg']).removeprefix('Value error, ')}, got {_shown(err.get('input'))}"
    expected = _expected(tp) if tp is not Any else ""
    got = err.get("input")
    if not expected or err["type"] in ("greater_than", "less_than_equal", "greater_than_equal", "less_than"):
        return f"{where}: {err['msg']}, got {_shown(got)}{_share_hint(err)}"
    return f"{where}: expected {expected}, got {_shown(got)}{_hint(got, tp)}"
