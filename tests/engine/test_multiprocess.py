"""Two processes launched together (torchrun, CPU, gloo) run a resumable training stage data-parallel."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

JOB = Path(__file__).with_name("multiprocess_job.py")


def _launch(toy: Path, out: Path) -> tuple[dict[str, object], dict[str, object]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(port)]
    proc = subprocess.run(
        [*cmd, str(JOB), str(toy), str(out)], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    main = json.loads((out / "result.json").read_text())
    other = json.loads((out / ".rank-1" / "result.json").read_text())
    return main, other


@pytest.mark.slow
def test_two_processes_train_together_and_only_the_main_one_writes_the_study(
    tmp_path: Path, toy_path: Path
) -> None:
    main, other = _launch(toy_path, tmp_path)
    assert main["skipped"] == [] and other["skipped"] == []
    a, b = main["result"], other["result"]
    assert isinstance(a, dict) and isinstance(b, dict)
    assert a["after"] == pytest.approx(b["after"], rel=1e-6)  # gradients averaged: one model
    assert a["losses"] != b["losses"]  # each process trained on its own shard of every batch
    assert (tmp_path / "stages" / "train" / "stage.json").is_file()
    # a rerun: the main process finds its record, and the other takes that decision and result
    main, other = _launch(toy_path, tmp_path)
    assert main["skipped"] == ["train"] and other["skipped"] == ["train"]
    assert other["result"] == main["result"]
