"""Paths: where assay keeps its caches, and paths written relative to the file that names them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_dir() -> Path:
    """Return assay's cache directory, creating it if needed.

    ``ASSAY_CACHE`` overrides the default ``$XDG_CACHE_HOME/assay`` (``~/.cache/assay``).
    """
    env = os.environ.get("ASSAY_CACHE")
    if env:
        root = Path(env).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "assay"
    root.mkdir(parents=True, exist_ok=True)
    return root


def relative_if_under(path: str, root: str, start: str) -> str | None:
    """``path`` relative to ``start`` (POSIX separators) when it lies under ``root``, else ``None``.

    Study outputs write the paths they name this way, so their folder (``root``) can be moved.

    Args:
        path: The path (relative ones taken from the working directory).
        root: The folder whose paths become relative.
        start: The folder of the file that names the path.
    """
    full, top = os.path.abspath(path), os.path.abspath(root)
    if os.path.commonpath([full, top]) != top:
        return None
    return Path(os.path.relpath(full, os.path.abspath(start))).as_posix()


def file_sha256(path: str | Path) -> str:
    """The hex SHA-256 of a file's bytes (read in 16 MiB chunks, so a multi-GB checkpoint fits in memory)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()
