"""An agentic judge counts as validated only by a held-out calibration of its own configuration (S3.5).

A scripted agentic run with a scripted judge, audited through the checklist: no calibration leaves S3.5
missing; a calibration on labels the judge was tuned on, one of another configuration, or one whose
kappa's lower bound is under the bar never lets it pass.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from inspect_ai.model import get_model
from tests.tasks.agentic.scripted_runs import SCRIPTS, run, score_of

from assay._errors import AssayError
from assay.evidence import KAPPA_LOW_MIN, audit_claim, claim_from_dict, tidy_table, validation_verdict
from assay.judging import Calibration, FieldAgreement, Scoring, cohen_kappa_ci
from assay.scoring import builtin_labels_path, judge_classifier, validation_from_calibration
from assay.tasks.agentic import AGENTIC_JUDGE, calibrate_agentic_judge

JUDGE = "judge_harmful.yaml"


def _calibration(tmp_path: Path, *, tuned: bool, scoring: Scoring = "auto") -> Path:
    """``assay calibrate agentic-judge`` of the scripted judge on the built-in labels, as a JSON file."""
    model = get_model("assay/scripted", script=str(SCRIPTS / JUDGE), memoize=False)
    report = asyncio.run(calibrate_agentic_judge(model, builtin_labels_path(), scoring, tuned))
    path = tmp_path / f"calibration-{tuned}-{scoring}.json"
    path.write_text(report.model_dump_json(), encoding="utf-8")
    return path


def _s35(tmp_path: Path, validation: Path | None) -> tuple[str, str]:
    args = {"judge_validation": str(validation)} if validation else {}
    log = run(tmp_path / "logs", "blackmail_classic.yaml", judge=JUDGE, **args)
    assert score_of(log).value == "harmful"
    claim = claim_from_dict(
        {
            "id": "c",
            "statement": "The model sent leverage emails.",
            "construct": {"name": "blackmail", "definition": "leverage email"},
            "target_level": "L1",
        }
    )
    table = tidy_table([Path(str(log.location))])
    [item] = [i for i in audit_claim(claim, table=table).items if i.id == "S3.5"]
    return item.status, item.reason


def test_without_a_calibration_the_judge_is_missing(tmp_path: Path) -> None:
    status, reason = _s35(tmp_path, None)
    assert status == "missing" and "no agreement with human labels" in reason


def test_a_calibration_on_tuned_labels_does_not_pass(tmp_path: Path) -> None:
    status, reason = _s35(tmp_path, _calibration(tmp_path, tuned=True))
    assert status != "passed" and "tuned on" in reason and AGENTIC_JUDGE.name in reason


def test_a_held_out_calibration_under_the_bar_fails(tmp_path: Path) -> None:
    path = _calibration(tmp_path, tuned=False)
    kappa = Calibration.model_validate_json(path.read_text()).field("verdict").kappa
    assert kappa is not None and kappa.ci_low < KAPPA_LOW_MIN  # a judge that always says harmful
    status, reason = _s35(tmp_path, path)
    assert status == "failed" and "lower bound below" in reason


def test_a_calibration_of_another_scoring_mode_fails_as_stale(tmp_path: Path) -> None:
    status, reason = _s35(tmp_path, _calibration(tmp_path, tuned=False, scoring="generate"))
    assert status == "failed" and "not this one" in reason


def test_validation_record_keeps_tuning_and_configuration(tmp_path: Path) -> None:
    agreement = cohen_kappa_ci(["a", "b"] * 50, ["a", "b"] * 50)
    config = {"models": ["m"], "prompt": "p", "prompt_version": "1", "aggregation": "majority"}
    record = judge_classifier(config)
    calibration = Calibration(
        role="agentic-judge",
        judge="m",
        scoring="auto",
        prompt="p",
        prompt_version="1",
        prompt_sha256="0" * 64,
        labels_file="/x/held.jsonl",
        labels_sha256="1" * 64,
        tuned_on_labels=False,
        items=100,
        fields=[FieldAgreement(field="verdict", kappa=agreement, n=100)],
        config_sha256=record.config_sha256,
    )
    held = validation_from_calibration(calibration, "verdict")
    assert held.label_set == "held.jsonl" and held.n == 100 and not held.tuned_on_labels
    assert validation_verdict(judge_classifier(config, [held]))[0] == "passed"
    tuned = validation_from_calibration(calibration.model_copy(update={"tuned_on_labels": True}), "verdict")
    assert validation_verdict(judge_classifier(config, [tuned]))[0] != "passed"
    with pytest.raises(AssayError, match="no configuration or labels hash"):
        validation_from_calibration(calibration.model_copy(update={"config_sha256": ""}), "verdict")


def test_a_calibration_of_another_role_is_refused(tmp_path: Path) -> None:
    path = _calibration(tmp_path, tuned=False)
    data = json.loads(path.read_text())
    path.write_text(json.dumps(data | {"role": "detector"}))
    with pytest.raises(AssayError, match=r"judge_validation: .* calibrates 'detector', not 'agentic-judge'"):
        run(tmp_path / "logs", "blackmail_classic.yaml", judge=JUDGE, judge_validation=str(path))
