"""Task families are found, not listed: every subpackage of :mod:`assay.tasks` is a family.

Importing a family's package runs its ``@task`` decorators, which register the tasks under ``assay/<name>``
(the prefix is the package's name). :func:`load_families` imports them all, so the Inspect entry point
(:mod:`assay._registry`), ``assay eval`` and the CLI see the same tasks, and a new family is one new folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any, cast

from assay._errors import AssayError


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
