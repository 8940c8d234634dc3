"""Classifier records built by scorers: rule hashes, judge records, validations from kappa."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError
from sklearn.metrics import cohen_kappa_score

from assay.evidence import CLASSIFIER_METADATA_KEY, config_sha256, validation_verdict
from assay.judging import cohen_kappa_ci
from assay.scoring import (
    KAPPA_CI_METHOD,
    classifier_metadata,
    judge_classifier,
    rule_record,
    validation_from_kappa,
)


def starts_with_x(text: str) -> bool:
    return text.startswith("X")


def contains_x(text: str) -> bool:
    return "X" in text


def test_a_rule_hash_follows_its_source_and_its_settings() -> None:
    base = rule_record("r", "1", [starts_with_x], {"threshold": 4})
    assert base.config_sha256 == rule_record("r", "1", [starts_with_x], {"threshold": 4}).config_sha256
    assert base.config_sha256 != rule_record("r", "1", [starts_with_x], {"threshold": 5}).config_sha256
    assert base.config_sha256 != rule_record("r", "1", [contains_x], {"threshold": 4}).config_sha256
    assert base.kind == "rule" and base.config == {"threshold": 4}
    exact = rule_record("r", "1", [starts_with_x], kind="exact", exempt="the string is the construct")
    assert validation_verdict(exact)[0] == "passed"
    with pytest.raises(ValidationError, match="exempt"):
        rule_record("r", "1", [starts_with_x], kind="exact")


def test_a_judge_record_hashes_its_whole_configuration() -> None:
    config = {"models": ["a/b"], "prompt": "p", "prompt_version": "3", "prompt_sha256": "ab" * 32}
    record = judge_classifier(config)
    assert (record.kind, record.name, record.version) == ("llm_judge", "p", "3")
    assert record.config_sha256 == config_sha256(config)
    assert record.config_sha256 != judge_classifier(config | {"models": ["a/c"]}).config_sha256


def test_validation_from_kappa_keeps_the_figures_and_drops_undefined_ones() -> None:
    human = ["harmful"] * 12 + ["not_harmful"] * 18
    rater = ["harmful"] * 10 + ["not_harmful"] * 20
    agreement = cohen_kappa_ci(human, rater)
    v = validation_from_kappa(agreement, "set.jsonl", "cd" * 32, "ef" * 32, tuned_on_labels=False)
    assert v.kappa is not None and v.ci_low is not None and v.ci_high is not None
    assert v.kappa == pytest.approx(cohen_kappa_score(human, rater)) and v.ci_low < v.kappa < v.ci_high
    assert (v.n, v.ci_method, v.tuned_on_labels) == (30, KAPPA_CI_METHOD, False)
    constant = cohen_kappa_ci(["harmful"] * 5, ["harmful"] * 5)
    assert math.isnan(constant.kappa)
    undefined = validation_from_kappa(constant, "set.jsonl", "cd" * 32, "ef" * 32, tuned_on_labels=False)
    assert (undefined.kappa, undefined.ci_low, undefined.ci_high) == (None, None, None)


def test_classifier_metadata_lists_every_record_in_order() -> None:
    rule = rule_record("r", "1", [starts_with_x])
    judge = judge_classifier({"models": ["a/b"], "prompt_sha256": "ab" * 32})
    carried = [rule.model_dump(mode="json")]
    meta = classifier_metadata(judge, recorded=carried)
    assert [r["kind"] for r in meta[CLASSIFIER_METADATA_KEY]] == ["llm_judge", "rule"]
