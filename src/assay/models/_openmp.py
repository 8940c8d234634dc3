"""Give back a thread's OpenMP worker threads, so the thread that runs a batch decodes at full speed.

PyTorch's CPU wheels run their parallel loops on GNU OpenMP (libgomp). Each thread that ever ran a parallel
torch operation keeps a pool of OpenMP workers, and libgomp lets idle workers spin between parallel regions
only while the process's OpenMP threads are no more than its CPUs; past that it throttles the spin a
thousandfold and each operation wakes its workers through the kernel. A local model is loaded in the main
thread (whose pool stays) and generates in a worker thread (the batch scheduler keeps Inspect's event loop
free): two pools, so every one of the thousands of small operations of a decoding step paid a wake-up. On
the 2-core machine generation in a worker thread ran at little more than half the main thread's speed, and
at the main thread's speed once the main thread's pool was given back (``bench/generation.py`` measures
both: ``worker_thread_tokens_per_s`` in ``bench/results/generation.json``). The arithmetic is the same.

:func:`release_openmp_threads` gives back the calling thread's pool (``omp_pause_resource_all``); the next
parallel operation of that thread starts a new one. It does nothing where libgomp is not loaded (other
OpenMP runtimes do not throttle this way) and inside a parallel region.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

_PAUSE_HARD = 2
"""``omp_pause_hard``: stop the pool's threads and free it."""

_found: list[Callable[[int], int] | None] = []


def _pause_function() -> Callable[[int], int] | None:
    """The ``omp_pause_resource_all`` of libgomp when this process has loaded libgomp, else ``None``.

    Looked up once torch is imported (libgomp loads with it), in ``/proc/self/maps`` (Linux).
    """
    if _found:
        return _found[0]
    if "torch" not in sys.modules:
        return None
    function = None
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = sorted({line.split()[-1] for line in maps if "/libgomp" in line})
    except OSError:
        paths = []
    for path in paths:
        try:
            candidate = ctypes.CDLL(path).omp_pause_resource_all
        except (OSError, AttributeError):
            continue
        candidate.argtypes = [ctypes.c_int]
        candidate.restype = ctypes.c_int
        function = candidate
        break
    _found.append(function)
    return function


def release_openmp_threads() -> bool:
    """Give back the calling thread's OpenMP worker pool; return whether libgomp did (no pool is fine).

    Call it in a thread that has run torch operations and will now wait while another thread computes
    (the event loop's thread before a batch), and in the computing thread when its batch is done.
    """
    pause = _pause_function()
    return pause is not None and pause(_PAUSE_HARD) == 0
