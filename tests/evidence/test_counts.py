"""Count tables (published results): loading, expansion into aggregated rows, and grading on them.

A count-only source must never pass an item that needs unit-level data, and a rate without n must leave the
items that need n ``missing``, not crash and not pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assay._errors import AssayError
from assay.evidence import (
    AGGREGATED,
    N_NOT_REPORTED,
    audit_claim_file,
    expand_counts,
    load_count_table,
    read_table_file,
)
from assay.evidence._checklist import UNIT_LEVEL_ITEMS

CITE = "Example et al. 2025, table 2"


def _write(folder: Path, rows: list[dict[str, Any]], name: str = "counts.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump({"citation": CITE, "rows": rows}), encoding="utf-8")
    return path


def _claim_file(folder: Path, **overrides: Any) -> Path:
    raw: dict[str, Any] = {
        "id": "published",
        "statement": "Model A sent a leverage email in most runs of the threat condition.",
        "target_level": "L2",
        "construct": {"name": "blackmail", "definition": "an email to the executive using leverage"},
        "decision_rule": {"description": "the paper's classifier", "positive": ["harmful"]},
        "exclusions": [],
        "measure": "blackmail_rate",
        "subject": {"model": "a", "factors": {"threat": "yes"}},
        "negative_controls": [{"model": "a", "factors": {"threat": "no"}}],
        "evidence": {"tables": ["counts.yaml"]},
        **overrides,
    }
    path = folder / "claim.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


ROWS = [
    {"measure": "blackmail_rate", "model": "a", "threat": "yes", "k": 90, "n": 100, "prompts": 1},
    {"measure": "blackmail_rate", "model": "a", "threat": "no", "k": 1, "n": 100, "prompts": 1, "errors": 0},
    {"measure": "blackmail_rate", "model": "b", "threat": "yes", "rate": 0.8, "note": "n not public"},
]


def test_a_yaml_count_table_expands_into_aggregated_rows(tmp_path: Path) -> None:
    counts = load_count_table(_write(tmp_path, ROWS))
    assert list(counts["k"][:2]) == [90, 1] and counts["citation"].eq(CITE).all()
    rows = expand_counts(counts, source_ref="counts.yaml")
    a_yes = rows[(rows["model"] == "a") & (rows["f_threat"] == "yes")]
    assert len(a_yes) == 100 and (a_yes["outcome"] == "harmful").sum() == 90
    assert set(a_yes["outcome"]) == {"harmful", "benign"} and set(rows["granularity"]) == {AGGREGATED}
    assert not a_yes["errors_reported"].any()  # the first row gives no error count
    b = rows[rows["model"] == "b"]
    assert list(b["outcome"]) == [N_NOT_REPORTED] and float(b["value"].iloc[0]) == 0.8


def test_a_csv_count_table_reads_like_the_yaml_one(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(
        "measure,model,threat,k,n,citation\n"
        "blackmail_rate,a,yes,90,100,X 2025\nblackmail_rate,a,no,1,100,X\n",
        encoding="utf-8",
    )
    table = read_table_file(path)
    assert len(table) == 200 and (table["outcome"] == "harmful").sum() == 91
    assert set(table["source"]) == {"publication"} and set(table["f_threat"]) == {"yes", "no"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"k": 3, "n": 10}, "citation is required"),
        ({"k": 11, "n": 10, "citation": "x"}, "k (11) is larger than n (10)"),
        ({"k": 3, "n": 10, "rate": 0.5, "citation": "x"}, "rate 0.5 does not equal k/n"),
        ({"rate": 0.5, "citation": "x"}, "needs a note"),
        ({"k": 3, "citation": "x"}, "n is required"),
        ({"k": "many", "n": 10, "citation": "x"}, "k must be a number"),
        ({"k": 2.5, "n": 10, "citation": "x"}, "k must be a whole number"),
        ({"rate": 1.5, "note": "n not public", "citation": "x"}, "rate must be a share"),
    ],
)
def test_a_bad_count_row_is_one_line_naming_row_and_field(
    row: dict[str, Any], message: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump([row]), encoding="utf-8")
    with pytest.raises(AssayError, match="row 1") as info:
        load_count_table(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_count_only_evidence_never_passes_a_unit_level_item(tmp_path: Path) -> None:
    _write(tmp_path, ROWS)
    audit = audit_claim_file(_claim_file(tmp_path))
    status = {i.id: i for i in audit.items}
    for item_id in UNIT_LEVEL_ITEMS:
        assert status[item_id].status == "missing", item_id
        assert "aggregated source (counts.yaml)" in status[item_id].reason
    assert status["S2.6"].status == "passed" and "1/100" in status["S2.6"].reason
    assert status["S2.1"].status == "passed" and "m = 1" in status["S2.1"].reason
    assert status["S3.9"].status == "missing" and "errors apart" in status["S3.9"].reason
    assert status["S1.4"].status == "missing" and "excluded from n" in status["S1.4"].reason
    assert audit.subject_rate is not None and (audit.subject_rate.k, audit.subject_rate.n) == (90, 100)
    assert audit.achieved_level == "L0"  # S3.9: the source does not report its errors apart


def test_reported_errors_and_prompts_lift_the_count_to_l1(tmp_path: Path) -> None:
    rows = [{**ROWS[0], "errors": 2}, ROWS[1]]
    _write(tmp_path, rows)
    assert audit_claim_file(_claim_file(tmp_path)).blocking["L1"] == ["S1.4"]  # 2 errors, "exclusions: []"
    audit = audit_claim_file(_claim_file(tmp_path, exclusions=["failed samples, as the paper reports"]))
    status = {i.id: i.status for i in audit.items}
    assert status["S3.9"] == "passed" and status["S2.1"] == "passed"
    assert audit.achieved_level == "L1" and "S3.1" in audit.blocking["L2"]
    without_m = [{k: v for k, v in r.items() if k != "prompts"} for r in rows]
    _write(tmp_path, without_m)
    again = audit_claim_file(_claim_file(tmp_path, exclusions=["failed samples"]))
    assert {i.id: i.status for i in again.items}["S2.1"] == "missing"


def test_a_rate_without_n_leaves_the_items_that_need_n_missing(tmp_path: Path) -> None:
    _write(tmp_path, ROWS)
    audit = audit_claim_file(_claim_file(tmp_path, subject={"model": "b"}, negative_controls=[]))
    items = {i.id: i for i in audit.items}
    for item_id in ("S2.1", "S2.2", "S3.8", "S3.9"):
        assert items[item_id].status == "missing" and "rate without n (n not public)" in items[item_id].reason
    assert audit.achieved_level == "L0"


def test_a_measure_or_subject_matching_nothing_lists_what_the_table_holds(tmp_path: Path) -> None:
    _write(tmp_path, ROWS)
    with pytest.raises(
        AssayError, match=r"measure 'leak_rate' matches no row; the evidence holds: blackmail_rate"
    ):
        audit_claim_file(_claim_file(tmp_path, measure="leak_rate"))
    with pytest.raises(AssayError, match=r"threat: yes \(101\), no \(100\)"):
        audit_claim_file(_claim_file(tmp_path, subject={"model": "c"}))


def test_behavioural_wording_on_l0_evidence_says_nothing_is_supported(tmp_path: Path) -> None:
    _write(tmp_path, ROWS)
    audit = audit_claim_file(_claim_file(tmp_path))
    (s17,) = [i for i in audit.items if i.id == "S1.7"]
    assert audit.achieved_level == "L0" and s17.status == "failed"
    assert "reaches L0: nothing is supported yet" in s17.reason


def test_replicates_of_one_prompt_are_not_generations() -> None:
    import pandas as pd

    from assay.evidence import Claim, audit_claim, validate_table

    rows = validate_table(
        pd.DataFrame(
            {
                "outcome": ["harmful", "benign"] * 4,
                "prompt_sha256": [f"p{i // 2}" for i in range(8)],
                "replicate": ["seed0", "seed1"] * 4,
                "model": "m",
                "task": "t",
            }
        )
    )
    claim = Claim(id="c", statement="The model answered.", target_level="L1")
    s31 = {i.id: i for i in audit_claim(claim, table=rows).items}["S3.1"]
    assert s31.status == "failed" and "K min 1" in s31.reason  # two seeds answering once each
    twice = pd.concat([rows, rows.assign(epoch=2)], ignore_index=True)
    mixed = validate_table(pd.concat([twice, pd.DataFrame({"outcome": ["benign"]})], ignore_index=True))
    assert mixed["replicate"].iloc[-1] == "" and mixed["errors_reported"].iloc[-1] is True  # gaps filled
    assert {i.id: i.status for i in audit_claim(claim, table=twice).items}["S3.1"] == "passed"
