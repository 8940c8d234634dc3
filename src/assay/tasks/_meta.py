"""A family's ``eval.yaml``: its title, description, README and its tasks with their versions.

The YAML is the single source of every task's version: a task module reads it with :func:`task_version`
and passes it to ``@task(version=...)`` and ``Task(version=...)``, so the file and the code cannot disagree.
Bump a version when results stop being comparable (prompts, data, scale or outcome rule change).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import Field, ValidationError

from assay._errors import AssayError, validation_problem
from assay._strict import Strict
from assay._textfile import load_yaml

META_FILE = "eval.yaml"


class TaskMeta(Strict):
    """One task of a family: its short name (``assay/<name>``) and version."""

    name: str
    version: int | str


class FamilyMeta(Strict):
    """The contents of a family's ``eval.yaml``.

    Attributes:
        title: The family's title.
        description: What the family measures, in a few sentences.
        readme: The family's README, relative to its folder.
        tasks: Its Inspect tasks (empty for a family that only adds to others' tasks).
    """

    title: str
    description: str
    readme: str = "README.md"
    tasks: list[TaskMeta] = Field(default_factory=list)

    def version(self, task: str) -> int | str:
        """The version of ``task``.

        Raises:
            AssayError: ``task`` is not listed.
        """
        for meta in self.tasks:
            if meta.name == task:
                return meta.version
        raise AssayError(f"{META_FILE}: task {task!r} is not listed (listed: {self.task_names()})")

    def task_names(self) -> list[str]:
        """The short names of the listed tasks, in file order."""
        return [meta.name for meta in self.tasks]


@cache
def family_meta(family: str) -> FamilyMeta:
    """Read and validate ``assay/tasks/<family>/eval.yaml``.

    Raises:
        AssayError: The file is missing, not YAML, or does not match :class:`FamilyMeta`.
    """
    try:  # the family's own folder: a family added on a further path of ``assay.tasks`` is found too
        path = resources.files(f"assay.tasks.{family}").joinpath(META_FILE)
    except ModuleNotFoundError:
        raise AssayError(f"unknown task family {family!r}") from None
    if not path.is_file():
        raise AssayError(f"task family {family!r} has no {META_FILE}")
    try:
        return FamilyMeta.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as ex:
        raise AssayError(f"{family}/{META_FILE}: not valid YAML: {ex}") from None
    except ValidationError as ex:
        raise AssayError(f"{family}/{META_FILE}: {validation_problem(ex, 'field')}") from None


def task_version(family: str, task: str) -> int | str:
    """The version of ``task`` as the family's ``eval.yaml`` declares it."""
    return family_meta(family).version(task)
