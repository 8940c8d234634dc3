"""Evidence table files: Parquet with a provenance sidecar that makes later edits visible."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from assay._errors import AssayError
from assay.evidence import (
    SCHEMA_VERSION,
    TABLE_COLUMNS,
    provenance_path,
    read_provenance,
    read_table_file,
    write_table_file,
)


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure": ["backdoor_rate"] * 3 + ["probe_score"] * 2,
            "outcome": ["harmful", "benign", "harmful", "harmful", "benign"],
            "prompt_sha256": ["a", "b", "a", "c", "d"],
            "value": [float("nan")] * 3 + [0.9, 0.2],
        }
    )


def test_the_sidecar_records_schema_rows_measures_and_inputs(tmp_path: Path) -> None:
    path = write_table_file(_table(), tmp_path / "evidence" / "table.parquet", inputs={"config": "abc"})
    side = json.loads(provenance_path(path).read_text(encoding="utf-8"))
    assert side["schema"] == SCHEMA_VERSION and side["rows"] == 5
    assert side["measures"] == {"backdoor_rate": 3, "probe_score": 2}
    assert side["prompt_hashes"]["count"] == 4 and side["inputs"] == {"config": "abc"}
    back = read_table_file(path)
    assert set(TABLE_COLUMNS) <= set(back.columns) and list(back["measure"]) == list(_table()["measure"])
    assert read_provenance(path) == side


def test_a_table_changed_after_writing_is_refused(tmp_path: Path) -> None:
    path = write_table_file(_table(), tmp_path / "table.parquet")
    edited = read_table_file(path)
    edited.loc[1, "outcome"] = "harmful"
    edited.to_parquet(path, index=False)  # rewritten without its sidecar
    with pytest.raises(AssayError, match="changed after it was written"):
        read_table_file(path)


def test_a_sidecar_of_another_schema_is_refused_and_none_is_noted(tmp_path: Path) -> None:
    path = write_table_file(_table(), tmp_path / "table.parquet")
    side = provenance_path(path)
    side.write_text(json.dumps({"schema": "assay.evidence-table/0"}), encoding="utf-8")
    with pytest.raises(AssayError, match=r"is not 'assay\.evidence-table/1'"):
        read_table_file(path)
    side.unlink()
    assert "no provenance sidecar" in read_table_file(path).attrs["assay_notes"][0]
