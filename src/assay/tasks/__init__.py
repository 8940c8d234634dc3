"""Inspect tasks, one folder per family: task, solver, scorer, readout, CLI commands, README and version.

Families are discovered (:func:`load_families`), never listed by hand; each family's ``eval.yaml``
(:func:`family_meta`) declares its tasks' versions. Parameters of every task are typed beside it and checked
the same way by ``inspect eval`` and ``assay eval`` (:func:`checked`, :func:`check_task_args`). Importing
this package does not import the families.
"""

from assay.tasks._discover import (
    assay_tasks,
    family_names,
    family_report_sections,
    load_families,
    task_family,
    task_function,
)
from assay.tasks._meta import FamilyMeta, TaskMeta, family_meta, task_version
from assay.tasks._params import (
    Cue,
    MaxTokens,
    MaxTurns,
    NonBlank,
    Temperature,
    build_task,
    check_task_args,
    checked,
    one_or_more,
)

__all__ = [
    "Cue",
    "FamilyMeta",
    "MaxTokens",
    "MaxTurns",
    "NonBlank",
    "TaskMeta",
    "Temperature",
    "assay_tasks",
    "build_task",
    "check_task_args",
    "checked",
    "family_meta",
    "family_names",
    "family_report_sections",
    "load_families",
    "one_or_more",
    "task_family",
    "task_function",
    "task_version",
]
