"""Task parameters: typed beside each task, checked by one function on every path into a task.

Inspect passes ``-T`` values through unchanged (YAML scalars) and checks nothing, so ``-T max_turns=ten``
would fail deep in a solver. Every assay task types its parameters in its signature: ``Literal[...]`` for
choices, ``Annotated[int, Field(ge=..., le=...)]`` for ranges (the shared ones are here: :data:`MaxTokens`,
:data:`MaxTurns`, :data:`Temperature`), :func:`one_or_more` for factors that take several levels.

:func:`check_task_args` validates values against those annotations (pydantic). ``assay eval`` calls it before
the run; :func:`checked`, applied under ``@task`` on every assay task, calls it whenever the task is built,
so ``inspect eval`` and ``assay eval`` refuse the same input with the same one-line :class:`AssayError`.
:func:`build_task` constructs the task once, so that whatever the task itself refuses (an unknown grid, a
binary grid file) is reported before any sample runs.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Annotated, Any, ParamSpec, TypeVar, cast

from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from assay._errors import AssayError

P = ParamSpec("P")
R = TypeVar("R")

#: Generation budget of one reply, in tokens.
MaxTokens = Annotated[int, Field(ge=1, le=100_000)]
#: Turns of a multi-turn episode (agent or target replies).
MaxTurns = Annotated[int, Field(ge=1, le=1000)]
#: Sampling temperature.
Temperature = Annotated[float, Field(ge=0.0, le=2.0)]


def _cue(text: str) -> str:
    if len(text.strip()) < 2 or not any(ch.isalnum() for ch in text):
        raise ValueError(f"must hold at least two characters, a letter or digit among them, got {text!r}")
    return text


def _non_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty")
    return text


Cue = Annotated[str, AfterValidator(_cue)]
"""A trigger or password: at least two characters, one of them a letter or digit (near misses need both)."""
NonBlank = Annotated[str, AfterValidator(_non_blank)]
"""A text that is not empty or only spaces (a behaviour matched at the start of an answer, a question)."""

_RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def one_or_more(
    levels: Sequence[Any], aliases: Mapping[Any, Any] | None = None, shown: str | None = None
) -> BeforeValidator:
    """A pydantic validator for a parameter that takes one level, a list of levels or comma-separated levels.

    Put it in ``Annotated[Level | list[Level], one_or_more(LEVELS)]``: a string is split at commas (each
    part stripped), a tuple becomes a list, each item is mapped through ``aliases`` (string keys compared in
    lower case) and must be one of ``levels``. One level given stays one level; several become a list.

    Args:
        levels: The allowed levels.
        aliases: Other spellings of a level (``{"on": True}``, ``{False: "off"}`` for YAML's ``off``).
        shown: How the levels are listed in the message (default: the levels, comma-separated).
    """
    names = shown or ", ".join(str(level) for level in levels)

    def parse(value: Any) -> Any:
        single = not isinstance(value, list | tuple) and not (isinstance(value, str) and "," in value)
        items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
        out = []
        for item in items if isinstance(items, list | tuple) else [items]:
            key = item.lower() if isinstance(item, str) else item
            if aliases is not None and isinstance(key, typing.Hashable) and key in aliases:
                item = aliases[key]
            if not any(item == level and type(item) is type(level) for level in levels):
                raise ValueError(f"{item!r} is not one of {names}")
            out.append(item)
        return out[0] if single else out

    return BeforeValidator(parse)


def _members(hint: Any) -> Iterator[Any]:
    """``hint`` and, through unions and ``Annotated``, every type it is made of."""
    yield hint
    origin = typing.get_origin(hint)
    if origin is Annotated or origin is typing.Union or origin is types.UnionType:
        for arg in typing.get_args(hint):
            yield from _members(arg)


def _bounds(hint: Any) -> tuple[float | None, float | None]:
    """The closed range of ``hint``'s ``Field(ge=..., le=...)`` (``None``: unbounded on that side)."""
    low = high = None
    for member in _members(hint):
        for meta in getattr(member, "__metadata__", ()):
            for item in meta.metadata if isinstance(meta, FieldInfo) else [meta]:
                low = getattr(item, "ge", getattr(item, "gt", low))
                high = getattr(item, "le", getattr(item, "lt", high))
    return low, high


def _describe(hint: Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Annotated:
        return _describe(args[0])
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(_describe(a) for a in args)
    if hint is type(None):
        return "None"
    if isinstance(hint, type) and not args:
        return hint.__name__
    return str(hint).replace("collections.abc.", "").replace("typing.", "")


def _num(x: float | None, missing: str) -> str:
    return missing if x is None else f"{x:g}"


def _problem(hint: Any, value: Any, ex: ValidationError) -> str:
    """One line saying why ``value`` is not a ``hint``: a level, a range or a type."""
    errors = ex.errors()
    custom = [e for e in errors if e["type"] == "value_error"]
    if custom:
        return str(custom[0].get("ctx", {}).get("error", custom[0]["msg"]))
    if any(e["type"] in _RANGE_ERRORS for e in errors):
        low, high = _bounds(hint)
        return f"must be in [{_num(low, '-inf')}, {_num(high, 'inf')}]"
    return f"expected {_describe(hint)}, got {type(value).__name__}"


def check_task_args(task: str, fn: Callable[..., Any], args: dict[str, Any]) -> dict[str, Any]:
    """Validate the arguments ``args`` of ``task`` against ``fn``'s annotations (types, levels, ranges).

    Args:
        task: The task's name, for the message (``assay/audit``).
        fn: The task function (a decorated one is unwrapped).
        args: The given arguments by name (``-T`` values, or the keyword arguments of a call).

    Returns:
        The values as the annotations have them (an int given for a float becomes a float; comma-separated
        levels become a list).

    Raises:
        AssayError: An unknown name (known names listed), a value of the wrong type, a level that does not
            exist (the levels listed) or a number out of range; one line naming the field.
    """
    params = inspect.signature(fn).parameters
    hints = typing.get_type_hints(inspect.unwrap(fn), include_extras=True)
    out: dict[str, Any] = {}
    for name, value in args.items():
        if name not in params:
            raise AssayError(f"-T {name}: unknown parameter of {task}; known: {', '.join(params)}")
        hint = hints.get(name, Any)
        try:
            out[name] = TypeAdapter(hint).validate_python(value, strict=True)
        except ValidationError as ex:
            raise AssayError(f"-T {name}={value!r}: {_problem(hint, value, ex)}") from None
    return out


def checked(fn: Callable[P, R]) -> Callable[P, R]:
    """Check a task's arguments with :func:`check_task_args` on every call (put it under ``@task``).

    The wrapper keeps ``fn``'s name, docstring and signature, so Inspect registers the real parameters.

    Raises:
        AssayError: From :func:`check_task_args`, before ``fn`` runs.
    """
    names = list(inspect.signature(fn).parameters)
    task = f"assay/{fn.__name__}"

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if len(args) > len(names):
            raise TypeError(f"{fn.__name__}() takes {len(names)} arguments but {len(args)} were given")
        given = dict(zip(names, args, strict=False))
        for name, value in kwargs.items():
            if name in given:
                raise TypeError(f"{fn.__name__}() got multiple values for argument {name!r}")
            given[name] = value
        return cast(Callable[..., R], fn)(**check_task_args(task, fn, given))

    return wrapper


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
