"""Checkpoint-directory checks that import nothing heavy (the CLI runs them before Inspect or torch load)."""

from __future__ import annotations

from pathlib import Path

from assay._errors import AssayError


def check_checkpoint(path: Path, marker: str = "config.json") -> Path:
    """Return ``path`` if it holds ``marker``; raise a one-line :class:`AssayError` otherwise."""
    if not path.is_dir():
        raise AssayError(f"checkpoint directory not found: {path}")
    if not (path / marker).is_file():
        raise AssayError(f"unreadable checkpoint {path}: no {marker}")
    return path
