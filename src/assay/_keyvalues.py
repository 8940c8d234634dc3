"""``KEY=VALUE`` command-line pairs (``-M``, ``-T``, ``-J``), shared by the CLI and the families' commands."""

from __future__ import annotations

import math
from typing import Any

import yaml

from assay._errors import AssayError


def _value(key: str, text: str, option: str) -> Any:
    """One value read as a YAML scalar; a NaN or infinite number (``.nan``, ``.inf``) is refused."""
    if not text:
        return ""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as ex:
        problem = str(ex).splitlines()[0] if str(ex) else "malformed"
        raise AssayError(f"{option} {key}={text}: not a YAML value ({problem})") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise AssayError(f"{option} {key}={text}: expected a finite number, got {value}")
    return value


def parse_key_values(pairs: tuple[str, ...], option: str) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` pairs (values read as YAML scalars, like Inspect's ``-M`` and ``-T``).

    Args:
        pairs: The pairs as given on the command line.
        option: The option's name, for the message (``-M``, ``-T`` ...).

    Raises:
        AssayError: A pair without ``=`` or without a key, a key given twice, a value that is not YAML, or
            a NaN or infinite number (the message names ``option`` and the key).
    """
    out: dict[str, Any] = {}
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise AssayError(f"{option} expects KEY=VALUE, got {pair!r}")
        if key in given:
            raise AssayError(f"{option} {key}: given twice ({given[key]!r}, then {pair!r}); give it once")
        given[key] = pair
        out[key] = _value(key, value, option)
    return out
