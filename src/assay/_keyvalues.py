"""``KEY=VALUE`` command-line pairs (``-M``, ``-T``, ``-J``), shared by the CLI and the families' commands."""

from __future__ import annotations

from typing import Any

import yaml

from assay._errors import AssayError


def parse_key_values(pairs: tuple[str, ...], option: str) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` pairs (values read as YAML scalars, like Inspect's ``-M`` and ``-T``).

    Raises:
        AssayError: A pair without ``=`` or without a key (the message names ``option``).
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AssayError(f"{option} expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = yaml.safe_load(value) if value else ""
    return out
