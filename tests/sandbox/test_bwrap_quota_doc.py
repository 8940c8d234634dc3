"""docs/sandbox.md quotes the measured quota overshoot exactly as bench/sandbox_quota.py recorded it."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).parents[2]
RESULT = ROOT / "bench" / "results" / "sandbox-quota.json"
DOC = ROOT / "docs" / "sandbox.md"


class _Mechanism(BaseModel):
    mechanism: str
    peak_mib: float
    overshoot_mib: float


class _QuotaBench(BaseModel):
    quota_mib: int
    writers: int
    file_mib: int
    repeats: int
    before: _Mechanism
    after: _Mechanism


def _flat(text: str) -> str:
    return " ".join(text.split())


def quota_sentence(bench: _QuotaBench) -> str:
    """The sentence of docs/sandbox.md that reports the measurement."""
    return _flat(
        f"{bench.writers} processes each writing {bench.file_mib} MiB at once against a "
        f"{bench.quota_mib} MiB quota left at most {bench.before.peak_mib} MiB in the work directory "
        "with the watcher "
        f"({bench.before.overshoot_mib} MiB over the quota, worst of {bench.repeats} runs) and "
        f"{bench.after.peak_mib} MiB with the kernel tmpfs ({bench.after.overshoot_mib} MiB over)."
    )


def test_the_doc_quotes_the_measured_overshoot() -> None:
    bench = _QuotaBench.model_validate(json.loads(RESULT.read_text()))
    assert bench.before.mechanism == "watcher" and bench.after.mechanism == "kernel tmpfs"
    assert bench.after.overshoot_mib == 0.0
    assert quota_sentence(bench) in _flat(DOC.read_text())
