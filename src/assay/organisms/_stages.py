"""Resumable study stages: a stage whose recorded key matches is skipped and its result reused."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


class Stages:
    """Runs named stages under ``out/stages/<name>``, each keyed by a hash of the config it depends on.

    A stage's result (a JSON-able dict) and its wall time are written to ``stage.json`` only after the stage
    finishes, so a crash leaves the stage to be redone and everything finished before it is kept.
    """

    def __init__(self, out: Path, echo: Callable[[str], None] | None = None) -> None:
        self.out = out
        self.echo = echo or (lambda msg: click.echo(msg, err=True))
        self.timings: dict[str, float] = {}
        self.skipped: list[str] = []

    def run(self, name: str, key: str, fn: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
        """Return the result of stage ``name``, running ``fn(stage_dir)`` unless a matching result exists."""
        stage_dir = self.out / "stages" / name
        record = stage_dir / "stage.json"
        if record.is_file():
            saved = json.loads(record.read_text())
            if saved.get("key") == key:
                self.skipped.append(name)
                self.timings[name] = float(saved.get("seconds", 0.0))
                self.echo(f"[{name}] up to date, skipped")
                return dict(saved["result"])
        stage_dir.mkdir(parents=True, exist_ok=True)
        self.echo(f"[{name}] running")
        start = time.perf_counter()
        result = fn(stage_dir)
        seconds = time.perf_counter() - start
        self.timings[name] = seconds
        record.write_text(json.dumps({"key": key, "seconds": seconds, "result": result}, indent=2))
        self.echo(f"[{name}] done in {seconds:.1f} s")
        return result


def recorded_timings(out: Path) -> dict[str, float]:
    """Wall time of every finished stage under ``out/stages``, in the order the stages finished."""
    records = sorted((out / "stages").glob("*/stage.json"), key=lambda p: p.stat().st_mtime)
    return {p.parent.name: float(json.loads(p.read_text())["seconds"]) for p in records}
