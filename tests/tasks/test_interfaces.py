"""Every task's interface: registered, versioned from its family's eval.yaml, parameters checked the same way.

The tasks are found by reading the source (``@task`` / ``@task(...)`` with ``ast``), not by asking the
registry, so a task that fails to register is caught here.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai._util.registry import registry_info, registry_lookup

import assay._registry  # noqa: F401  (the Inspect entry point: registers every family's tasks)
from assay._errors import AssayError
from assay.cli._main import main
from assay.tasks import family_meta, family_names, task_function
from assay.tasks.agentic import build_grid, samples_for

TASKS_DIR = Path(__file__).resolve().parents[2] / "src" / "assay" / "tasks"


def _decorator_name(node: ast.expr) -> str | None:
    target = node.func if isinstance(node, ast.Call) else node
    return target.id if isinstance(target, ast.Name) else None


def source_tasks() -> dict[str, tuple[str, list[str]]]:
    """Every ``@task`` function under src/assay/tasks: name -> (family, its decorators' names in order)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(TASKS_DIR.rglob("*.py")):
        family = path.relative_to(TASKS_DIR).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                names = [_decorator_name(d) for d in node.decorator_list]
                if "task" in names:
                    assert node.name not in found, f"two tasks named {node.name}"
                    found[node.name] = (family, [n or "?" for n in names])
    return found


SOURCE_TASKS = source_tasks()


def test_eleven_tasks_in_the_source() -> None:
    assert len(SOURCE_TASKS) == 11, sorted(SOURCE_TASKS)


@pytest.mark.parametrize("name", sorted(SOURCE_TASKS))
def test_task_is_reachable_by_name(name: str) -> None:
    registered = registry_lookup("task", f"assay/{name}")
    assert registered is not None, f"assay/{name} is not in Inspect's registry"
    assert task_function(f"assay/{name}") is registered
    assert registry_info(registered).name == f"assay/{name}"


@pytest.mark.parametrize("name", sorted(SOURCE_TASKS))
def test_task_is_checked_under_task(name: str) -> None:
    decorators = SOURCE_TASKS[name][1]
    assert decorators == ["task", "checked"], f"{name}: decorators {decorators}"


@pytest.mark.parametrize("name", sorted(SOURCE_TASKS))
def test_inspect_sees_the_real_parameters(name: str) -> None:
    fn = task_function(f"assay/{name}")
    assert fn is not None
    real = list(inspect.signature(inspect.unwrap(fn)).parameters)
    assert real and "args" not in real and "kwargs" not in real
    assert registry_info(fn).metadata["params"] == real
    assert list(inspect.signature(fn).parameters) == real


@pytest.mark.parametrize("name", sorted(SOURCE_TASKS))
def test_version_comes_from_the_family_eval_yaml(name: str) -> None:
    family = SOURCE_TASKS[name][0]
    declared = family_meta(family).version(name)
    fn = task_function(f"assay/{name}")
    assert fn is not None
    assert registry_info(fn).metadata["attribs"].get("version") == declared
    assert fn().version == declared  # what reaches the log's eval.task_version


def test_every_family_folder_has_readme_and_eval_yaml() -> None:
    folders = sorted(p.name for p in TASKS_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert folders == family_names()
    for family in folders:
        assert (TASKS_DIR / family / "eval.yaml").is_file(), family
        meta = family_meta(family)
        readme = TASKS_DIR / family / meta.readme
        assert readme.is_file() and readme.name == "README.md", family
        text = readme.read_text(encoding="utf-8")
        for task in meta.task_names():
            assert f"assay/{task}" in text, f"{family}/README.md does not name assay/{task}"


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors of the headings of ``markdown`` (headings inside code fences are not headings)."""
    anchors, fenced = set(), False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            text = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("family", family_names())
def test_readme_links_resolve(family: str) -> None:
    readme = TASKS_DIR / family / "README.md"
    links = re.findall(r"\]\(([^)\s]+)\)", readme.read_text(encoding="utf-8"))
    assert links, f"{family}/README.md links nothing (its measured figures live in docs/)"
    for link in links:
        if link.startswith("http"):
            continue
        path, _, anchor = link.partition("#")
        target = (readme.parent / path).resolve()
        assert target.exists(), f"{family}/README.md: {link} does not exist"
        if anchor:
            assert anchor in _anchors(target.read_text(encoding="utf-8")), f"{family}/README.md: {link}"


def test_eval_yaml_lists_exactly_the_family_tasks() -> None:
    listed = {task: family for family in family_names() for task in family_meta(family).task_names()}
    assert listed == {name: family for name, (family, _) in SOURCE_TASKS.items()}


def test_task_version_constants_read_the_yaml() -> None:
    from assay.tasks.audit import AUDIT_TASK_VERSION
    from assay.tasks.persuasion import PERSUASION_VERSION

    assert PERSUASION_VERSION == "2.0" == family_meta("persuasion").version("persuasion")
    assert AUDIT_TASK_VERSION == 2 == family_meta("audit").version("audit")
    with pytest.raises(AssayError, match="not listed"):
        family_meta("audit").version("nope")


# The same bad value must fail the same way through Inspect (which calls the task with -T values), through
# a direct call, and through `assay eval` (which checks before Inspect runs).
BAD_VALUES = [
    ("persuasion", "style", "rude", "-T style='rude': expected one of 'all', 'compelling'"),
    ("capability_qa", "max_tokens", 0, "-T max_tokens=0: must be in [1, 100000]"),
    ("agentic_misalignment", "temperature", 7, "-T temperature=7: must be in [0, 2]"),
    ("agentic_misalignment", "scenario", "blakmail", "'blakmail' is not one of blackmail, leaking, lethal"),
    ("agentic_misalignment", "goal_type", "explicit,nope", "'nope' is not one of explicit, latent, none"),
    ("agentic_misalignment", "scratchpad", "perhaps", "-T scratchpad='perhaps': 'perhaps' is not one of on"),
    ("backdoor", "kinds", "triggered,sideways", "-T kinds='triggered,sideways': not a comma-separated"),
    ("reward_tampering", "sandbox", "bwarp", "-T sandbox='bwarp': expected one of 'bwrap', 'docker'"),
]


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("interfaces") / "script.yaml"
    path.write_text("- text: Paris\n")
    return path


def _through_inspect(task: str, args: dict[str, Any], script: Path, log_dir: Path) -> str:
    with pytest.raises(AssayError) as raised:
        inspect_eval(
            f"assay/{task}",
            model="assay/scripted",
            model_args={"script": str(script)},
            task_args=args,
            log_dir=str(log_dir),
            display="none",
        )
    return str(raised.value)


def _through_assay_eval(task: str, name: str, value: Any, script: Path) -> str:
    argv = ["eval", f"assay/{task}", "--model", "assay/scripted", "-M", f"script={script}"]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as ended:
        main([*argv, "-T", f"{name}={value}"])
    assert ended.value.code == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assay: error: "), err.getvalue()
    return lines[0].removeprefix("assay: error: ")


@pytest.mark.parametrize(("task", "name", "value", "needle"), BAD_VALUES)
def test_same_one_line_error_on_every_path(
    task: str, name: str, value: Any, needle: str, script: Path, tmp_path: Path
) -> None:
    by_inspect = _through_inspect(task, {name: value}, script, tmp_path)
    fn = task_function(f"assay/{task}")
    assert fn is not None
    with pytest.raises(AssayError) as direct:
        fn(**{name: value})
    by_assay = _through_assay_eval(task, name, value, script)
    assert needle in by_inspect and name in by_inspect
    assert "\n" not in by_inspect
    assert by_inspect == str(direct.value) == by_assay
    assert not list(tmp_path.glob("*.eval")), "a refused task must not start a log"


def test_task_args_still_reach_the_task_through_inspect(script: Path, tmp_path: Path) -> None:
    [log] = inspect_eval(
        "assay/capability_qa",
        model="assay/scripted",
        model_args={"script": str(script)},
        task_args={"max_tokens": 7},
        limit=1,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success"
    assert log.eval.task_args == {"max_tokens": 7}
    assert log.eval.task_version == family_meta("capability").version("capability_qa")
    assert log.samples is not None and str(log.samples[0].scores["answer_mentioned"].value) == "C"  # type: ignore[index]


def test_int_is_accepted_for_a_float() -> None:
    fn = task_function("assay/agentic_misalignment")
    assert fn is not None
    assert fn(temperature=1).config.temperature == 1.0


@pytest.mark.parametrize(
    "overrides",
    [
        {"scenario": "leaking"},
        {"scenario": "blackmail,leaking", "urgency": ["none", "replacement"], "mode": "agentic"},
        {"scratchpad": "on,off", "agency_nudge": False, "eval_awareness": False},
        {"goal_type": "none , latent", "goal_value": "none,safety", "mitigation": ("escalation_channel",)},
    ],
)
def test_typed_levels_build_the_same_samples(overrides: dict[str, Any]) -> None:
    fn = task_function("assay/agentic_misalignment")
    assert fn is not None
    task = fn(grid="smoke", **overrides)
    expected = samples_for(build_grid("smoke", None, **overrides))
    got = [(s.id, (s.metadata or {})["prompt_sha256"]) for s in task.dataset]
    assert got == [(s.id, (s.metadata or {})["prompt_sha256"]) for s in expected]
    assert got
