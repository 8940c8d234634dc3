"""The two recipes of docs/architecture.md, followed: a new task family or study needs only its folder.

The recipe folders live in ``tests/recipes/``. Each test runs in a fresh interpreter that puts them on the
path of ``assay.tasks`` / ``assay.studies`` (where ``src/assay/tasks/<family>/`` and
``src/assay/studies/<name>/`` would be), so Inspect's and assay's registries are not changed for other tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

RECIPES = Path(__file__).resolve().parent / "recipes"
DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"

PRELUDE = f"""
import sys
import assay.studies, assay.tasks
assay.tasks.__path__.append({str(RECIPES / "tasks")!r})
assay.studies.__path__.append({str(RECIPES / "studies")!r})
"""

SCRIPT = """\
turns: [{text: "I would rather not."}]
cases:
  - {match: "apple", turns: [{text: "apple"}]}
  - {match: "river", turns: [{error: "connection reset"}]}
"""


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )


def _assay(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return _python(f"from assay.cli._main import main\nmain({args!r})\n", cwd)


def test_the_recipes_are_in_the_architecture_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ("test_a_new_family_needs_only_its_folder", "test_a_new_study_needs_only_its_folder"):
        assert f"tests/test_recipes.py::{name}" in text
    assert "tests/recipes/tasks/echo/" in text and "tests/recipes/studies/tally/" in text


def test_a_new_family_needs_only_its_folder(tmp_path: Path) -> None:
    (tmp_path / "echo.yaml").write_text(SCRIPT)
    found = _python(
        """
        import json
        from assay.tasks import assay_tasks, family_names
        from assay.tasks._meta import family_meta
        print(json.dumps([family_names(), sorted(assay_tasks()), family_meta("echo").task_names()]))
        """,
        tmp_path,
    )
    assert found.returncode == 0, found.stderr[-2000:]
    families, tasks, listed = json.loads(found.stdout)
    assert "echo" in families and "echo_words" in tasks and listed == ["echo_words"]

    # through Inspect: the name is resolved by Inspect's entry point, which discovers the family
    inspect_run = _python(
        """
        import json
        from inspect_ai import eval
        [log] = eval("assay/echo_words", model="assay/scripted", model_args={"script": "echo.yaml"},
                     task_args={"words": 3}, log_dir="logs", display="none")
        print(json.dumps([log.eval.task_version,
                          sorted(str(s.scores["echo_outcome"].value) for s in log.samples)]))
        """,
        tmp_path,
    )
    assert inspect_run.returncode == 0, inspect_run.stderr[-2000:]
    version, outcomes = json.loads(inspect_run.stdout.strip().splitlines()[-1])
    assert version == 1
    assert outcomes == ["benign", "harmful", "model_error"]  # lantern declined, apple repeated, river failed

    # through assay eval, and the family's own command
    model = ["--model", "assay/scripted", "-M", "script=echo.yaml"]
    run = _assay(["eval", "assay/echo_words", *model, "-T", "words=1"], tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "assay/echo_words: success" in run.stdout
    listed_help = _assay(["--help"], tmp_path)
    assert "echo-words" in listed_help.stdout
    words = _assay(["echo-words"], tmp_path)
    assert words.returncode == 0 and words.stdout.split() == ["apple", "river", "lantern", "meadow", "copper"]


@pytest.mark.parametrize(("arg", "needle"), [("words=9", "must be in [1, 5]"), ("case=title", "one of")])
def test_a_new_familys_parameters_are_checked_the_same_on_both_paths(
    tmp_path: Path, arg: str, needle: str
) -> None:
    name, value = arg.split("=")
    literal = value if value.isdigit() else repr(value)
    via_assay = _assay(["eval", "assay/echo_words", "--model", "assay/scripted", "-T", arg], tmp_path)
    assert via_assay.returncode == 2
    [line] = via_assay.stderr.strip().splitlines()
    assert needle in line and f"-T {name}=" in line
    via_inspect = _python(
        f"""
        from assay._errors import AssayError
        from inspect_ai._util.registry import registry_lookup
        import assay._registry
        try:
            registry_lookup("task", "assay/echo_words")(**{{{name!r}: {literal}}})
        except AssayError as ex:
            print(ex)
        """,
        tmp_path,
    )
    assert via_inspect.returncode == 0, via_inspect.stderr[-2000:]
    message = line.removeprefix("assay: error: ").removeprefix("assay/echo_words: ")
    assert via_inspect.stdout.strip() == message


@pytest.mark.slow
def test_a_new_study_needs_only_its_folder(tmp_path: Path) -> None:
    listed = _assay(["study", "--help"], tmp_path)
    assert "tally" in listed.stdout, listed.stderr[-2000:]

    first = _assay(["study", "tally", "--fast", "--out", "out"], tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    out = tmp_path / "out"
    metrics = json.loads((out / "metrics.json").read_text())
    yes = metrics["extra"]["yes"]
    assert yes["n"] == 4 and 0 <= yes["k"] <= 4
    [audit] = metrics["extra"]["claims"]
    assert audit["id"] == "tally-yes" and audit["achieved_level"] == "L1"
    assert f"answered yes to {yes['k']} of 4" in audit["statement"]
    assert (out / "report.html").read_text().count("tally-yes") >= 1

    again = _assay(["study", "tally", "--fast", "--out", "out"], tmp_path)
    assert again.returncode == 0 and "[answers] up to date, skipped" in again.stdout + again.stderr

    # the claim file written by the study is re-graded by `assay audit` from the output folder
    graded = _assay(["audit", "out/claims/tally-yes.yaml", "--format", "json"], tmp_path)
    assert graded.returncode == 0, graded.stderr[-2000:]
    regraded = json.loads(graded.stdout)
    assert regraded["claim_id"] == "tally-yes" and len(regraded["items"]) == 34
    assert [Path(p).resolve() for p in regraded["study_metrics"]] == [(out / "metrics.json").resolve()]
    assert regraded["achieved_level"] == audit["achieved_level"]
    assert {i["id"]: i["status"] for i in regraded["items"]} == audit["items"]

    # the folder moved elsewhere is re-audited the same: its files name their evidence relative to themselves
    (tmp_path / "moved").mkdir()
    shutil.move(out, tmp_path / "moved" / "B")
    moved = _assay(["audit", "B/claims/tally-yes.yaml", "--format", "json"], tmp_path / "moved")
    assert moved.returncode == 0, moved.stderr[-2000:]
    again_graded = json.loads(moved.stdout)
    assert again_graded["achieved_level"] == audit["achieved_level"] == "L1"
    assert {i["id"]: i["status"] for i in again_graded["items"]} == audit["items"]
    assert again_graded["tables"] == [str(tmp_path / "moved" / "B" / "evidence" / "table.parquet")]

    (tmp_path / "bad.yaml").write_text("questions: 9\n")
    bad = _assay(["study", "tally", "--fast", "--out", "out2", "--config", "bad.yaml"], tmp_path)
    assert bad.returncode == 2
    [line] = bad.stderr.strip().splitlines()
    assert "questions" in line
