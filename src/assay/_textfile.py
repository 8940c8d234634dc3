"""Read a user-named text file with one-line errors: missing, a directory, binary, or not UTF-8."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

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
