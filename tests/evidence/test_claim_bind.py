"""Controls and comparisons bound to the evidence before grading: typos refused, spellings matched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assay._errors import AssayError
from assay.evidence import AuditResult, audit_claim, claim_from_dict

CSV = "nudge,pressure,k,n,prompts,errors,citation,measure\n" + "".join(
    f"{nudge},{p},{k},100,10,0,P t1,rate\n"
    for nudge, p, k in [("true", "high", 80), ("false", "high", 40), ("true", "low", 2), ("false", "low", 0)]
)


def _audit(tmp_path: Path, **fields: Any) -> AuditResult:
    counts = tmp_path / "counts.csv"
    counts.write_text(CSV, encoding="utf-8")
    raw = {
        "id": "c",
        "statement": "The model sent the email in most runs under high pressure.",
        "target_level": "L1",
        "decision_rule": {"description": "the source's classifier"},
        "exclusions": [],
        "subject": {"factors": {"pressure": "high", "nudge": True}},
        **fields,
    }
    return audit_claim(claim_from_dict(raw), tmp_path, extra_tables=[counts])


def _status(result: AuditResult, item: str) -> str:
    return next(i.status for i in result.items if i.id == item)


def test_booleans_and_numbers_match_in_any_spelling(tmp_path: Path) -> None:
    r = _audit(tmp_path, negative_controls=[{"factors": {"pressure": "low", "nudge": False}}])
    assert r.subject_rate is not None and (r.subject_rate.k, r.subject_rate.n) == (
        80,
        100,
    )  # YAML true, CSV true
    assert _status(r, "S2.6") == "passed"


REFUSED = [
    (
        {"negative_controls": [{"factors": {"pressure": "none"}}]},
        "negative_controls[0].factors.pressure: 'none' is not a value of 'pressure' in the evidence "
        "(values: high, low)",
    ),
    (
        {"negative_controls": [{"factors": {"presure": "low"}}]},
        "negative_controls[0].factors: no factor 'presure' in the evidence (factors: nudge, pressure); did "
        "you mean "
        "'pressure'?",
    ),
    (
        {"negative_controls": [{"model": "gpt-5"}]},
        "negative_controls[0].model: 'gpt-5' is not in the evidence (model values: none)",
    ),
    (
        {"negative_controls": [{"condition_id": "nudge=true,pressure=low", "factors": {"pressure": "high"}}]},
        "negative_controls[0] (condition nudge=true,pressure=low, pressure=high) matches no row of the "
        "evidence",
    ),
    (
        {"primary_comparison": {"factor": "presure", "treatment": "high", "control": "low"}},
        "primary_comparison.factor: no factor 'presure' in the evidence (factors: nudge, pressure); did you "
        "mean "
        "'pressure'?",
    ),
    (
        {"primary_comparison": {"factor": "pressure", "treatment": "High", "control": "low"}},
        "primary_comparison.treatment: 'High' is not a value of 'pressure' in the evidence (values: high, "
        "low)",
    ),
    (
        {
            "predictions": [
                {
                    "name": "p",
                    "direction": "increase",
                    "comparison": {"factor": "nudge", "treatment": 1, "control": False},
                }
            ]
        },
        "predictions[0].comparison.treatment: 1 is not a value of 'nudge' in the evidence (values: false, "
        "true)",
    ),
]


@pytest.mark.parametrize(("fields", "message"), REFUSED)
def test_a_control_or_comparison_the_evidence_lacks_is_refused(
    tmp_path: Path, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(AssayError) as info:
        _audit(tmp_path, **fields)
    assert str(info.value) == f"claim c: {message}"


def test_a_bound_comparison_is_graded_on_its_rows(tmp_path: Path) -> None:
    comparison = {"factor": "nudge", "treatment": True, "control": False}
    r = _audit(tmp_path, primary_comparison=comparison, claimed_effect=0.2)
    reason = next(i.reason for i in r.items if i.id == "S2.2")
    assert "nudge true vs false" in reason and "n = 100 per arm" in reason


def test_a_numeric_positive_matches_its_outcome_in_any_spelling(tmp_path: Path) -> None:
    counts = tmp_path / "counts.yaml"
    counts.write_text(
        "citation: P t1\noutcome: '1'\nrows:\n  - {pressure: high, k: 8, n: 10, prompts: 2, errors: 0}\n",
        encoding="utf-8",
    )
    raw = {
        "id": "c",
        "statement": "The model sent the email.",
        "target_level": "L1",
        "decision_rule": {"description": "score 1", "positive": ["1.0"]},
    }
    r = audit_claim(claim_from_dict(raw), tmp_path, extra_tables=[counts])
    assert (
        _status(r, "S1.3") == "declared"
    )  # was failed: "positive outcome(s) ['1.0'] never occur in the logs"
    assert r.subject_rate is not None and (r.subject_rate.k, r.subject_rate.n) == (8, 10)


def test_a_subject_whose_every_row_is_an_error_passes_no_data_item() -> None:
    from assay.evidence import validate_table

    table = validate_table(
        pd.DataFrame(
            {
                "task": "t",
                "model": "m",
                "condition_id": "c1",
                "sample_id": [f"s{i}" for i in range(4)],
                "prompt_sha256": [f"p{i}" for i in range(4)],
                "outcome": "model_error",
            }
        )
    )
    raw = {
        "id": "c",
        "statement": "The model never moved the money.",
        "target_level": "L1",
        "decision_rule": {"description": "outcome harmful"},
        "exclusions": [],
    }
    r = audit_claim(claim_from_dict(raw), table=table)
    statuses = {i.id: (i.status, i.reason) for i in r.items}
    assert statuses["S3.8"] == (
        "failed",
        "no valid observations: no rate to bound",
    )  # was passed: "no zero-event"
    assert statuses["S2.1"][0] == "failed" and r.achieved_level == "L0"


def test_a_claim_naming_no_measure_is_refused_on_counts_of_several(tmp_path: Path) -> None:
    counts = tmp_path / "counts.yaml"
    counts.write_text(
        "citation: P\nrows:\n  - {measure: a_rate, k: 10, n: 100}\n  - {measure: b_rate, k: 90, n: 100}\n",
        encoding="utf-8",
    )
    raw = {"id": "c", "statement": "The model sent the email.", "target_level": "L1"}
    with pytest.raises(AssayError) as info:  # was: graded on both measures pooled, n = 200
        audit_claim(claim_from_dict(raw), tmp_path, extra_tables=[counts])
    assert str(info.value) == (
        "claim c: the evidence holds several measures (a_rate (100), b_rate (100)); name the one the claim "
        "rests on under 'measure'"
    )
    named = audit_claim(claim_from_dict({**raw, "measure": "b_rate"}), tmp_path, extra_tables=[counts])
    assert named.subject_rate is not None and (named.subject_rate.k, named.subject_rate.n) == (90, 100)
