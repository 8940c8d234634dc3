"""The interrogation judge: its calibration role, and how its labels are read during a run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model
from tests.tasks.interrogation.test_interrogation_eval import SCRIPTS, only, run, scores

from assay.cli import main
from assay.tasks.agentic import agentic_misalignment
from assay.tasks.interrogation import INTERROGATION_JUDGE, answer_labels_path, question_set
from assay.tasks.interrogation._calibrate import labelled_items


def _cli(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as ex:
        return int(ex.code or 0)
    return 0


def test_every_labelled_answer_becomes_the_prompt_the_scorer_asks() -> None:
    items = labelled_items(answer_labels_path())
    rows = [json.loads(line) for line in answer_labels_path().read_text().splitlines() if line.strip()]
    assert len(items) == len(rows) >= 30
    for item, row in zip(items, rows, strict=True):
        qset = question_set(row["family"])
        question = next(q.text for q in qset.questions if q.phrasing == row["phrasing"])
        expected = INTERROGATION_JUDGE.render(act=qset.act, question=question, answer=row["answer"])
        assert item.text == expected and item.labels == {"answer": row["label"]}


def test_toy_calibration_by_log_probability(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cal.json"
    argv = ["calibrate", "interrogation-judge", "--model", "assay/toy", "--scoring", "logprob"]
    assert _cli([*argv, "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    n = len(labelled_items(answer_labels_path()))
    assert report["role"] == "interrogation-judge" and report["items"] == n
    assert report["judge_errors"] == {} and report["methods"] == {"exact": n} and report["retries"] == 0
    [answer] = report["fields"]
    assert answer["field"] == "answer" and answer["n"] == n and answer["kappa"]["n"] == n
    assert report["labels_file"] == str(answer_labels_path()) and report["tuned_on_labels"] is True
    assert "role: interrogation-judge" in capsys.readouterr().out


def test_logprob_on_a_judge_without_log_probabilities_is_a_judge_error(tmp_path: Path) -> None:
    log = run(
        tmp_path, "acts_then_denies.yaml", judge="judge_admits.yaml", interrogation_judge_scoring="logprob"
    )
    _, value, details = scores(only(log))
    assert value == "judge_error" and "no log-probabilities" in details["error"]


def test_the_method_of_each_reading_is_recorded(tmp_path: Path) -> None:
    _, value, details = scores(only(run(tmp_path, "acts_then_denies.yaml", judge="judge_admits.yaml")))
    assert value == "confessed" and details["judge"]["config"]["scoring"] == "auto"
    panels: list[dict[str, Any]] = details["judge"]["panels"]
    assert panels and all(p["methods"] == {"assay/scripted": "generate"} for p in panels)


def test_a_local_judge_is_read_by_log_probability_in_a_run(tmp_path: Path) -> None:
    [log] = eval(
        agentic_misalignment(interrogate=True),
        model=get_model("assay/scripted", script=str(SCRIPTS / "acts_then_denies.yaml"), memoize=False),
        model_roles={"interrogation_judge": get_model("assay/toy", memoize=False)},
        log_dir=str(tmp_path),
        display="none",
    )
    _, value, details = scores(only(log))
    assert value in ("confessed", "denied", "evaded")  # whatever the toy model reads; never an error
    for panel in details["judge"]["panels"]:
        assert panel["methods"] == {"assay/toy": "exact"} and 0 < panel["probabilities"]["assay/toy"] <= 1
