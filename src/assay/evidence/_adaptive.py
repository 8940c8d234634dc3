"""Run an Inspect task in rounds, sampling each condition until its confidence sequence is tight enough.

Each round is one ``inspect_ai.eval`` call restricted (with ``sample_id``) to the samples of conditions
that are still open; its log records ``metadata["assay_epoch_offset"]`` so that the tidy table numbers
epochs across rounds without collisions. The stopping rule and the interval are those of
:mod:`assay.evidence._sequential`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assay._errors import AssayError
from assay.evidence._sequential import ConditionState, SequentialDesign, decide
from assay.evidence._table import ERROR_OUTCOMES, condition_labels, resolve_positive, tidy_table

if TYPE_CHECKING:
    import pandas as pd


class AdaptiveRun(BaseModel):
    """The result of :func:`adaptive_eval`.

    Attributes:
        logs: Paths of the logs written, one per round (read them together with ``assay report``).
        rounds: Rounds run.
        calls: Samples run (one model call sequence each), errors included.
        states: Final state per condition label.
    """

    logs: list[str] = Field(default_factory=list)
    rounds: int = 0
    calls: int = 0
    states: dict[str, ConditionState] = Field(default_factory=dict)


def adaptive_eval(
    task: Any,
    model: str,
    design: SequentialDesign | None = None,
    *,
    log_dir: str | Path = "logs",
    positive: Sequence[str] | None = None,
    epochs_per_round: int | None = None,
    model_args: dict[str, Any] | None = None,
    task_args: dict[str, Any] | None = None,
    **eval_kwargs: Any,
) -> AdaptiveRun:
    """Evaluate ``task`` on ``model`` in rounds until every condition is decided or out of budget.

    A condition's trials are its valid samples (errors are counted against the budget but never as
    trials). After each round every open condition is re-decided with
    :func:`assay.evidence._sequential.decide`; the next round runs only the samples of conditions that are
    still ``continue``.

    Args:
        task: An Inspect task (object or registered name such as ``"assay/capability_qa"``).
        model: Inspect model name.
        design: Stopping rule (default :class:`SequentialDesign`).
        log_dir: Where Inspect writes the round logs.
        positive: Outcome values counted as the behaviour (default as in :func:`resolve_positive`).
        epochs_per_round: Epochs per round; by default enough for ``design.batch`` trials in the smallest
            condition.
        model_args: Passed to Inspect.
        task_args: Passed to Inspect.
        **eval_kwargs: Other ``inspect_ai.eval`` arguments (e.g. ``temperature``).

    Returns:
        The logs and final states.

    Raises:
        AssayError: A round's evaluation did not finish.
    """
    from inspect_ai import eval as inspect_eval

    design = design or SequentialDesign()
    run = AdaptiveRun()
    sample_ids: list[str | int] | None = None
    offset = 0
    epochs = epochs_per_round
    fail_on_error = eval_kwargs.pop("fail_on_error", False)
    display = eval_kwargs.pop("display", "none")
    while True:
        logs = inspect_eval(
            task,
            model=model,
            model_args=model_args or {},
            task_args=task_args or {},
            epochs=epochs or 1,
            sample_id=sample_ids,
            log_dir=str(log_dir),
            metadata={"assay_epoch_offset": offset, "assay_adaptive_round": run.rounds},
            fail_on_error=fail_on_error,
            display=display,
            **eval_kwargs,
        )
        log = logs[0]
        if log.status != "success" or not log.location:
            raise AssayError(f"adaptive round {run.rounds + 1} did not finish: status {log.status}")
        run.logs.append(str(log.location))
        run.rounds += 1
        offset += epochs or 1
        table = tidy_table(run.logs)
        run.calls = len(table)
        labels = (table["task"].astype(str) + "/" + condition_labels(table)).rename("label")
        sizes = _decide_all(run, table, labels, set(resolve_positive(table, positive)), design)
        open_labels = {label for label in sizes if run.states[label].decision == "continue"}
        if not open_labels:
            return run
        if epochs is None:
            smallest = min(sizes[label] for label in open_labels)
            epochs = max(1, math.ceil(design.batch / max(smallest, 1)))
        ids = table.loc[labels.isin(open_labels), "sample_id"].unique().tolist()
        sample_ids = [_original_id(i) for i in ids]


def _decide_all(
    run: AdaptiveRun, table: pd.DataFrame, labels: pd.Series, positive: set[str], design: SequentialDesign
) -> dict[str, int]:
    """Re-decide every condition from all rounds so far (into ``run.states``); its distinct samples.

    A condition still ``continue`` after ``design.max_n`` samples (errors included) is out of ``budget``.
    """
    sizes: dict[str, int] = {}
    for label, group in table.groupby(labels, sort=True):
        valid = group[~group["outcome"].isin(list(ERROR_OUTCOMES))]
        state = decide(int(valid["outcome"].isin(positive).sum()), len(valid), design)
        if state.decision == "continue" and len(group) >= design.max_n:
            state = state.model_copy(update={"decision": "budget"})
        run.states[str(label)] = state
        sizes[str(label)] = int(group["sample_id"].nunique())
    return sizes


def _original_id(sample_id: str) -> str | int:
    """Inspect keeps integer sample ids as integers; the tidy table stores them as text."""
    return int(sample_id) if sample_id.isdigit() else sample_id
