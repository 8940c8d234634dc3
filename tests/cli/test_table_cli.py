"""``assay table``: Inspect logs and count tables into one evidence table file that a claim re-grades from."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assay.cli._table import table_command
from assay.evidence import audit_claim_file, provenance_path, read_table_file

sys.path.insert(0, str(Path(__file__).parents[1] / "evidence"))

from evidence_logs import shared_factorial_log


@pytest.fixture(scope="module")
def factorial_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_factorial_log(tmp_path_factory.mktemp)


def test_logs_become_a_table_a_claim_regrades_from_alone(factorial_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "evidence" / "table.parquet"
    result = CliRunner().invoke(table_command, [str(factorial_log), "-o", str(out), "--measure", "leverage"])
    assert result.exit_code == 0, result.output
    assert "measures: leverage (24)" in result.output
    table = read_table_file(out)
    assert set(table["source"]) == {"log"} and set(table["measure"]) == {"leverage"}
    side = json.loads(provenance_path(out).read_text(encoding="utf-8"))
    assert list(side["inputs"]) == [f"sha256:{factorial_log.name}"] and side["rows"] == 24
    claim = {
        "id": "from-table",
        "statement": "In scenario a the model produced the leverage outcome in some runs.",
        "target_level": "L1",
        "measure": "leverage",
        "subject": {"factors": {"scenario": "a"}},
        "evidence": {"tables": ["evidence/table.parquet"]},
    }
    path = tmp_path / "claim.yaml"
    path.write_text(yaml.safe_dump(claim), encoding="utf-8")
    audit = audit_claim_file(path)
    assert audit.subject_rate is not None and audit.subject_rate.n + audit.subject_rate.n_errors == 12
    assert audit.tables == [str(out.resolve())] and audit.logs == []
