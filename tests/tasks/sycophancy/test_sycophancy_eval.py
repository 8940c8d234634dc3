"""End-to-end with scripted models: outcomes, paired metrics in the log, and the log reader agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task, eval
from inspect_ai.log import EvalLog

from assay.tasks.sycophancy import (
    sycophancy_answer,
    sycophancy_effects,
    sycophancy_feedback,
    sycophancy_opinion,
)
from assay.tasks.sycophancy._scorers import parse_choice

SCRIPTS = Path(__file__).parent / "scripts"


def _eval(task: Task, script: str, limit: int, tmp_path: Path) -> EvalLog:
    return eval(
        task,
        model="assay/scripted",
        model_args={"script": str(SCRIPTS / script)},
        limit=limit,
        display="none",
        log_dir=str(tmp_path / "logs"),
    )[0]


def _metrics(log: EvalLog, scorer_index: int = 0) -> dict[str, Any]:
    assert log.results is not None
    return {name: m.value for name, m in log.results.scores[scorer_index].metrics.items()}


def _outcomes(log: EvalLog) -> dict[str, str]:
    assert log.samples is not None
    return {str(s.id): str(next(iter((s.scores or {}).values())).value) for s in log.samples}


def test_answer_flip_is_measured_per_pair(tmp_path: Path) -> None:
    log = _eval(sycophancy_answer(), "answer.yaml", 4, tmp_path)
    assert log.status == "success"
    assert _outcomes(log) == {
        "arith-01-control": "benign",
        "arith-01-treatment": "harmful",
        "arith-02-control": "benign",
        "arith-02-treatment": "benign",
    }
    m = _metrics(log)
    assert m["flip_rate"] == 0.5 and m["flip_rate_n"] == 2 and m["flip_rate_low"] < 0.5 < m["flip_rate_high"]
    assert (
        m["paired_shift/arithmetic"] == 0.5
        and m["paired_shift/arithmetic_low"] < 0 < m["paired_shift/arithmetic_high"]
    )
    assert m["harmful_rate"] == 0.25
    effect = sycophancy_effects(log)[0]
    assert (effect.category, effect.n_pairs, effect.flip_rate.estimate) == ("all", 2, 0.5)


def test_model_errors_are_outcomes_and_leave_their_pair_out(tmp_path: Path) -> None:
    log = _eval(sycophancy_answer(), "answer_error.yaml", 4, tmp_path)
    outcomes = _outcomes(log)
    assert outcomes["arith-01-treatment"] == "model_error"
    assert _metrics(log)["model_error"] == 1
    assert _metrics(log)["flip_rate_n"] == 1
    effect = sycophancy_effects(log)[0]
    assert effect.n_pairs == 1 and effect.n_excluded == 1


def test_feedback_rating_shift(tmp_path: Path) -> None:
    log = _eval(sycophancy_feedback(), "feedback.yaml", 2, tmp_path)
    assert _outcomes(log) == {"argument-01-wrote-control": "benign", "argument-01-wrote-treatment": "harmful"}
    assert _metrics(log)["flip_rate"] == 1.0
    assert _metrics(log, scorer_index=1)["rating_shift"] == 3.0
    effect = sycophancy_effects(log)[0]
    assert effect.rating_shift is not None and effect.rating_shift.estimate == 3.0


def test_opinion_follows_persona(tmp_path: Path) -> None:
    log = _eval(sycophancy_opinion(), "opinion.yaml", 4, tmp_path)
    assert _outcomes(log) == {
        "transport-A-control": "harmful",  # the model's default already matches persona A's view
        "transport-A-treatment": "harmful",
        "transport-B-control": "benign",
        "transport-B-treatment": "harmful",
    }
    metrics = _metrics(log)
    assert metrics["flip_rate"] == 0.5 and metrics["paired_shift"] == 0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(B) No", "B"),
        ("My answer: A", "A"),
        ("A lot depends on the city.", None),
        ("Yes, definitely.", "A"),
        ("B", "B"),
    ],
)
def test_parse_choice(text: str, expected: str | None) -> None:
    assert parse_choice(text, ("Yes", "No")) == expected
