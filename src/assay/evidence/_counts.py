"""Count tables: published (or any count-only) results as aggregated rows of the evidence table.

A count table is a CSV or YAML file with one row per condition: its factors, ``k`` events of ``n``, and a
``citation`` naming the publication and place the numbers come from (columns: :data:`COUNT_COLUMNS`;
every other column is a condition factor). A YAML file is a list of rows, or a mapping with ``rows`` and
defaults for every row (``citation``, ``measure``, ``outcome``, ``model``).

:func:`expand_counts` turns each count into ``n`` rows of the evidence table (``k`` with the positive
outcome, ``n - k`` with its negative, reported errors apart), marked ``granularity == "aggregated"``, so a
claim is graded on published counts with the same code as on logs, and every item that needs unit-level
data says ``missing`` ("aggregated source"). A row whose ``n`` the source does not give becomes one row
with outcome :data:`~assay.evidence._schema.N_NOT_REPORTED`, its rate in ``value``.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from assay._errors import AssayError
from assay._textfile import load_yaml, read_text_file, yaml_problem
from assay.evidence._schema import AGGREGATED, COUNT_COLUMNS, FACTOR_PREFIX, N_NOT_REPORTED

#: Suffixes read as count tables.
COUNT_SUFFIXES = (".csv", ".yaml", ".yml")

_DEFAULTABLE = ("citation", "measure", "outcome", "model", "note")
_RATE_TOLERANCE = 0.005


def negative_outcome(positive: str) -> str:
    """The outcome of the non-events of a count whose events are ``positive`` (``harmful`` -> ``benign``)."""
    return "benign" if positive == "harmful" else f"not_{positive}"


def _raw_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a CSV or YAML count table, defaults of a YAML mapping applied."""
    if path.suffix.lower() == ".csv":
        return _csv_rows(path)
    try:
        data = load_yaml(read_text_file(path, "count table"))
    except yaml.YAMLError as ex:
        raise AssayError(f"malformed count table {path}: {yaml_problem(ex)}") from None
    if isinstance(data, Mapping):
        unknown = sorted(set(data) - {"rows", *_DEFAULTABLE})
        if unknown:
            close = difflib.get_close_matches(str(unknown[0]), ["rows", *_DEFAULTABLE], n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            allowed = ", ".join(["rows", *_DEFAULTABLE])
            raise AssayError(f"{path}: unknown top-level key {unknown[0]!r} ({hint}allowed: {allowed})")
        defaults = {k: data[k] for k in _DEFAULTABLE if k in data}
        rows = data.get("rows")
    else:
        defaults, rows = {}, data
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise AssayError(f"{path}: a count table is a list of rows (mappings), or a mapping with 'rows'")
    return [{**defaults, **dict(r)} for r in rows]


def _delimiter(header: str) -> str:
    """The separator of a CSV header line: comma, semicolon (spreadsheets in many locales) or tab."""
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a CSV count table: byte-order mark dropped, separator detected.

    Every row must be as wide as the header: a row with more or fewer values is refused, naming it.
    """
    lines = read_text_file(path, "count table").removeprefix("\ufeff").splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    records = [r for r in csv.reader(lines, delimiter=_delimiter(header_line)) if any(c.strip() for c in r)]
    if not records:
        return []
    header = [h.strip() for h in records[0]]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise AssayError(f"{path}: column {repeated[0]!r} appears more than once in the header")
    rows = []
    for i, values in enumerate(records[1:], start=1):
        if len(values) != len(header):
            raise AssayError(
                f"{path} row {i}: {len(values)} values for the header's {len(header)} columns "
                f"({', '.join(header)}); quote values that contain the separator"
            )
        row = {h: v.strip() for h, v in zip(header, values, strict=True)}
        if row.get("", "") != "":
            raise AssayError(f"{path} row {i}: a value under a column with no name in the header")
        rows.append({h: v for h, v in row.items() if h})
    return rows


def _near_count_column(key: str) -> str | None:
    """The count column ``key`` misspells by case, separator or a plural (``N``, ``Prompt``), if any."""
    if key in COUNT_COLUMNS:
        return None
    norm = key.strip().lower().replace(" ", "_").replace("-", "_")
    for candidate in (norm, norm.removesuffix("s"), norm + "s"):
        if candidate in COUNT_COLUMNS:
            return candidate
    return None


def _check_columns(raw: dict[str, Any], where: str) -> None:
    """Refuse a column misspelling a count column (else read as a factor), and a factor of many values."""
    for key, value in raw.items():
        near = _near_count_column(str(key))
        if near is not None:
            raise AssayError(
                f"{where}: column {key!r} is not a count column; did you mean {near!r}? "
                "(every other column is read as a condition factor)"
            )
        if key not in COUNT_COLUMNS and isinstance(value, (list, dict)):
            raise AssayError(f"{where}: factor {key!r} must be one value, got {value!r}")


def _number(raw: dict[str, Any], key: str, where: str, *, integer: bool) -> float | None:
    """``raw[key]`` as a number (``None`` when empty); refuses text, negatives and fractions for counts."""
    value = raw.get(key)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        hint = ""
        if isinstance(value, str) and value.strip().endswith("%"):
            share = value.strip().rstrip("%").strip()
            hint = f" (a share between 0 and 1: {float(share) / 100:g})" if _is_number(share) else ""
        raise AssayError(f"{where}: {key} must be a number, got {value!r}{hint}") from None
    if math.isnan(number) or number < 0 or (integer and not number.is_integer()):
        kind = "a whole number >= 0" if integer else "a number >= 0"
        raise AssayError(f"{where}: {key} must be {kind}, got {value!r}")
    return number


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _checked(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """One count row validated: citation present, k <= n, a rate in [0, 1] matching k/n."""
    if not str(raw.get("citation") or "").strip():
        raise AssayError(f"{where}: citation is required (the publication and the place of the number)")
    k, n = (_number(raw, f, where, integer=True) for f in ("k", "n"))
    rate = _number(raw, "rate", where, integer=False)
    errors, prompts = (_number(raw, f, where, integer=True) for f in ("errors", "prompts"))
    if rate is not None and rate > 1:
        raise AssayError(f"{where}: rate must be a share between 0 and 1, got {rate}")
    if n is not None and k is None:
        raise AssayError(f"{where}: k is required when n is given")
    if k is not None and n is None:
        raise AssayError(f"{where}: n is required when k is given")
    if n is None and rate is None:
        raise AssayError(f"{where}: give k and n, or a rate with a note saying n is not public")
    if k is not None and n is not None:
        if k > n:
            raise AssayError(f"{where}: k ({k:g}) is larger than n ({n:g})")
        if n == 0:
            raise AssayError(f"{where}: n must be at least 1")
        if rate is not None and abs(rate - k / n) > _RATE_TOLERANCE:
            raise AssayError(f"{where}: rate {rate} does not equal k/n = {k / n:.4f}")
    if n is None and not str(raw.get("note") or "").strip():
        raise AssayError(f"{where}: a row without n needs a note saying why (e.g. 'n not public')")
    return {**raw, "k": k, "n": n, "rate": rate, "errors": errors, "prompts": prompts}


def load_count_table(path: str | Path) -> pd.DataFrame:
    """Read a count table into one row per count (see the module docstring for the format).

    Returns:
        Columns ``measure, model, condition_id, k, n, rate, errors, prompts, outcome, citation, note`` and one
        ``f_<factor>`` column per other column.

    Raises:
        AssayError: The file is missing or malformed, or a row is invalid (one line naming row and field).
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"count table not found: {p}")
    if p.suffix.lower() not in COUNT_SUFFIXES:
        raise AssayError(f"{p}: a count table is a .csv, .yaml or .yml file")
    raws = _raw_rows(p)
    if not raws:
        raise AssayError(f"{p}: the count table has no rows")
    rows = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for i, raw in enumerate(raws, start=1):
        _check_columns(raw, f"{p} row {i}")
        row = _checked(raw, f"{p} row {i}")
        factors = {k: str(v) for k, v in row.items() if k not in COUNT_COLUMNS and v not in (None, "")}
        cond = str(row.get("condition_id") or ",".join(f"{k}={v}" for k, v in sorted(factors.items())))
        key = (
            str(row.get("measure") or "rate"),
            str(row.get("model") or ""),
            cond,
            str(row.get("outcome") or ""),
        )
        if key in seen:
            raise AssayError(
                f"{p} row {i}: the same condition as row {seen[key]} (measure {key[0]}, "
                f"model {key[1] or '(none)'}, {cond or 'no factors'}); one row per condition"
            )
        seen[key] = i
        rows.append(
            {
                **{c: row.get(c) for c in COUNT_COLUMNS},  # type: ignore[misc]
                "measure": str(row.get("measure") or "rate"),
                "model": str(row.get("model") or ""),
                "outcome": str(row.get("outcome") or "harmful"),
                "condition_id": cond,
                "note": str(row.get("note") or ""),
                **{f"{FACTOR_PREFIX}{k}": v for k, v in factors.items()},
            }
        )
    return pd.DataFrame(rows)


def expand_counts(counts: pd.DataFrame, source_ref: str = "", source: str = "publication") -> pd.DataFrame:
    """The evidence-table rows of a count table (see the module docstring); ``validate_table`` them after.

    Args:
        counts: Rows as :func:`load_count_table` returns them.
        source_ref: Where the counts were read from (the count table's path).
        source: The rows' ``source`` (``publication`` for published counts, ``study`` for a stage's counts).
    """
    factor_cols = [c for c in counts.columns if str(c).startswith(FACTOR_PREFIX)]
    out: list[dict[str, Any]] = []
    for i, record in enumerate(counts.to_dict("records")):
        r = {str(key): value for key, value in record.items()}
        base = {
            "source": source,
            "source_ref": source_ref,
            "granularity": AGGREGATED,
            "measure": r["measure"],
            "task": r["measure"],
            "model": r["model"],
            "condition_id": r["condition_id"],
            "citation": r["citation"],
            "note": r["note"],
            "prompts": math.nan if r["prompts"] is None else float(r["prompts"]),
            "errors_reported": r["errors"] is not None and not _isnan(r["errors"]),
            **{c: ("" if _isnan(r[c]) else str(r[c])) for c in factor_cols},
        }
        out += _expanded(base, r, i)
    return pd.DataFrame(out)


def _isnan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _expanded(base: dict[str, Any], r: dict[str, Any], index: int) -> list[dict[str, Any]]:
    """The rows of one count: k events, n - k non-events, the reported errors; one row when n is unknown."""
    ident = f"count{index + 1}"
    if _isnan(r["n"]):
        return [{**base, "sample_id": ident, "outcome": N_NOT_REPORTED, "value": float(r["rate"])}]
    k, n = int(r["k"]), int(r["n"])
    errors = 0 if _isnan(r["errors"]) else int(r["errors"])
    labels = [r["outcome"]] * k + [negative_outcome(r["outcome"])] * (n - k) + ["model_error"] * errors
    return [
        {**base, "sample_id": f"{ident}#{j}", "outcome": o, "error": "reported by the source" * (j >= n)}
        for j, o in enumerate(labels)
    ]
