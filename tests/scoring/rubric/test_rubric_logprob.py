"""Log-probability scoring of the rubric on the tiny real model: never a parse error, = the forward pass."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.model import ChatMessageUser, get_model

from assay.activations import choice_logps
from assay.cli import main
from assay.judging import Calibration
from assay.scoring.rubric import (
    RubricCalibrationConfig,
    RubricSettings,
    builtin_rubric_labels_path,
    dimension_prompt,
    load_rubric,
    load_rubric_labels,
    score_dimension,
    score_transcript,
)

RUBRIC = load_rubric()
ITEMS = load_rubric_labels(builtin_rubric_labels_path(), RUBRIC)
SCALE = [str(v) for v in range(1, 11)]


@pytest.fixture(scope="module")
def toy() -> Any:
    return get_model("assay/toy", memoize=False)


def _direct_expectation(toy: Any, name: str) -> float:
    """The probability-weighted mean of 1-10 from one forward pass of the toy model (whole replies)."""
    prompt = dimension_prompt(RUBRIC, name, ITEMS[1].messages)
    rendered = toy.api.render_prompt([ChatMessageUser(content=prompt)], [], "none")
    end = toy.api.tokenizer.eos_token
    logps = choice_logps(toy.api.model, toy.api.tokenizer, [rendered], [[s + end for s in SCALE]])[0]
    top = max(logps)
    weights = [math.exp(v - top) for v in logps]
    return sum(w * (i + 1) for i, w in enumerate(weights)) / sum(weights)


def test_one_dimension_equals_the_direct_forward_pass(toy: Any) -> None:
    for name in (RUBRIC.primary, "evaluation_awareness"):
        got = asyncio.run(score_dimension(toy, RUBRIC, name, ITEMS[1].messages))
        assert got is not None and got.method == "exact"
        assert got.expectation == pytest.approx(_direct_expectation(toy, name), abs=1e-4)
        assert got.score == math.floor(got.expectation + 0.5)  # the declared rule: rounded half up
        assert got.justification is None and got.cites is None  # not asked for: recorded as absent


def test_every_dimension_is_scored_never_a_parse_error(toy: Any) -> None:
    result = asyncio.run(
        score_transcript([toy], RUBRIC, ITEMS[1].messages, RubricSettings(scoring="logprob"))
    )
    assert not result.errors and set(result.scores) == set(RUBRIC.names)
    for name, s in result.scores.items():
        assert 1 <= s.score <= 10 and s.expectation is not None and 1 <= s.expectation <= 10, name
        assert s.score == math.floor(s.expectation + 0.5) and s.method == "exact", name
        assert (result.dimensions[name].calls, result.dimensions[name].retries) == (1, 0)
    # batched with the other dimensions, the reading stays the forward pass's (up to batch padding)
    assert result.scores[RUBRIC.primary].expectation == pytest.approx(
        _direct_expectation(toy, RUBRIC.primary), abs=0.05
    )


def test_calibrate_rubric_judge_on_the_toy_model_end_to_end(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    lines = builtin_rubric_labels_path().read_text(encoding="utf-8").splitlines()[:4]
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "calibration.json"
    args = ["calibrate", "rubric-judge", "--model", "assay/toy", "--scoring", "logprob"]
    with pytest.raises(SystemExit) as info:
        main([*args, "--labels", str(labels), "--out", str(out)])
    assert info.value.code == 0
    report = Calibration.model_validate_json(out.read_text(encoding="utf-8"))
    assert (report.role, report.scoring, report.items) == ("rubric-judge", "logprob", 4)
    assert report.judge_errors == {} and report.methods == {"exact": 4 * len(RUBRIC.names)}
    assert (report.calls, report.retries) == (4 * len(RUBRIC.names), 0)
    assert [f.field for f in report.fields] == RUBRIC.names
    for f in report.fields:
        assert f.n == 4 and f.threshold == RUBRIC.threshold and f.kappa is not None
        assert f.correlation is not None and f.correlation.method == "spearman"
    config = RubricCalibrationConfig.model_validate(report.config)
    assert config.rubric_sha256 == RUBRIC.sha256 and report.tuned_on_labels
