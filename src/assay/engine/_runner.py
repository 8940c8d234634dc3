"""Resumable study stages with typed results.

A stage is a function ``fn(stage_dir) -> R`` where ``R`` is a pydantic model. :class:`Stages` runs it under
``out/stages/<name>`` and records the result with two keys: the caller's key (a hash of the configuration
the stage depends on, and of the keys of the stages it reads) and the stage's code version
(:func:`assay.engine.code_version`, derived automatically from the source of the modules the stage's
function depends on). On a later run a stage whose keys both match is skipped and its result read back as
an ``R``; a changed config, a changed upstream stage, a code change, or a record that no longer validates
as ``R`` reruns it. The record is written only after the stage finishes (to a temporary file, then renamed),
so a crash loses that stage only.

Under ``accelerate launch`` with several processes every process runs every stage that is not reused
(training stages are data-parallel and need all of them). :func:`assay.studies.run_study` gives the other
processes a scratch output directory (``out/.rank-<i>``, :func:`process_out`), so stage records, artefacts
and reports under ``out`` are written by the main process only; whether a stage is reused, and the reused
result, are the main process's, broadcast to the others, so a training stage never runs on some processes
only.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, overload

import click
from pydantic import BaseModel, Field, ValidationError

from assay._precision import note_precisions, recording_precisions
from assay._strict import Strict
from assay.engine._version import code_version

R = TypeVar("R", bound=BaseModel)


class StageRecord(Strict):
    """What ``stage.json`` holds: the keys a result was computed under, its wall time and the result.

    ``precision`` lists the precisions of the models the stage loaded (:mod:`assay._precision`).
    """

    key: str
    code: str
    seconds: float
    result: dict[str, Any]
    precision: list[str] = Field(default_factory=list)


def stage_key(*parts: Any) -> str:
    """A stage key: the hash of what a stage's output depends on (config sections, upstream stage keys)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


class _Processes:
    """This process's rank and the process count under ``accelerate launch`` / ``torchrun`` (0 of 1 plain).

    Read from the launcher's environment (``RANK``, ``WORLD_SIZE``), so a plain process never loads
    ``accelerate``; with several processes, ``broadcast`` sends the main process's object to all.
    """

    @property
    def index(self) -> int:
        return int(os.environ.get("RANK", "0"))

    @property
    def many(self) -> bool:
        return int(os.environ.get("WORLD_SIZE", "1")) > 1

    def broadcast(self, obj: Any) -> Any:
        if not self.many:
            return obj
        import torch
        from accelerate import PartialState
        from accelerate.utils import broadcast_object_list

        # joins the process group the launcher set up (CPU-only machines: gloo, as accelerator_for does)
        PartialState(cpu=not torch.cuda.is_available())
        box = [obj]
        broadcast_object_list(box, from_process=0)
        return box[0]


def process_out(out: Path) -> Path:
    """Where this process writes: ``out`` for the main process, ``out/.rank-<i>`` (scratch) for the others."""
    rank = _Processes().index
    return out if rank == 0 else out / f".rank-{rank}"


class Stages:
    """Runs named, resumable stages under ``out/stages/<name>`` (see the module docstring).

    Attributes:
        timings: Wall time of every stage run or reused so far (reused: the time recorded when it ran).
        skipped: Names of the stages reused from an earlier run.
    """

    def __init__(self, out: Path, echo: Callable[[str], None] | None = None) -> None:
        self.out = out
        self.echo = echo or (lambda msg: click.echo(msg, err=True))
        self.timings: dict[str, float] = {}
        self.skipped: list[str] = []
        self.processes = _Processes()

    @property
    def is_main(self) -> bool:
        """Whether this is the main process (always, unless launched with several)."""
        return self.processes.index == 0

    def _reuse(self, record: Path, key: str, code: str, result_type: type[R] | None) -> Any:
        if not record.is_file():
            return None
        try:
            saved = StageRecord.model_validate(json.loads(record.read_text()))
            if saved.key != key or saved.code != code:
                return None
            result = saved.result if result_type is None else result_type.model_validate(saved.result)
        except (ValidationError, ValueError):
            return None
        self.timings[record.parent.name] = saved.seconds
        note_precisions(saved.precision)
        return result

    def _say(self, msg: str) -> None:
        if self.is_main:
            self.echo(msg)

    @overload
    def run(self, name: str, key: str, fn: Callable[[Path], R], result_type: type[R]) -> R: ...

    @overload
    def run(
        self, name: str, key: str, fn: Callable[[Path], dict[str, Any]], result_type: None = None
    ) -> dict[str, Any]: ...

    def run(self, name: str, key: str, fn: Callable[[Path], Any], result_type: type[R] | None = None) -> Any:
        """Return the result of stage ``name``: reused if recorded under ``key`` and this code, else run.

        Args:
            name: Stage name (a directory under ``out/stages``).
            key: Hash of the configuration and upstream keys the stage depends on (see :func:`stage_key`).
            fn: The stage: called with its (created) directory, returns an instance of ``result_type``.
            result_type: The pydantic model of the result. ``None`` (transitional, for stages not yet
                typed): the result is a JSON-able dict, stored and returned as it is.

        Raises:
            TypeError: ``fn`` returned something other than a ``result_type``.
        """
        stage_dir = self.out / "stages" / name
        record = stage_dir / "stage.json"
        code = code_version(fn)
        reused = self._reuse(record, key, code, result_type) if self.is_main else None
        reused = self.processes.broadcast(reused)  # every process takes the main process's decision
        if reused is not None:
            self.skipped.append(name)
            self._say(f"[{name}] up to date, skipped")
            return reused
        stage_dir.mkdir(parents=True, exist_ok=True)
        self._say(f"[{name}] running")
        start = time.perf_counter()
        with recording_precisions() as precision:
            result = fn(stage_dir)
        expected = dict if result_type is None else result_type
        if not isinstance(result, expected):
            raise TypeError(f"stage {name} returned {type(result).__name__}, not {expected.__name__}")
        seconds = time.perf_counter() - start
        self.timings[name] = seconds
        # json (not pydantic's JSON mode) so that a NaN rate (n = 0) reads back as NaN, not null
        dumped = result if isinstance(result, dict) else result.model_dump()
        saved = StageRecord(key=key, code=code, seconds=seconds, result=dumped, precision=precision)
        tmp = record.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(saved.model_dump(), indent=1, default=str))
        tmp.replace(record)
        self._say(f"[{name}] done in {seconds:.1f} s")
        return result


def recorded_timings(out: Path) -> dict[str, float]:
    """Wall time of every finished stage under ``out/stages``, in the order the stages finished."""
    records = sorted((out / "stages").glob("*/stage.json"), key=lambda p: p.stat().st_mtime)
    return {p.parent.name: float(json.loads(p.read_text())["seconds"]) for p in records}
