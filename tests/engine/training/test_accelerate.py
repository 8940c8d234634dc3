"""Training runs through Hugging Face accelerate: `accelerate launch` (one CPU process) gives the same run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

JOB = Path(__file__).with_name("accelerate_job.py")


@pytest.mark.slow
def test_accelerate_launch_trains_like_a_plain_process(tmp_path: Path, toy_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    plain, launched = tmp_path / "plain.json", tmp_path / "launched.json"
    subprocess.run([sys.executable, str(JOB), str(toy_path), str(plain)], check=True, env=env, timeout=300)
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--cpu", "--num_processes", "1"]
    cmd += ["--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]
    proc = subprocess.run(
        [*cmd, str(JOB), str(toy_path), str(launched)], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    a, b = json.loads(plain.read_text()), json.loads(launched.read_text())
    assert b["processes"] == 1 and len(a["losses"]) == 4
    assert a["after"] < a["before"]
    assert b["losses"] == pytest.approx(a["losses"], rel=1e-5)
