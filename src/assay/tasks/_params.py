"""Task parameters checked before a run: the task exists, every ``-T`` name is known, types and ranges hold.

Inspect passes ``-T`` values through unchanged (YAML scalars), drops nothing and checks nothing, so
``-T max_turns=ten`` fails deep in a solver and an unknown name is ignored by some tasks. Every assay task's
parameters are typed in its signature; :func:`check_task_args` validates the given values against those
types (pydantic) and against :data:`RANGES`, and :func:`build_task` constructs the task once so that
whatever the task itself refuses (an unknown grid, a binary grid file) is reported before any sample runs.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter, ValidationError

from assay._errors import AssayError

#: Allowed closed ranges of numeric parameters, by name, for every assay task (``None``: unbounded).
RANGES: dict[str, tuple[float | None, float | None]] = {
    "max_turns": (1, 1000),
    "max_tokens": (1, 100_000),
    "max_auditor_steps": (1, 1000),
    "message_limit": (1, 10_000),
    "command_timeout": (1, 86_400),
    "n_personas": (1, 100),
    "paraphrases": (1, 3),
    "temperature": (0.0, 2.0),
}


def _describe(hint: Any) -> str:
    args = typing.get_args(hint)
    if typing.get_origin(hint) is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    text = str(hint).replace("collections.abc.", "").replace("typing.", "")
    return text.replace("<class '", "").replace("'>", "")


def check_task_args(task: str, fn: Callable[..., Any], args: dict[str, Any]) -> dict[str, Any]:
    """Validate ``-T`` values of ``task`` against ``fn``'s signature and :data:`RANGES`.

    Returns:
        The values, converted where the type allows it losslessly (an int given for a float).

    Raises:
        AssayError: An unknown name (known names listed), a value of the wrong type, or out of range.
    """
    params = inspect.signature(fn).parameters
    hints = typing.get_type_hints(getattr(fn, "__wrapped__", fn))
    out: dict[str, Any] = {}
    for name, value in args.items():
        if name not in params:
            raise AssayError(f"-T {name}: unknown parameter of {task}; known: {', '.join(params)}")
        hint = hints.get(name, Any)
        try:
            value = TypeAdapter(hint).validate_python(value, strict=True)
        except ValidationError:
            if not (isinstance(value, int) and not isinstance(value, bool) and _accepts_float(hint)):
                raise AssayError(
                    f"-T {name}={value!r}: expected {_describe(hint)}, got {type(value).__name__}"
                ) from None
            value = float(value)
        low, high = RANGES.get(name, (None, None))
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and ((low is not None and value < low) or (high is not None and value > high)):
            raise AssayError(f"-T {name}={value!r}: must be in [{_num(low)}, {_num(high)}]")
        out[name] = value
    return out


def _accepts_float(hint: Any) -> bool:
    return hint is float or float in typing.get_args(hint)


def _num(x: float | None) -> str:
    return "-inf" if x is None else f"{x:g}"


def build_task(task: str, fn: Callable[..., Any], args: dict[str, Any]) -> None:
    """Construct the task once, so that anything it refuses is a one-line error before the run.

    Raises:
        AssayError: The task raised while being built (the message names the task).
    """
    try:
        fn(**args)
    except AssayError as ex:
        raise AssayError(f"{task}: {ex}") from None
    except (ValueError, TypeError, KeyError, OSError) as ex:
        first = str(ex).strip().splitlines()[0] if str(ex).strip() else type(ex).__name__
        raise AssayError(f"{task}: {first}") from None


def check_ranges(**values: Any) -> None:
    """Check numeric task parameters inside a task (the ``inspect eval`` path): numbers within :data:`RANGES`.

    Raises:
        AssayError: A value that is not a number, or out of its range.
    """
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AssayError(
                f"task parameter {name}={value!r}: expected a number, got {type(value).__name__}"
            )
        low, high = RANGES.get(name, (None, None))
        if (low is not None and value < low) or (high is not None and value > high):
            raise AssayError(f"task parameter {name}={value!r}: must be in [{_num(low)}, {_num(high)}]")
