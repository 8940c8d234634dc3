"""``assay scenarios agentic``: counts, JSONL listing with prompt hashes, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from assay.cli import main
from assay.tasks.agentic import Condition, render


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the assay CLI in-process (as the `assay` entry point does) and capture its output."""

    def invoke(*args: str) -> Result:
        code = 0
        try:
            main(list(args))
        except SystemExit as ex:
            code = int(ex.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return invoke


@pytest.mark.parametrize(("grid", "count"), [("smoke", "12"), ("paper", "234"), ("full", "11232")])
def test_count(run: Callable[..., Result], grid: str, count: str) -> None:
    proc = run("scenarios", "agentic", "--count", "--grid", grid)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == count


def test_count_json_and_overrides(run: Callable[..., Result]) -> None:
    proc = run("scenarios", "agentic", "--count", "--grid", "full", "--format", "jsonl")
    assert json.loads(proc.stdout) == {
        "grid": "full",
        "conditions": 11232,
        "paraphrases": 3,
        "samples": 33696,
    }
    proc = run(
        "scenarios", "agentic", "--count", "--grid", "paper", "-T", "scenario=lethal", "-T", "urgency=none"
    )
    assert proc.stdout.strip() == "26"


def test_list_jsonl_has_factors_and_prompt_hash(run: Callable[..., Result]) -> None:
    proc = run("scenarios", "agentic", "--list", "--format", "jsonl", "--grid", "smoke", "--paraphrases", "2")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 24
    first = records[0]
    condition = Condition.model_validate(first["factors"])
    assert first["condition_id"] == condition.condition_id
    assert first["prompt_sha256"] == render(condition, first["paraphrase"]).prompt_sha256()
    assert len({r["prompt_sha256"] for r in records}) == 24


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["scenarios", "agentic", "--count", "--grid", "huge"], "neither a named grid"),
        (["scenarios", "agentic", "--count", "-T", "goal_type=sneaky"], "task parameter goal_type"),
        (["scenarios", "agentic"], "exactly one of --count or --list"),
        (["scenarios", "agentic", "--count", "-T", "oops"], "expected NAME=VALUE"),
    ],
)
def test_bad_input_is_one_line_exit_2(run: Callable[..., Result], args: list[str], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], proc.stderr


def test_calibrate_detector_reports_agreement_and_each_disagreement(run: Callable[..., Result]) -> None:
    out = run("calibrate", "detector")
    assert out.returncode == 0, out.stderr
    assert "verdict: n=80  kappa" in out.stdout and "rule 80" in out.stdout
    data = json.loads(run("calibrate", "detector", "--format", "json").stdout)
    assert data["items"] == 80 and data["methods"] == {"rule": 80} and data["role"] == "detector"
    assert set(data["config"]["disagreements"]) == {"bm-h14"} and data["tuned_on_labels"] is True
