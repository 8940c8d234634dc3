"""Whether this CPU multiplies bf16 matrices faster than fp32 ones: measured once per machine, remembered.

The CPU flag ``avx512_bf16`` does not settle it. On an Intel CPU with AMX, oneDNN limited to its AVX512-BF16
kernels ran a 2048^3 bf16 product at 193 GFLOP/s against 295 in fp32 (``bench/results/bf16_agreement.json``),
while on an AMD EPYC that lists ``avx512_bf16`` (and no AMX) bf16 products ran more than twice as fast as fp32
ones (``bench/results/bf16_agreement-avx512_bf16.json``). So on a CPU with ``avx512_bf16`` and no AMX,
``dtype: auto`` asks this module: a 1024^3 product is timed in both dtypes (best of five after a warm-up,
well under a second) and the ratio is stored under assay's cache directory, keyed by the CPU's model name and
flags, torch's version and its thread count, so later processes read it instead of timing again. torch has no
query for this, hence the measurement.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from pathlib import Path

from assay._paths import cache_dir

MIN_SPEEDUP = 1.5
"""bf16 autocast is chosen when a bf16 product runs at least this many times faster than an fp32 one."""

SIZE = 1024
"""Side of the square matrices timed."""


def bf16_matmul_speedup(cpuinfo: str) -> float:
    """How many times faster a ``SIZE``^3 bf16 product runs than an fp32 one here (cached on disk).

    Args:
        cpuinfo: ``/proc/cpuinfo`` text; its model name and flags are part of the cache key.
    """
    import torch

    key = _key(cpuinfo, torch.__version__, torch.get_num_threads())
    return _cached_speedup(key)


@functools.cache
def _cached_speedup(key: str) -> float:
    """The stored ratio for ``key``, or a new measurement (then stored)."""
    try:
        path = cache_dir() / "cpu-bf16" / f"{key}.json"
    except OSError:
        return measure_speedup()
    try:
        return float(json.loads(path.read_text())["speedup"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    speedup = measure_speedup()
    _store(path, speedup)
    return speedup


def measure_speedup(size: int = SIZE, repeats: int = 5) -> float:
    """fp32 time over bf16 time of a ``size``^3 matrix product, each the best of ``repeats`` runs."""
    import torch

    gen = torch.Generator().manual_seed(0)
    a = torch.randn(size, size, generator=gen)
    b = torch.randn(size, size, generator=gen)
    best = {}
    for dtype in (torch.float32, torch.bfloat16):
        x, y = a.to(dtype), b.to(dtype)
        x @ y  # warm-up: oneDNN picks and builds its kernel here
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            x @ y
            times.append(time.perf_counter() - start)
        best[dtype] = min(times)
    return round(best[torch.float32] / best[torch.bfloat16], 2)


def cpu_fields(cpuinfo: str) -> dict[str, str]:
    """The first ``model name`` and ``flags`` values of ``/proc/cpuinfo`` text ("" where absent)."""
    wanted = {"model name": "", "flags": ""}
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in wanted and not wanted[name.strip()]:
            wanted[name.strip()] = value.strip()
    return wanted


def _key(cpuinfo: str, torch_version: str, threads: int) -> str:
    """A digest of the CPU's first model name and flags lines, torch's version and the thread count."""
    text = json.dumps([cpu_fields(cpuinfo), torch_version, threads])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _store(path: Path, speedup: float) -> None:
    """Write the measurement atomically; a cache that cannot be written only means timing again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{time.monotonic_ns()}.tmp")
        tmp.write_text(json.dumps({"speedup": speedup, "size": SIZE}))
        tmp.replace(path)
    except OSError:
        pass
