"""Tidy tables as files: a study writes the table its claims are audited on, and a claim cites it.

A study whose evidence is a table built in memory (not Inspect logs) writes it with :func:`write_table_file`
(Parquet, so every column keeps its type) and its claims list the file under ``evidence.tables``; the audit
reads it back with :func:`read_table_file`, so ``assay audit`` grades the claim file on the rows the study
graded it on.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from assay._errors import AssayError
from assay.evidence._table import validate_table


def write_table_file(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a tidy table to ``path`` as Parquet (creating parent directories); return the path.

    Raises:
        AssayError: The table has no ``outcome`` column or no rows, or a column cannot be stored.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        validate_table(table).to_parquet(p, index=False)
    except (
        ValueError,
        TypeError,
    ) as ex:  # pyarrow's ArrowInvalid / ArrowTypeError are ValueError / TypeError
        raise AssayError(f"cannot write the evidence table {p}: {str(ex).splitlines()[0]}") from None
    return p


def read_table_file(path: str | Path) -> pd.DataFrame:
    """Read a tidy table written by :func:`write_table_file`.

    Raises:
        AssayError: The file is missing or not a Parquet tidy table (one line naming it).
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"evidence table not found: {p}")
    try:
        table = pd.read_parquet(p)
    except (OSError, ValueError) as ex:
        raise AssayError(f"malformed evidence table {p}: {str(ex).splitlines()[0]}") from None
    try:
        return validate_table(table)
    except AssayError as ex:
        raise AssayError(f"malformed evidence table {p}: {ex}") from None
