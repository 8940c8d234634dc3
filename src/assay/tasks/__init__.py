"""Inspect tasks, one folder per family: task, solver, scorer, readout, CLI commands, README and version.

Families are discovered (:func:`load_families`), never listed by hand; parameters of every task are checked
the same way by ``inspect eval`` and ``assay eval`` (:func:`check_task_args`). Importing this package does not
import the families.
"""

from assay.tasks._discover import assay_tasks, family_names, load_families, task_function
from assay.tasks._params import RANGES, build_task, check_ranges, check_task_args

__all__ = [
    "RANGES",
    "assay_tasks",
    "build_task",
    "check_ranges",
    "check_task_args",
    "family_names",
    "load_families",
    "task_function",
]
