"""A reply that is only a tool call (no family here offers tools) or an unreadable answer is
``invalid_action`` in every single-turn family, never ``benign``, and stays out of every rate's n."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from inspect_ai import Task, eval

from assay.scoring import Outcome
from assay.tasks.backdoor import backdoor
from assay.tasks.persuasion import persuasion
from assay.tasks.sycophancy import sycophancy_answer, sycophancy_feedback, sycophancy_opinion

#: Inspect answers the unknown tool with an error and asks again; the model then says nothing.
TOOL_ONLY = "turns: [{tool_calls: [{name: bash, arguments: {cmd: ls}}]}, {empty: true}]\n"

FAMILIES: dict[str, Callable[[], Task]] = {
    "backdoor": lambda: backdoor(n=2),
    "sycophancy_answer": sycophancy_answer,
    "sycophancy_feedback": sycophancy_feedback,
    "sycophancy_opinion": sycophancy_opinion,
    "persuasion": persuasion,
}


def _outcomes(task: Task, script: str, tmp_path: Path) -> tuple[list[str], dict[str, float]]:
    path = tmp_path / "script.yaml"
    path.write_text(script)
    (log,) = eval(
        task, model="assay/scripted", model_args={"script": str(path)}, limit=4, log_dir=str(tmp_path),
        display="none",
    )  # fmt: skip
    assert log.samples and log.results
    outcomes = [str(next(iter((s.scores or {}).values())).value) for s in log.samples]
    return outcomes, {k: m.value for k, m in log.results.scores[0].metrics.items()}  # type: ignore[misc]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_a_tool_call_reply_is_invalid_action_and_out_of_n(family: str, tmp_path: Path) -> None:
    outcomes, metrics = _outcomes(FAMILIES[family](), TOOL_ONLY, tmp_path)
    assert set(outcomes) == {Outcome.INVALID_ACTION.value}
    rates = {k: v for k, v in metrics.items() if k.endswith("_rate") and k != "flip_rate"}
    assert rates and all(math.isnan(v) for v in rates.values())  # no valid sample: no rate, never 0 %


@pytest.mark.parametrize("task", [sycophancy_feedback, sycophancy_opinion])
def test_an_unreadable_structured_answer_is_invalid_action(task: Callable[[], Task], tmp_path: Path) -> None:
    outcomes, _ = _outcomes(task(), "turns: [{text: 'Lovely weather today.'}]\n", tmp_path)
    assert set(outcomes) == {Outcome.INVALID_ACTION.value}
