"""Errors that assay reports to users as one line, without a traceback."""

from __future__ import annotations

from pydantic import ValidationError


class AssayError(Exception):
    """An error caused by user input (config, CLI arguments, files, model names).

    The CLI prints ``str(error)`` on one line and exits with code 2.

    Args:
        message: What is wrong, naming the offending field, file or value.
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message.splitlines()[0] if self.message else "assay: error"


def validation_problem(ex: ValidationError, default: str) -> str:
    """Return the first problem of a pydantic ``ValidationError`` as ``"field.path: message"``.

    A validator's own message is given as written (without pydantic's ``"Value error, "`` prefix).

    Args:
        ex: The validation error.
        default: The name used when the error has no field path (the document as a whole).
    """
    err = ex.errors()[0]
    where = ".".join(str(part) for part in err["loc"]) or default
    return f"{where}: {err['msg'].removeprefix('Value error, ')}"


def unreadable_log(path: object, ex: BaseException) -> AssayError:
    """The error for an Inspect log that cannot be read: ``cannot read log PATH: what is wrong``.

    Inspect raises many types for a bad file; a truncated or corrupt ``.eval`` (a zip archive without its
    end-of-archive record, Inspect's "EOCD not found") is said in words.

    Args:
        path: The log file.
        ex: What reading it raised.
    """
    text = str(ex.args[0]) if isinstance(ex, KeyError) and ex.args else str(ex)
    detail = text.strip().splitlines()[0] if text.strip() else type(ex).__name__
    if "EOCD" in detail or type(ex).__name__ == "BadZipFile":
        detail = "not a complete .eval archive (truncated or corrupt)"
    return AssayError(f"cannot read log {path}: {detail}")
