"""Readable condition labels: the factor values that tell conditions apart, grouped by scenario.

Condition ids name every factor level (``blackmail__explicit-america__replacement__...``) and, cut to fit a
plot, rows that differ in one factor look identical. A label here lists only the factors whose values vary
among the conditions of the same task (``goal_type=explicit, urgency=none``); the scenario is the group
it is shown under, and conditions are ordered by task, scenario, then label.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from assay.evidence import ConditionSummary

#: Factor that groups conditions.
GROUP_FACTOR = "scenario"
#: Characters per line before a label wraps.
WRAP = 56


def varying_factors(conds: Sequence[ConditionSummary]) -> dict[str, list[str]]:
    """Return, per task, the factor names whose values differ among that task's conditions (sorted)."""
    out: dict[str, list[str]] = {}
    for task in sorted({c.task for c in conds}):
        mine = [c for c in conds if c.task == task]
        names = sorted({k for c in mine for k in c.factors})
        out[task] = [k for k in names if len({c.factors.get(k, "") for c in mine}) > 1]
    return out


def scenario(c: ConditionSummary) -> str:
    """The condition's scenario (its ``scenario`` factor, else empty)."""
    return c.factors.get(GROUP_FACTOR, "")


def condition_label(c: ConditionSummary, varying: dict[str, list[str]]) -> str:
    """Return ``k=v, k=v`` for the varying factors except the scenario; the condition id without factors."""
    names = [k for k in varying.get(c.task, []) if k != GROUP_FACTOR]
    if not c.factors:
        return c.condition
    parts = [f"{k}={c.factors.get(k, '')}" for k in names]
    return ", ".join(parts) or "all"


def ordered(conds: Sequence[ConditionSummary]) -> list[ConditionSummary]:
    """Return conditions ordered by task, scenario, model and label (so a scenario's rows sit together)."""
    varying = varying_factors(conds)
    return sorted(conds, key=lambda c: (c.task, scenario(c), c.model, condition_label(c, varying)))


def plot_labels(conds: Sequence[ConditionSummary]) -> list[str]:
    """Row labels for plots: ``[task:] [model:] scenario | factors``, wrapped onto lines of :data:`WRAP`."""
    varying = varying_factors(conds)
    several_models = len({c.model for c in conds}) > 1
    several_tasks = len({c.task for c in conds}) > 1
    out = []
    for c in conds:
        head = [c.task] if several_tasks else []
        head += [c.model.split("/")[-1]] if several_models else []
        head += [scenario(c)] if scenario(c) else []
        text = " | ".join([*head, condition_label(c, varying)])
        out.append("\n".join(textwrap.wrap(text, WRAP, break_on_hyphens=False)) or text)
    return out


def arm_labels(conds: Sequence[ConditionSummary]) -> dict[str, str]:
    """Map condition ids to readable labels (``scenario | factors``) for paired comparisons' arms."""
    varying = varying_factors(conds)
    out: dict[str, str] = {}
    for c in conds:
        text = " | ".join(x for x in (scenario(c), condition_label(c, varying)) if x)
        out.setdefault(c.condition, text or c.condition)
    return out


def arm(name: str, labels: dict[str, str]) -> str:
    """The readable label of a paired comparison's arm (model names and unknown ids unchanged)."""
    return labels.get(name, name)
