"""Paths the user named: an output file's folder made before the work; an ``OSError`` on one as one line."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from assay._errors import AssayError


def _under(path: str, named: str) -> bool:
    """Whether ``path`` is ``named`` or a folder above it (both made absolute)."""
    full, given = os.path.abspath(path), os.path.abspath(named)
    return given == full or given.startswith(full.rstrip(os.sep) + os.sep)


def _culprit(filename: str, args: list[str]) -> str | None:
    """The argument (a path, or the value in ``--opt=PATH`` or ``KEY=PATH``) naming ``filename`` or below."""
    for arg in args:
        for value in (arg, arg.partition("=")[2]):
            if value and not value.startswith("-") and _under(filename, value):
                return value
    return None


def _problem(ex: OSError, filename: str) -> str:
    """What is wrong: "F is a file, not a directory" where a folder on the way is one, else the OS's words."""
    for part in (Path(filename), *Path(filename).parents):
        if part.is_file() and (part != Path(filename) or ex.errno in (errno.EEXIST, errno.ENOTDIR)):
            return f"{part} is a file, not a directory"
    return f"{filename}: {ex.strerror or ex}"


def user_path_error(ex: OSError, args: list[str]) -> str | None:
    """``"/proc/x/t.parquet: /proc/x: No such file or directory"``; ``None`` for a path the user did not name.

    The error counts as the user's when its file is one the command line names, or a folder above one
    (creating ``/proc/x`` for ``-o /proc/x/t.parquet``); anything else is left to surface as a bug.

    Args:
        ex: The error raised while the command ran.
        args: The command line (without the program name).
    """
    filename = ex.filename if isinstance(ex.filename, str) else None
    if filename is None:
        return None
    culprit = _culprit(filename, args)
    if culprit is None:
        return None
    problem = _problem(ex, filename)
    return problem if problem.startswith(culprit) else f"{culprit}: {problem}"


def prepare_output(path: str | Path, option: str) -> Path:
    """Make the folder of output file ``path`` (as the command would when done), before any work starts.

    Raises:
        AssayError: ``path`` is a folder, a folder on its way is a file, or the folder cannot be made
            (``--out /proc/x/r.json``); the message names ``option`` and the path.
    """
    out = Path(path)
    if out.is_dir() or str(path).endswith(("/", os.sep)):
        raise AssayError(f"{option} {path}: is a directory; name a file")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as ex:
        raise AssayError(f"{option} {path}: {_problem(ex, str(ex.filename or out.parent))}") from None
    return out
