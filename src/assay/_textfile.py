"""Read a user-named text file with one-line errors: missing, a directory, binary, or not UTF-8.

Also the one YAML loader (:func:`load_yaml`): PyYAML's safe loader that refuses a repeated mapping key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assay._errors import AssayError, validation_problem

M = TypeVar("M", bound=BaseModel)


def read_text_file(path: str | Path, what: str) -> str:
    """Return the text of ``path``, decoded as UTF-8.

    Args:
        path: The file.
        what: What the file is, for the message (``"script"``, ``"grid"``, ``"claim file"``...).

    Raises:
        AssayError: The file does not exist, is a directory, cannot be read, holds NUL bytes (a binary
            file) or is not valid UTF-8; the message names the file and the byte offset.
    """
    p = Path(path)
    if p.is_dir():
        raise AssayError(f"{what} {p}: is a directory, not a file")
    if not p.exists():
        raise AssayError(f"{what} not found: {p}")
    try:
        data = p.read_bytes()
    except OSError as ex:
        raise AssayError(f"{what} {p}: cannot read: {ex.strerror or ex}") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise AssayError(f"{what} {p}: binary file (NUL byte at offset {nul}), expected text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as ex:
        raise AssayError(
            f"{what} {p}: not UTF-8 text (byte 0x{data[ex.start]:02x} at offset {ex.start})"
        ) from None


def read_jsonl_models(
    path: str | Path, model: type[M], what: str, id_of: Callable[[M], str] | None = None
) -> list[tuple[int, M]]:
    """Parse a JSONL file into one pydantic ``model`` per non-blank line, with its 1-based line number.

    Args:
        path: The file.
        model: The pydantic model every line must validate as.
        what: What the file is, for the message (``"labels file"`` ...).
        id_of: With it, each row's id; a repeated id is an error naming the line.

    Raises:
        AssayError: Anything :func:`read_text_file` raises, a line that is not JSON, or a line that does not
            validate, or a repeated id (the message names the file, line and field).
    """
    p = Path(path)
    rows: list[tuple[int, M]] = []
    seen: set[str] = set()
    for n, line in enumerate(read_text_file(p, what).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = model.model_validate(json.loads(line))
        except json.JSONDecodeError as ex:
            raise AssayError(f"{p}:{n}: malformed JSON: {ex.msg}") from None
        except ValidationError as ex:
            raise AssayError(f"{p}:{n}: {validation_problem(ex, 'item')}") from None
        if id_of is not None:
            key = id_of(row)
            if key in seen:
                raise AssayError(f"{p}:{n}: id: duplicate id {key!r}")
            seen.add(key)
        rows.append((n, row))
    return rows


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A YAML mapping names the same key twice (PyYAML would keep the last value silently)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that repeats a key (merge keys ``<<`` may be overridden)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """The mapping of ``node``; :class:`DuplicateKeyError` names a repeated key and both its lines."""
        first: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                known = first.get(key)
            except TypeError:  # an unhashable key: the safe loader's own error follows
                continue
            if known is not None:
                at = key_node.start_mark
                raise DuplicateKeyError(
                    problem=f"duplicate key {key!r} at line {at.line + 1} (first at line {known.line + 1})"
                )
            first[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    """Parse YAML ``text`` with the safe loader; every YAML file assay reads goes through here.

    Raises:
        yaml.YAMLError: Malformed YAML, or :class:`DuplicateKeyError` for a mapping that repeats a key (its
            first line names the key and the lines, so callers report it like any malformed file).
    """
    return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: safe


def yaml_problem(ex: yaml.YAMLError) -> str:
    r"""One line for a YAML error: the place and the problem (PyYAML's first line is only its context).

    ``line 5, column 1: found character '\t' that cannot start any token (indent YAML with spaces, not
    tabs)`` instead of ``while scanning for the next token``.
    """
    problem = getattr(ex, "problem", None)
    mark = getattr(ex, "problem_mark", None)
    if not problem:
        return str(ex).splitlines()[0] if str(ex) else type(ex).__name__
    text = " ".join(str(problem).split())
    if "'\\t'" in text:
        text += " (indent YAML with spaces, not tabs)"
    if "another document" in text:
        text += " (one document per file)"
    return f"line {mark.line + 1}, column {mark.column + 1}: {text}" if mark is not None else text
