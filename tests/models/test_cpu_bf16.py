"""The measured bf16 speed-up of a CPU: timed once, stored under a key of the CPU, torch and threads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.models import _cpu_bf16

INFO = "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu avx512f avx512_bf16\n"


def test_a_measurement_is_a_positive_ratio() -> None:
    ratio = _cpu_bf16.measure_speedup(size=64, repeats=2)
    assert isinstance(ratio, float) and ratio > 0


def test_the_key_follows_the_cpu_torch_and_threads_but_not_other_lines() -> None:
    key = _cpu_bf16._key(INFO, "2.13.0", 2)
    assert key == _cpu_bf16._key(INFO + "processor\t: 1\nbogomips\t: 1.0\n", "2.13.0", 2)
    assert key == _cpu_bf16._key(INFO.replace("processor\t: 0", "processor\t: 7"), "2.13.0", 2)
    others = {
        _cpu_bf16._key(INFO.replace("Some CPU", "Other CPU"), "2.13.0", 2),
        _cpu_bf16._key(INFO.replace(" avx512_bf16", ""), "2.13.0", 2),
        _cpu_bf16._key(INFO, "2.14.0", 2),
        _cpu_bf16._key(INFO, "2.13.0", 4),
    }
    assert key not in others and len(others) == 4


def test_the_speedup_is_measured_once_then_read_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSAY_CACHE", str(tmp_path))
    calls: list[int] = []

    def measure() -> float:
        calls.append(1)
        return 2.75

    monkeypatch.setattr(_cpu_bf16, "measure_speedup", measure)
    _cpu_bf16._cached_speedup.cache_clear()
    assert _cpu_bf16.bf16_matmul_speedup(INFO) == 2.75
    [stored] = (tmp_path / "cpu-bf16").glob("*.json")
    assert json.loads(stored.read_text())["speedup"] == 2.75
    _cpu_bf16._cached_speedup.cache_clear()  # a new process: the file answers, nothing is timed
    assert _cpu_bf16.bf16_matmul_speedup(INFO) == 2.75
    assert calls == [1]
    stored.write_text("not json")  # a damaged file is measured again and rewritten
    _cpu_bf16._cached_speedup.cache_clear()
    assert _cpu_bf16.bf16_matmul_speedup(INFO) == 2.75 and len(calls) == 2
    assert json.loads(stored.read_text())["speedup"] == 2.75
    _cpu_bf16._cached_speedup.cache_clear()


def test_an_unwritable_cache_still_gives_the_measurement(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("ASSAY_CACHE", str(blocker / "below"))  # under a file: cannot be created
    monkeypatch.setattr(_cpu_bf16, "measure_speedup", lambda: 0.6)
    _cpu_bf16._cached_speedup.cache_clear()
    assert _cpu_bf16.bf16_matmul_speedup(INFO) == 0.6
    _cpu_bf16._cached_speedup.cache_clear()
