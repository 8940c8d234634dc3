"""The output folder's lock: a second run into a folder in use is refused; a stale lock is taken over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay._errors import AssayError
from assay.cli import main
from assay.engine import StudyResult, study
from assay.engine._lock import LOCK_NAME, output_lock
from assay.engine._registry import _STUDIES
from assay.studies import run_study

NAME = "unit-test-lock"


@pytest.fixture
def nested() -> Iterator[list[BaseException]]:
    """A study that, while it runs, starts a second run into its own output folder (caught, recorded)."""
    caught: list[BaseException] = []

    @study(NAME, "a study that starts a second run into its folder")
    def fn(out: Path, fast: bool, config: Path | None) -> StudyResult:
        assert (out / LOCK_NAME).is_file()
        if not fast:
            try:
                run_study(NAME, out, fast=True)
            except AssayError as ex:
                caught.append(ex)
        return StudyResult(out, out / "m.json", out / "r.html", {}, [])

    try:
        yield caught
    finally:
        _STUDIES.pop(NAME)


def test_a_second_run_into_a_folder_in_use_is_refused_naming_the_first(
    tmp_path: Path, nested: list[BaseException]
) -> None:
    run_study(NAME, tmp_path)
    [ex] = nested
    assert f"is in use by another run (PID {os.getpid()}, started " in str(ex)
    assert len(str(ex).splitlines()) == 1
    assert not (tmp_path / LOCK_NAME).exists()  # released at the end of the first run
    run_study(NAME, tmp_path, fast=True)  # and the folder can be used again


def test_the_lock_is_released_after_a_run_that_raised(tmp_path: Path) -> None:
    @study(NAME, "a study that fails")
    def fn(out: Path, fast: bool, config: Path | None) -> StudyResult:
        raise RuntimeError("stage failed")

    try:
        with pytest.raises(RuntimeError, match="stage failed"):
            run_study(NAME, tmp_path)
        assert not (tmp_path / LOCK_NAME).exists()
        with output_lock(tmp_path):  # free again
            pass
    finally:
        _STUDIES.pop(NAME)


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(proc.stdout)


def test_a_stale_lock_of_a_dead_run_is_taken_over_with_a_note(tmp_path: Path) -> None:
    pid = _dead_pid()
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": pid, "started": "2026-01-01 00:00:00 UTC"}))
    notes: list[str] = []
    with output_lock(tmp_path, notes.append) as path:
        assert json.loads(path.read_text())["pid"] == os.getpid()
    assert notes == [
        f"note: taking over the stale lock of {tmp_path} left by a run that ended "
        f"(PID {pid}, started 2026-01-01 00:00:00 UTC)"
    ]
    assert not path.exists()


def test_a_lock_held_by_another_process_refuses_the_cli_run_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], nested: list[BaseException]
) -> None:
    holder = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from assay.engine._lock import output_lock
        with output_lock(Path({str(tmp_path)!r})):
            print("held", flush=True)
            sys.stdin.read()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(SystemExit) as exit_info:
            main(["study", NAME, "--out", str(tmp_path)])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"(PID {proc.pid}, started " in err[0], err
    finally:
        proc.communicate("")
    assert proc.returncode == 0
    assert not (tmp_path / LOCK_NAME).exists()


def test_processes_of_one_accelerate_run_lock_their_own_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nested: list[BaseException]
) -> None:
    with output_lock(tmp_path):  # the main process holds out
        monkeypatch.setenv("RANK", "1")
        monkeypatch.setenv("WORLD_SIZE", "2")
        result = run_study(NAME, tmp_path, fast=True)  # another process writes out/.rank-1
    assert result.out == tmp_path / ".rank-1"


def test_a_run_that_wrote_nothing_leaves_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "runs" / "x"
    with output_lock(out):
        assert out.is_dir()
    assert not (tmp_path / "runs").exists()
    with output_lock(out):
        (out / "metrics.json").write_text("{}")
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json"]
