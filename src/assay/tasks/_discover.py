"""Task families are found, not listed: every subpackage of :mod:`assay.tasks` is a family.

Importing a family's package runs its ``@task`` decorators, which register the tasks under ``assay/<name>``
(the prefix is the package's name). :func:`load_families` imports them all, so the Inspect entry point
(:mod:`assay._registry`), ``assay eval`` and the CLI see the same tasks, and a new family is one new folder.
A family's ``_cli`` module adds commands, its ``_report`` module sections of ``assay report``
(:func:`family_report_sections`), found the same way.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from assay._errors import AssayError

if TYPE_CHECKING:
    from assay.report import ReportSection


def family_names() -> list[str]:
    """The task families: every public subpackage of :mod:`assay.tasks`, sorted."""
    import assay.tasks as pkg

    return sorted(
        i.name for i in pkgutil.iter_modules(pkg.__path__) if i.ispkg and not i.name.startswith("_")
    )


def load_families() -> dict[str, ModuleType]:
    """Import every task family (which registers its tasks); return the packages by family name."""
    return {name: importlib.import_module(f"assay.tasks.{name}") for name in family_names()}


def assay_tasks() -> dict[str, Callable[..., Any]]:
    """The registered assay tasks by short name (``audit`` for ``assay/audit``), every family loaded."""
    from inspect_ai._util.registry import registry_find, registry_info

    load_families()
    found = registry_find(lambda info: info.type == "task" and info.name.startswith("assay/"))
    return {registry_info(fn).name.removeprefix("assay/"): cast(Callable[..., Any], fn) for fn in found}


def task_function(task: str) -> Callable[..., Any] | None:
    """The function of an ``assay/<name>`` task; ``None`` for a task of another package or file.

    Raises:
        AssayError: ``assay/<name>`` is not an assay task (the message lists the known ones).
    """
    if not task.startswith("assay/"):
        return None
    tasks = assay_tasks()
    short = task.removeprefix("assay/")
    if short not in tasks:
        raise AssayError(
            f"task: unknown assay task {task!r}; known: {', '.join(f'assay/{t}' for t in sorted(tasks))}"
        )
    return tasks[short]


def task_family(task: str) -> str | None:
    """The family whose ``eval.yaml`` lists ``task`` (``assay/persuasion``: ``persuasion``), else ``None``."""
    from assay.tasks._meta import family_meta

    if not task.startswith("assay/"):
        return None
    short = task.removeprefix("assay/")
    return next((f for f in family_names() if short in family_meta(f).task_names()), None)


def family_report_sections(logs_by_task: Mapping[str, Sequence[str]]) -> list[ReportSection]:
    """The sections task families add to ``assay report``, for the logs of their own tasks.

    A family adds sections with a ``_report`` module whose ``report_sections(logs)`` returns them; it gets
    the logs of its tasks only, and a family without the module adds nothing. Families come in name order.

    Args:
        logs_by_task: The report's log paths by the task each ran (``assay/persuasion``: [...]).
    """
    mine: dict[str, list[str]] = {}
    for task, logs in logs_by_task.items():
        family = task_family(task)
        if family is not None:
            mine.setdefault(family, []).extend(logs)
    sections: list[ReportSection] = []
    for family in sorted(mine):
        name = f"assay.tasks.{family}._report"
        if importlib.util.find_spec(name) is not None:
            sections += importlib.import_module(name).report_sections(mine[family])
    return sections
