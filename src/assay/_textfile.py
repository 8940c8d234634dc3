"""Read a user-named text file with one-line errors: missing, a directory, binary, or not UTF-8."""

from __future__ import annotations

from pathlib import Path

from assay._errors import AssayError


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
