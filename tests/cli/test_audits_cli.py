"""CLI of the agentic-audit commands: bad input is one line on stderr and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _assay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from assay.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rubric", "show", "missing.yaml"), "rubric file not found"),
        (
            ("calibrate", "rubric-judge", "--model", "assay/scripted", "--labels", "missing.jsonl"),
            "--labels: no such file",
        ),
        (("calibrate", "rubric-judge"), "--model: calibrating rubric-judge needs the model"),
        (("rubric", "report", "missing.eval"), "log not found"),
        (("interrogation", "missing.eval"), "log not found"),
        (("panel", "run", "assay/agentic_misalignment", "--model", "a/b"), "give TASK and --log-dir"),
        (("panel", "run", "assay/agentic_misalignment", "--model", "a/b", "--log-dir", "x"), "models"),
        (
            ("panel", "run", "t", "--model", "a/b", "--model", "c/d", "-M", "x:k=v", "--log-dir", "d"),
            "MODEL:NAME",
        ),
        (("panel", "report", "missing-dir"), "missing-dir"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: tuple[str, ...], message: str) -> None:
    out = _assay(*args)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr


def test_rubric_calibration_is_only_the_common_calibrate_command() -> None:
    out = _assay("rubric", "calibrate", "--judge", "assay/scripted")
    assert out.returncode != 0 and "No such command 'calibrate'" in out.stderr
    listed = _assay("calibrate", "list")
    assert listed.returncode == 0 and "rubric-judge:" in listed.stdout


def test_rubric_show_prints_version_and_hash() -> None:
    out = _assay("rubric", "show")
    assert out.returncode == 0
    assert out.stdout.startswith("assay-builtin v1 sha256 ")
    assert "evaluation_awareness" in out.stdout


def test_interrogation_report_on_a_log_without_interrogation(tmp_path: Path) -> None:
    from inspect_ai import eval
    from inspect_ai.model import get_model

    from assay.tasks.agentic import agentic_misalignment

    script = Path(__file__).parents[1] / "tasks/interrogation/scripts/never_acts.yaml"
    [log] = eval(
        agentic_misalignment(),
        model=get_model("assay/scripted", script=str(script), memoize=False),
        log_dir=str(tmp_path),
        display="none",
    )
    out = _assay("interrogation", str(log.location).removeprefix("file://"))
    assert out.returncode == 2 and "no interrogation scores" in out.stderr
