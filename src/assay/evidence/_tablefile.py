"""Evidence tables as files: Parquet with a provenance sidecar, and count tables (CSV / YAML).

A study writes every measure its claims cite with :func:`write_table_file` (Parquet, so every column keeps
its type) and its claims list the file under ``evidence.tables``; ``assay audit`` reads it back with
:func:`read_table_file`, so a claim file in a finished study folder is re-graded with no other input.

Next to ``table.parquet`` the writer puts ``table.provenance.json``: the schema version, the SHA-256 of the
Parquet file, the rows per measure, a digest of every prompt hash in the table and the hashes of the inputs
the caller names (its configuration, model revision, logs). The reader checks the schema and the file's
hash, so a table edited after it was written is refused. ``evidence.tables`` entries ending in ``.csv``,
``.yaml`` or ``.yml`` are count tables (:mod:`assay.evidence._counts`), expanded into aggregated rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from assay._errors import AssayError
from assay._paths import file_sha256
from assay.evidence._counts import COUNT_SUFFIXES, expand_counts, load_count_table
from assay.evidence._schema import SCHEMA_VERSION
from assay.evidence._table import validate_table


def provenance_path(path: str | Path) -> Path:
    """The provenance sidecar of the table file ``path`` (``table.parquet`` -> ``table.provenance.json``)."""
    p = Path(path)
    return p.with_name(f"{p.stem}.provenance.json")


def file_hashes(files: Iterable[str | Path]) -> dict[str, str]:
    """``sha256:<file name>`` -> the file's SHA-256, for the ``inputs`` of :func:`write_table_file`."""
    return {f"sha256:{Path(f).name}": file_sha256(f) for f in files}


def _provenance(table: pd.DataFrame, path: Path, inputs: Mapping[str, str]) -> dict[str, Any]:
    hashes = sorted(set(table["prompt_sha256"].astype(str)) - {""})
    return {
        "schema": SCHEMA_VERSION,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "table_sha256": file_sha256(path),
        "rows": len(table),
        "measures": {
            str(k): int(v) for k, v in table["measure"].astype(str).value_counts().sort_index().items()
        },
        "prompt_hashes": {
            "count": len(hashes),
            "sha256": hashlib.sha256("\n".join(hashes).encode()).hexdigest(),
        },
        "inputs": dict(sorted(inputs.items())),
    }


def write_table_file(
    table: pd.DataFrame, path: str | Path, *, inputs: Mapping[str, str] | None = None
) -> Path:
    """Write an evidence table to ``path`` as Parquet with its provenance sidecar; return the path.

    Args:
        table: The rows (unit rows, and aggregated rows from :func:`assay.evidence.expand_counts`).
        path: The Parquet file to write (parent folders are created).
        inputs: Name -> hash of what the rows were computed from (configuration, model revision, logs).

    Raises:
        AssayError: The table has no ``outcome`` column or no rows, or a column cannot be stored.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    rows = validate_table(table)
    try:
        rows.to_parquet(p, index=False)
    except (
        ValueError,
        TypeError,
    ) as ex:  # pyarrow's ArrowInvalid / ArrowTypeError are ValueError / TypeError
        raise AssayError(f"cannot write the evidence table {p}: {str(ex).splitlines()[0]}") from None
    sidecar = _provenance(rows, p, inputs or {})
    provenance_path(p).write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return p


def read_provenance(path: str | Path) -> dict[str, Any] | None:
    """The provenance sidecar of the table file ``path`` (``None`` when there is none).

    Raises:
        AssayError: The sidecar is malformed, names another schema, or the table's hash differs from it.
    """
    p = Path(path)
    side = provenance_path(p)
    if not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as ex:
        raise AssayError(f"malformed provenance sidecar {side}: {str(ex).splitlines()[0]}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
        found = data.get("schema") if isinstance(data, dict) else None
        raise AssayError(f"{side}: schema {found!r} is not {SCHEMA_VERSION!r}")
    if data.get("table_sha256") != file_sha256(p):
        raise AssayError(
            f"evidence table {p} was changed after it was written (its SHA-256 differs from {side})"
        )
    return data


def read_table_file(path: str | Path) -> pd.DataFrame:
    """Read an evidence table: Parquet written by :func:`write_table_file`, or a count table (CSV / YAML).

    Raises:
        AssayError: The file is missing, not an evidence table, or was changed after it was written.
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"evidence table not found: {p}")
    if p.suffix.lower() in COUNT_SUFFIXES:
        return validate_table(expand_counts(load_count_table(p), source_ref=str(p)))
    provenance = read_provenance(p)
    try:
        table = pd.read_parquet(p)
    except (OSError, ValueError) as ex:
        raise AssayError(f"malformed evidence table {p}: {str(ex).splitlines()[0]}") from None
    try:
        table = validate_table(table)
    except AssayError as ex:
        raise AssayError(f"malformed evidence table {p}: {ex}") from None
    if provenance is None:
        table.attrs["assay_notes"] = [f"{p.name} has no provenance sidecar: its hash could not be checked"]
    return table
