"""``assay audit CLAIM --counts FILE``: grading a claim on count tables given on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assay.cli import main

ROWS = [
    {"model": "a", "threat": "yes", "k": 90, "n": 100, "prompts": 1, "errors": 0},
    {"model": "a", "threat": "no", "k": 1, "n": 100, "prompts": 1, "errors": 0},
]


def _files(folder: Path, rows: list[dict[str, Any]], **claim: Any) -> tuple[Path, Path]:
    counts = folder / "counts.yaml"
    counts.write_text(yaml.safe_dump({"citation": "X et al. 2025, table 1", "rows": rows}), encoding="utf-8")
    raw = {
        "id": "c",
        "statement": "Model a sent a leverage email in most runs with the threat.",
        "target_level": "L1",
        "decision_rule": {"description": "the paper's classifier"},
        "exclusions": [],
        "subject": {"model": "a", "factors": {"threat": "yes"}},
        **claim,
    }
    path = folder / "claim.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path, counts


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(["audit", *args])
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def test_counts_grade_a_claim_that_names_no_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim, counts = _files(tmp_path, ROWS)
    code, out, _ = _run(capsys, str(claim), "--counts", str(counts), "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["tables"] == [str(counts.resolve())]
    assert (result["subject_rate"]["k"], result["subject_rate"]["n"]) == (90, 100)
    assert result["achieved_level"] == "L1"
    code, out, _ = _run(capsys, str(claim))  # without --counts: no evidence, nothing reaches L1
    assert code == 0 and "achieved level: L0" in out


def test_counts_stand_in_for_a_missing_table_of_the_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim, counts = _files(tmp_path, ROWS, evidence={"tables": ["not_written_yet.yaml"]})
    code, _, err = _run(capsys, str(claim))
    assert code == 2 and "table not found: not_written_yet.yaml" in err
    code, out, _ = _run(capsys, str(claim), "--counts", str(counts))
    assert code == 0 and "achieved level: L1" in out


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (yaml.safe_dump([{"k": 3, "n": 10}]), ["row 1", "citation is required"]),
        (yaml.safe_dump([{"k": 3, "n": "ten", "citation": "x"}]), ["row 1", "n must be a number"]),
        ("rows: [k: 1, n: [\n", ["malformed count table"]),
    ],
)
def test_a_bad_count_file_is_one_line_naming_it_exit_2(
    content: str, needles: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim, _ = _files(tmp_path, ROWS)
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    code, _, err = _run(capsys, str(claim), "--counts", str(bad))
    assert code == 2 and err.count("\n") == 1 and str(bad) in err
    assert all(n in err for n in needles), err
    code, _, err = _run(capsys, str(claim), "--counts", str(tmp_path / "absent.csv"))
    assert code == 2 and "count table not found" in err
