"""Reports that know what a log is: aborted runs (status error), killed-and-resumed runs (superseded logs).

Every log here is a real Inspect log: an eval that Inspect stopped at the first model errors, and a run
killed with SIGKILL part-way and resumed with ``eval_retry`` or ``eval_set`` (in a helper process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries
from inspect_ai.model import get_model

from assay._errors import AssayError
from assay.cli import main
from assay.evidence import table_log_status, tidy_table
from assay.tasks.agentic import agentic_misalignment

HELPER = Path(__file__).parent / "logstatus_runs.py"
SMOKE = 12  # samples of the agentic smoke grid

ABORT_SCRIPT = """\
turns:
  - text: "I have filed the Q2 figures."
  - text: "Done."
  - text: "Done."
cases:
  - match: "Kestrel"
    turns:
      - error: "simulated provider outage"
"""


@pytest.fixture(scope="module")
def aborted_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An eval of the smoke grid that Inspect stops at the first model errors (no score_on_error)."""
    root = tmp_path_factory.mktemp("aborted")
    script = root / "script.yaml"
    script.write_text(ABORT_SCRIPT)
    model = get_model("assay/scripted", script=str(script), memoize=False)
    [log] = eval(
        agentic_misalignment(grid="smoke"), model=model, log_dir=str(root), display="none", max_samples=1
    )
    assert log.status == "error"
    return Path(log.location)


def _samples(path: Path) -> int:
    return len(read_eval_log_sample_summaries(str(path)))


def _env() -> dict[str, str]:
    src = str(Path(__file__).parents[2] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _killed_run(log_dir: Path, mode: str, at_least: int = 3) -> Path:
    """Start a slow run in a helper process and SIGKILL it once ``at_least`` samples are in its log."""
    proc = subprocess.Popen([sys.executable, str(HELPER), mode, str(log_dir), "0.5"], env=_env())
    try:
        for _ in range(1200):  # polls, not a timing assertion: the run is killed whenever it has enough
            time.sleep(0.1)
            logs = list(log_dir.glob("*.eval"))
            try:
                if logs and _samples(logs[0]) >= at_least:
                    break
            except Exception:  # the log is being rewritten: read it again
                continue
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    [killed] = list(log_dir.glob("*.eval"))
    assert read_eval_log(str(killed), header_only=True).status == "started"
    return killed


@pytest.fixture(scope="module")
def retried(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A killed run and its ``eval_retry``: both logs in one directory."""
    root = tmp_path_factory.mktemp("retried")
    killed = _killed_run(root, "run")
    subprocess.run([sys.executable, str(HELPER), "retry", str(killed), str(root)], env=_env(), check=True)
    [resumed] = [p for p in root.glob("*.eval") if p != killed]
    return killed, resumed


@pytest.fixture(scope="module")
def eval_set_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A killed ``eval_set`` run, resumed by running the same ``eval_set`` again on its directory."""
    root = tmp_path_factory.mktemp("evalset")
    _killed_run(root, "set")
    subprocess.run([sys.executable, str(HELPER), "set", str(root), "0.5"], env=_env(), check=True)
    return root


def test_aborted_log_is_named_with_its_missing_samples(aborted_log: Path) -> None:
    present = _samples(aborted_log)
    assert 0 < present < SMOKE
    table = tidy_table([aborted_log])
    status = table_log_status(table)
    assert status is not None and not status.complete
    [incomplete] = status.incomplete
    assert (incomplete.planned, incomplete.present, incomplete.missing) == (SMOKE, present, SMOKE - present)
    assert incomplete.status == "error" and "simulated provider outage" in incomplete.error
    [note] = status.notes()
    assert note.startswith(f"incomplete: {aborted_log} has status 'error': {present} of {SMOKE} planned")
    assert f"{SMOKE - present} never ran" in note
    with pytest.raises(AssayError, match=r"^--strict: incomplete: .* never ran"):
        tidy_table([aborted_log], strict=True)


def test_report_of_an_aborted_log_says_incomplete(
    aborted_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.md"
    with pytest.raises(SystemExit) as ex:
        main(["report", str(aborted_log), "-o", str(out)])
    assert ex.value.code == 0
    err = capsys.readouterr().err
    assert err.startswith("assay: warning: incomplete:") and "never ran" in err
    text = out.read_text()
    assert "## Rates per condition (incomplete) — incomplete" in text
    assert "INCOMPLETE: 1 eval(s) did not finish" in text and "## Log status" in text
    with pytest.raises(SystemExit) as strict:
        main(["report", str(aborted_log), "-o", str(tmp_path / "s.md"), "--strict"])
    assert strict.value.code == 2 and not (tmp_path / "s.md").exists()
    assert capsys.readouterr().err.startswith("assay: error: --strict: incomplete:")


@pytest.mark.slow
def test_killed_and_retried_logs_are_deduplicated(retried: tuple[Path, Path]) -> None:
    killed, resumed = retried
    done_before_kill = _samples(killed)
    assert _samples(resumed) == SMOKE
    table = tidy_table([killed, resumed])  # the order given does not matter
    assert len(table) == SMOKE and not table.duplicated(["sample_id", "epoch"]).any()
    assert set(table["log"]) == {str(resumed)}
    status = table_log_status(table)
    assert status is not None and status.complete
    [sup] = status.superseded
    assert (sup.path, sup.by, sup.status) == (str(killed), str(resumed), "started")
    assert (sup.rows_dropped, sup.rows_kept) == (done_before_kill, 0)
    assert tidy_table([resumed, killed]).equals(table)
    with pytest.raises(AssayError, match=r"^--strict: superseded: .* by .*same eval"):
        tidy_table([killed, resumed], strict=True)


@pytest.mark.slow
def test_killed_eval_set_rerun_is_deduplicated(eval_set_dir: Path) -> None:
    logs = sorted(eval_set_dir.glob("*.eval"))
    statuses = {read_eval_log(str(p), header_only=True).status for p in logs}
    assert len(logs) == 2 and statuses == {"started", "success"}
    total = sum(_samples(p) for p in logs)
    table = tidy_table(logs)
    assert len(table) == SMOKE and total > SMOKE
    status = table_log_status(table)
    assert status is not None and status.complete
    assert sum(s.rows_dropped for s in status.superseded) == total - SMOKE


@pytest.mark.slow
def test_report_of_a_resumed_log_set_notes_the_duplicates(
    eval_set_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    with pytest.raises(SystemExit) as ex:
        main(["report", *map(str, sorted(eval_set_dir.glob("*.eval"))), "-o", str(out)])
    assert ex.value.code == 0
    assert "assay: warning: superseded:" in capsys.readouterr().err
    text = out.read_text()
    assert '"superseded": [' in text and f'"n_rows": {SMOKE}' in text


@pytest.mark.slow
def test_different_evals_are_not_merged(aborted_log: Path, retried: tuple[Path, Path]) -> None:
    _, resumed = retried
    table = tidy_table([aborted_log, resumed])  # different models and runs: nothing is superseded
    status = table_log_status(table)
    assert status is not None and status.superseded == []
    assert len(table) == _samples(aborted_log) + SMOKE


def test_audit_notes_an_incomplete_log(aborted_log: Path, tmp_path: Path) -> None:
    from assay.evidence import audit_claim_file

    claim = tmp_path / "c.yaml"
    claim.write_text(
        f"id: c\nstatement: The model blackmails.\ntarget_level: L1\nevidence:\n  logs: [{aborted_log}]\n"
    )
    result = audit_claim_file(claim)
    assert any(n.startswith("incomplete: ") and "never ran" in n for n in result.notes)
