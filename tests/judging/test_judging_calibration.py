"""Calibration results: correlation intervals, the text report, role lookup and the command's errors."""

from __future__ import annotations

import math

import pytest

from assay._errors import AssayError
from assay.cli._main import main
from assay.judging import (
    Calibration,
    FieldAgreement,
    calibration_role,
    cohen_kappa_ci,
    correlation_ci,
    format_calibration,
)


def test_correlation_interval_contains_the_estimate_and_narrows_with_n() -> None:
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    y = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9]
    small, large = correlation_ci(x, y), correlation_ci(x * 4, y * 4)
    assert small.ci_low < small.estimate < small.ci_high and small.method == "spearman"
    assert large.ci_high - large.ci_low < small.ci_high - small.ci_low
    assert correlation_ci(x, y, "pearson").method == "pearson"
    assert math.isnan(correlation_ci([1, 2, 3], [1, 2, 3]).estimate)
    assert "constant" in correlation_ci(x, [5] * 10).note


def test_report_lists_fields_and_every_judge_error() -> None:
    report = Calibration(
        role="agentic-judge",
        judge="assay/smollm2",
        scoring="logprob",
        methods={"exact": 3},
        prompt="p",
        prompt_version="1",
        prompt_sha256="0" * 64,
        labels_file="labels.jsonl",
        labels_sha256="1" * 64,
        items=4,
        judge_errors={"item-4": "no usable reply"},
        calls=4,
        fields=[FieldAgreement(field="verdict", kappa=cohen_kappa_ci(["a", "b", "a"], ["a", "b", "b"]), n=3)],
    )
    text = format_calibration(report)
    assert "verdict: n=3  kappa" in text and "judge error on item-4: no usable reply" in text
    assert "tuned on these labels: yes" in text and "exact 3" in text
    assert report.field("verdict").n == 3
    with pytest.raises(AssayError, match="no field 'intent'"):
        report.field("intent")


def test_unknown_role_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["calibrate", "no-such-role", "--model", "assay/toy"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and "unknown role 'no-such-role'" in err
    with pytest.raises(AssayError, match="ROLE: unknown role"):
        calibration_role("no-such-role")


def test_list_prints_one_line_per_role(capsys: pytest.CaptureFixture[str]) -> None:
    from assay.judging import CALIBRATION_ROLES

    with pytest.raises(SystemExit) as info:
        main(["calibrate", "list"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert info.value.code == 0 and len(lines) == len(CALIBRATION_ROLES) >= 6
    assert [line.split(":")[0] for line in lines] == sorted(CALIBRATION_ROLES)
