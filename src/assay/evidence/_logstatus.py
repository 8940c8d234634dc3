"""What a log is: complete or not, and whether a later log of the same eval supersedes it.

Inspect stops a run at the first model errors unless ``--score-on-error`` is given; the log then has status
``error`` and only the samples done so far, and ``inspect eval`` still exits 0. A killed run leaves a log with
status ``started`` beside the log that ``eval-retry`` or ``eval-set`` writes when the run is resumed, and both
hold the samples that were done before the kill. Counting such logs as they are gives a confident number
from a run that never finished, or counts samples twice. This module:

* names every log whose status is not ``success`` with the number of planned samples that never ran (the
  rates are then marked *incomplete*), and
* deduplicates *superseded* logs: logs of the same eval (same task, model, task arguments, dataset sample
  ids and epochs; a retry or an eval-set rerun) share rows, and each ``(sample id, epoch)`` is taken from the
  newest log that has it; every drop is noted.

``strict=True`` refuses both (an incomplete eval, a superseded log) with a one-line error.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from assay._errors import AssayError

#: Where :func:`reconcile_logs` leaves its :class:`LogSetStatus` on the tidy table (``DataFrame.attrs``).
LOG_STATUS_ATTR = "assay_log_status"


class LogStatus(BaseModel):
    """One log's header facts: its status, its eval identity and how many samples it planned."""

    model_config = ConfigDict(extra="forbid")

    path: str
    status: str
    task: str
    model: str
    created: str
    identity: str
    planned: int | None = None
    error: str = ""


class Superseded(BaseModel):
    """Rows of an older log dropped because a newer log of the same eval holds the same samples."""

    model_config = ConfigDict(extra="forbid")

    path: str
    status: str
    by: str
    rows_dropped: int
    rows_kept: int


class Incomplete(BaseModel):
    """An eval whose newest log did not finish: how many planned samples are not in the table."""

    model_config = ConfigDict(extra="forbid")

    path: str
    status: str
    task: str
    model: str
    planned: int | None
    present: int
    missing: int | None
    error: str = ""


class LogSetStatus(BaseModel):
    """What :func:`reconcile_logs` found about a set of logs."""

    model_config = ConfigDict(extra="forbid")

    logs: list[LogStatus] = Field(default_factory=list)
    superseded: list[Superseded] = Field(default_factory=list)
    incomplete: list[Incomplete] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every eval in the set finished."""
        return not self.incomplete

    def notes(self) -> list[str]:
        """One sentence per incomplete eval and per superseded log, for reports and the console."""
        out = [
            f"incomplete: {i.path} has status {i.status!r}: {i.present} of "
            f"{i.planned if i.planned is not None else '?'} planned samples present"
            + (f", {i.missing} never ran" if i.missing is not None else "")
            + (f" ({i.error})" if i.error else "")
            + "; rates from it are incomplete"
            for i in self.incomplete
        ]
        out += [
            f"superseded: {s.path} (status {s.status!r}) by {s.by}, a later log of the same eval: "
            f"{s.rows_dropped} duplicate row(s) dropped, {s.rows_kept} kept"
            for s in self.superseded
        ]
        return out


def _planned(header: Any) -> int | None:
    spec = header.eval
    results = header.results
    if header.status == "success" and results is not None and results.total_samples:
        return int(results.total_samples)
    n = spec.dataset.samples
    if n is None:
        return None
    config = spec.config
    if config.sample_id is not None:
        n = len(config.sample_id) if isinstance(config.sample_id, list) else 1
    elif isinstance(config.limit, int):
        n = min(n, config.limit)
    elif isinstance(config.limit, tuple | list) and len(config.limit) == 2:
        n = max(0, min(n, int(config.limit[1])) - int(config.limit[0]))
    epochs = config.epochs or 1
    return int(n) * int(epochs)


def _identity(header: Any) -> str:
    spec = header.eval
    key = {
        "task": spec.task,
        "task_version": str(spec.task_version),
        "model": spec.model,
        "task_args": spec.task_args,
        "dataset": spec.dataset.name,
        "sample_ids": [str(s) for s in spec.dataset.sample_ids or []],
        "samples": spec.dataset.samples,
        "epochs": spec.config.epochs,
        "limit": spec.config.limit,
        "sample_id": spec.config.sample_id,
        "epoch_offset": (spec.metadata or {}).get("assay_epoch_offset", 0),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:16]


def status_from_header(path: str | Path, header: Any) -> LogStatus:
    """Build a :class:`LogStatus` from a log header (``read_eval_log(..., header_only=True)``)."""
    error = header.error.message.strip().splitlines()[0] if header.error and header.error.message else ""
    return LogStatus(
        path=str(path),
        status=str(header.status),
        task=str(header.eval.task),
        model=str(header.eval.model),
        created=str(header.eval.created),
        identity=_identity(header),
        planned=_planned(header),
        error=error[:200],
    )


def read_log_status(path: str | Path) -> LogStatus | None:
    """Read a log's header into a :class:`LogStatus`; ``None`` when it cannot be read (the caller reports)."""
    from inspect_ai.log import read_eval_log

    try:
        return status_from_header(path, read_eval_log(str(path), header_only=True))
    except Exception:  # unreadable: the table reader raises its own one-line error for it
        return None


def _newest_first(statuses: list[LogStatus]) -> list[LogStatus]:
    # a finished log outranks an unfinished one of the same eval; then the most recent wins
    return sorted(statuses, key=lambda s: (s.status == "success", s.created, s.path), reverse=True)


def reconcile_logs(
    table: pd.DataFrame, statuses: list[LogStatus], strict: bool = False
) -> tuple[pd.DataFrame, LogSetStatus]:
    """Deduplicate superseded rows and find incomplete evals in a tidy table read from ``statuses``' logs.

    Args:
        table: The tidy table (its ``log``, ``sample_id`` and ``epoch`` columns are used).
        statuses: One :class:`LogStatus` per log read into ``table``.
        strict: Refuse incomplete evals and superseded logs instead of noting them.

    Returns:
        The table without superseded rows (its ``attrs[LOG_STATUS_ATTR]`` holds the status), and the status.

    Raises:
        AssayError: ``strict`` and a log is incomplete or superseded (one line naming the log).
    """
    result = LogSetStatus(logs=statuses)
    groups: dict[str, list[LogStatus]] = {}
    for s in statuses:
        groups.setdefault(s.identity, []).append(s)
    keep = pd.Series(True, index=table.index)
    for members in groups.values():
        ordered = _newest_first(members)
        rank = {s.path: i for i, s in enumerate(ordered)}
        rows = table[table["log"].isin(list(rank))]
        order = rows["log"].map(rank).sort_values(kind="stable")
        first = ~rows.loc[order.index].duplicated(subset=["sample_id", "epoch"], keep="first")
        keep.loc[first.index] = first
        for s in ordered[1:]:
            mine = rows["log"] == s.path
            dropped = int((~first.reindex(rows.index)[mine]).sum())
            if dropped:
                result.superseded.append(
                    Superseded(
                        path=s.path,
                        status=s.status,
                        by=ordered[0].path,
                        rows_dropped=dropped,
                        rows_kept=int(mine.sum()) - dropped,
                    )
                )
        newest = ordered[0]
        if newest.status != "success":
            present = int(first.sum())
            missing = None if newest.planned is None else max(0, newest.planned - present)
            result.incomplete.append(
                Incomplete(
                    path=newest.path,
                    status=newest.status,
                    task=newest.task,
                    model=newest.model,
                    planned=newest.planned,
                    present=present,
                    missing=missing,
                    error=newest.error,
                )
            )
    if strict and (result.incomplete or result.superseded):
        raise AssayError(f"--strict: {result.notes()[0]}")
    out = table[keep].reset_index(drop=True)
    out.attrs.update(table.attrs)
    out.attrs[LOG_STATUS_ATTR] = result.model_dump()
    return out, result


def table_log_status(table: pd.DataFrame) -> LogSetStatus | None:
    """The :class:`LogSetStatus` that :func:`reconcile_logs` left on a tidy table (``None`` if none)."""
    raw = table.attrs.get(LOG_STATUS_ATTR)
    return LogSetStatus.model_validate(raw) if raw is not None else None
