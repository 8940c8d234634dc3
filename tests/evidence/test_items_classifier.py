"""S3.4 and S3.5: every classifier, rule or judge, recorded and validated the same way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from assay.evidence import (
    KAPPA_LOW_MIN,
    ClassifierRecord,
    ClassifierValidation,
    JudgeValidation,
    StudyMetrics,
    audit_claim,
    claim_from_dict,
    config_sha256,
    validate_table,
    write_study_metrics,
)

RULE_HASH = config_sha256({"rule": "keywords v1"})
JUDGE_CONFIG = {"models": ["judge/x"], "prompt": "p", "prompt_version": "1", "prompt_sha256": "cd" * 32}


def _validation(
    lo: float, *, tuned: bool = False, config: str = RULE_HASH, **kw: Any
) -> ClassifierValidation:
    fields: dict[str, Any] = {
        "label_set": "held.jsonl",
        "label_set_sha256": "ab" * 32,
        "n": 68,
        "kappa": min(1.0, lo + 0.12),
        "ci_low": lo,
        "ci_high": min(1.0, lo + 0.24),
        "ci_method": "wald",
        "tuned_on_labels": tuned,
        "config_sha256": config,
    }
    return ClassifierValidation(**(fields | kw))


def _rule(*validations: ClassifierValidation, kind: str = "rule", exempt: str = "") -> ClassifierRecord:
    return ClassifierRecord(
        kind=kind,  # type: ignore[arg-type]
        name="detector",
        version="2",
        config_sha256=RULE_HASH,
        config={"rule": "keywords"},
        exempt=exempt,
        validations=list(validations),
    )


def _table(
    records: list[ClassifierRecord] | None, judge_config: dict[str, Any] | None = None, **cols: Any
) -> pd.DataFrame:
    cell = json.dumps([r.model_dump(mode="json") for r in records]) if records is not None else ""
    rows = [
        {
            "outcome": "harmful" if i % 3 == 0 else "benign",
            "sample_id": f"s{i}",
            "scorer": "agentic_outcome",
            "classifier": cell,
            "judge_config": json.dumps(judge_config) if judge_config else "",
        }
        | cols
        for i in range(12)
    ]
    return validate_table(pd.DataFrame(rows))


def _items(table: pd.DataFrame, tmp_path: Path | None = None, **metrics: Any) -> dict[str, tuple[str, str]]:
    evidence: dict[str, Any] = {}
    if metrics and tmp_path is not None:
        path = write_study_metrics(StudyMetrics(study="t", **metrics), tmp_path / "metrics.json")
        evidence = {"evidence": {"study_metrics": [str(path)]}}
    claim = claim_from_dict(
        {
            "id": "c",
            "statement": "The model sent leverage emails in some runs.",
            "construct": {"name": "blackmail", "definition": "leverage email"},
            "target_level": "L1",
        }
        | evidence
    )
    result = audit_claim(claim, table=table)
    return {i.id: (i.status, i.reason) for i in result.items if i.id in ("S3.4", "S3.5")}


def test_a_rule_with_a_held_out_validation_is_recorded_and_checked_against_the_bar() -> None:
    good = _items(_table([_rule(_validation(KAPPA_LOW_MIN + 0.1))]))
    assert good["S3.4"][0] == "passed" and "detector v2 (rule" in good["S3.4"][1]
    assert good["S3.5"][0] == "passed" and "held out" in good["S3.5"][1]
    low = _items(_table([_rule(_validation(KAPPA_LOW_MIN - 0.05))]))
    assert low["S3.4"][0] == "passed"
    assert low["S3.5"][0] == "failed" and f"below {KAPPA_LOW_MIN}" in low["S3.5"][1]
    undefined = _items(_table([_rule(_validation(0.7, kappa=None, ci_low=None, ci_high=None))]))
    assert undefined["S3.5"][0] == "failed" and "undefined" in undefined["S3.5"][1]


def test_a_rule_without_validation_is_missing_never_passed() -> None:
    items = _items(_table([_rule()]))
    assert items["S3.4"][0] == "passed"
    assert items["S3.5"] == ("missing", f"{_rule().key}: no agreement with human labels recorded")


def test_labels_the_rule_was_tuned_on_do_not_validate_it() -> None:
    status, reason = _items(_table([_rule(_validation(0.9, tuned=True))]))["S3.5"]
    assert status == "missing" and "tuned on" in reason


def test_a_validation_of_another_configuration_is_stale() -> None:
    status, reason = _items(_table([_rule(_validation(0.9, config="ef" * 32))]))["S3.5"]
    assert status == "failed" and "re-run the validation" in reason


def test_an_exact_test_passes_with_its_exemption_and_must_state_one() -> None:
    status, reason = _items(_table([_rule(kind="exact", exempt="the completion starts with X")]))["S3.5"]
    assert status == "passed" and "the completion starts with X" in reason
    with pytest.raises(ValidationError, match="exempt"):
        _rule(kind="exact")
    with pytest.raises(ValidationError, match="exempt"):
        _rule(exempt="a rule is no construct")


def test_rows_without_any_classifier_fail_s3_4_naming_the_scorer() -> None:
    items = _items(_table(None))
    assert items["S3.4"][0] == "failed" and "12 row(s) of scorer 'agentic_outcome'" in items["S3.4"][1]
    assert items["S3.5"][0] == "missing"
    called = _items(_table(None, other_models="openai/grader"))
    assert called["S3.4"] == (
        "failed",
        "samples called openai/grader besides the tested model but record no judge configuration",
    )


def test_only_scored_rows_need_a_classifier() -> None:
    table = _table([_rule(_validation(0.8))])
    errors = validate_table(pd.DataFrame([{"outcome": "model_error", "sample_id": "e", "scorer": "x"}]))
    assert _items(pd.concat([table, errors], ignore_index=True))["S3.4"][0] == "passed"
    assert _items(errors)["S3.4"] == ("failed", "no scored row: every row is an error or kept out of n")


def test_an_llm_judge_without_labels_is_missing_and_study_metrics_can_validate_it(tmp_path: Path) -> None:
    config = JUDGE_CONFIG | {"aggregation": "majority"}
    items = _items(_table([], judge_config=config))
    assert items["S3.4"][0] == "passed" and "model(s) judge/x" in items["S3.4"][1]
    assert items["S3.5"][0] == "missing" and "no 'judge_validation'" in items["S3.5"][1]
    good = JudgeValidation(kappa=0.8, lo=KAPPA_LOW_MIN + 0.05, hi=0.9, n=150)
    assert _items(_table([], judge_config=config), tmp_path, judge_validation=good)["S3.5"][0] == "passed"
    weak = JudgeValidation(kappa=0.7, lo=KAPPA_LOW_MIN - 0.1, hi=0.85, n=60)  # the estimate alone would pass
    assert _items(_table([], judge_config=config), tmp_path, judge_validation=weak)["S3.5"][0] == "failed"


def test_a_judge_configuration_without_aggregation_fails_s3_4() -> None:
    status, reason = _items(_table([], judge_config=JUDGE_CONFIG))["S3.4"]
    assert (status, reason) == ("failed", "judge configuration lacks: aggregation")


def test_a_rubric_judge_with_a_calibration_record_is_checked() -> None:
    config = {"models": ["judge/x"], "prompt_sha256": "ee" * 32, "aggregation": "median", "threshold": 7}
    digest = config_sha256(config)

    def rubric(lo: float) -> ClassifierRecord:
        validation = _validation(lo, config=digest)
        return ClassifierRecord(
            kind="rubric_judge",
            name="r",
            version="1",
            config_sha256=digest,
            config=config,
            validations=[validation],
        )

    passed = _items(_table([rubric(0.75)]))
    assert passed["S3.4"][0] == "passed" and "threshold 7" in passed["S3.4"][1]
    assert passed["S3.5"][0] == "passed"
    assert _items(_table([rubric(0.4)]))["S3.5"][0] == "failed"


def test_every_classifier_of_a_row_must_be_validated() -> None:
    judge = ClassifierRecord(
        kind="llm_judge",
        name="p",
        version="1",
        config_sha256=config_sha256(JUDGE_CONFIG),
        config=JUDGE_CONFIG | {"aggregation": "majority"},
    )
    status, reason = _items(_table([_rule(_validation(0.8)), judge]))["S3.5"]
    assert status == "missing" and reason.startswith("p v1 (llm_judge")


def test_an_unreadable_record_fails_s3_4() -> None:
    table = _table(None).assign(classifier='[{"kind": "oracle"}]')
    assert _items(table)["S3.4"] == ("failed", "12 row(s) have an unreadable classifier record")


def test_published_counts_leave_both_items_missing() -> None:
    items = _items(_table(None, granularity="aggregated", source="publication"))
    assert items["S3.4"][0] == "missing" and items["S3.4"][1].startswith("aggregated source")
    assert items["S3.5"] == items["S3.4"]
    no_n = validate_table(
        pd.DataFrame([{"outcome": "n_not_reported", "note": "n not public", "sample_id": "r", "scorer": ""}])
    )
    for status, reason in _items(no_n).values():
        assert status == "missing" and "rate without n" in reason
