"""Device and precision selection for local models.

``auto`` precision: bf16 autocast (weights in fp32, matrix products in bf16) on CUDA with bf16 support and
on CPUs whose bf16 matrix products are faster than fp32 ones, fp32 elsewhere. A CPU with AMX (``amx_bf16`` in
``/proc/cpuinfo``) is; one with ``avx512_bf16`` and no AMX may or may not be (on an Intel CPU limited to those
kernels a bf16 product was slower than fp32, on an AMD EPYC more than twice as fast), so there the speed-up is
measured once and remembered (:mod:`assay.models._cpu_bf16`). Weights cast to bf16 outright (``bfloat16``)
changed more greedy answers than autocast, so ``auto`` never casts them on CPU. The environment variable
``ASSAY_DTYPE`` (e.g. ``float32``) replaces ``auto`` wherever it is asked for; a named dtype wins over it.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

from assay._errors import AssayError
from assay._precision import Precision

DTYPES = {
    "float32": "float32",
    "fp32": "float32",
    "bfloat16": "bfloat16",
    "bf16": "bfloat16",
    "float16": "float16",
    "fp16": "float16",
}
"""Weight dtypes by name (no autocast)."""

AUTOCAST_NAMES = ("bf16-autocast", "autocast")
"""Names of fp32 weights with bf16 autocast."""

CPUINFO = Path("/proc/cpuinfo")
ENV = "ASSAY_DTYPE"


def resolve_device(device: str | None = "auto") -> str:
    """``auto`` (or ``None``) -> ``cuda`` when a CUDA device is present, else ``cpu``; others are checked.

    Raises:
        AssayError: Not ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``, or a device this machine lacks
            (no CUDA, ``cuda:N`` beyond its CUDA devices, no MPS).
    """
    import torch

    name = (device or "auto").strip().lower()
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if not (name in ("cpu", "mps") or re.fullmatch(r"cuda(:\d+)?", name)):
        raise AssayError(f"device must be auto, cpu, cuda, cuda:N or mps, got {device!r}")
    problem = missing_device(name)
    if problem:
        raise AssayError(f"device {device!r}: {problem}")
    return name


def missing_device(name: str) -> str:
    """Why this machine cannot run device ``name`` (``cuda``, ``cuda:N``, ``mps``, ``cpu``); "" if it can."""
    import torch

    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            return "CUDA is not available on this machine (use cpu or auto)"
        count, index = torch.cuda.device_count(), int(name.partition(":")[2] or 0)
        if index >= count:
            return f"this machine has {count} CUDA device(s): {', '.join(f'cuda:{i}' for i in range(count))}"
    if name == "mps" and not torch.backends.mps.is_available():
        return "MPS is not available on this machine (use cpu or auto)"
    return ""


CPU_BF16_UNITS = ("amx_bf16", "avx512_bf16")
"""The CPU flags of bf16 matrix arithmetic, the preferred first (a CPU with AMX lists both)."""


def cpu_bf16_units(cpuinfo: str | None = None) -> str | None:
    """The first of :data:`CPU_BF16_UNITS` the CPU flags list (``/proc/cpuinfo`` text; read when ``None``)."""
    flags = set()
    for line in _cpuinfo(cpuinfo).splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            flags.update(value.split())
    return next((unit for unit in CPU_BF16_UNITS if unit in flags), None)


def cpu_bf16_gains(units: str, cpuinfo: str | None = None) -> bool:
    """Whether bf16 autocast speeds this CPU up: always with AMX, with ``avx512_bf16`` alone if measured."""
    from assay.models._cpu_bf16 import MIN_SPEEDUP, bf16_matmul_speedup

    return units == "amx_bf16" or bf16_matmul_speedup(_cpuinfo(cpuinfo)) >= MIN_SPEEDUP


def _cpuinfo(cpuinfo: str | None) -> str:
    """``cpuinfo``, or ``/proc/cpuinfo``'s text when ``None`` ("" where it cannot be read)."""
    if cpuinfo is not None:
        return cpuinfo
    try:
        return CPUINFO.read_text()
    except OSError:
        return ""


def resolve_precision(dtype: str | None, device: str, cpuinfo: str | None = None) -> Precision:
    """The precision a dtype name stands for on ``device`` (already resolved, e.g. ``cpu``, ``cuda:0``).

    Args:
        dtype: ``auto`` (or ``None``; replaced by ``$ASSAY_DTYPE`` when set), ``bf16-autocast``
            (``autocast``), or a weight dtype of :data:`DTYPES` (``float32`` forces plain fp32).
        device: The resolved device.
        cpuinfo: ``/proc/cpuinfo`` text (read when ``None``; for tests).

    Raises:
        AssayError: An unknown dtype name (in the argument or in ``$ASSAY_DTYPE``).
    """
    name = (dtype or "auto").strip().lower()
    chosen = os.environ.get(ENV, "").strip().lower()
    if name == "auto" and chosen not in ("", "auto"):
        try:
            return resolve_precision(chosen, device, cpuinfo)
        except AssayError as ex:
            raise AssayError(f"{ENV}: {ex}") from None
    if name == "auto":
        return _auto(device, cpuinfo)
    if name in AUTOCAST_NAMES:
        return Precision("float32", "bfloat16", device)
    if name not in DTYPES:
        names = ", ".join(["auto", *AUTOCAST_NAMES, *sorted(set(DTYPES))])
        raise AssayError(f"dtype must be one of {names}; got {dtype!r}")
    return Precision(DTYPES[name], None, device)


def _auto(device: str, cpuinfo: str | None) -> Precision:
    import torch

    if device.startswith("cuda"):
        if cuda_native_bf16(device):
            return Precision("float32", "bfloat16", device, "cuda")
        return Precision("float16", None, device, "cuda without bf16")
    if device == "cpu":
        info = _cpuinfo(cpuinfo)  # read once for the flags and, where it is timed, the cache key
        units = cpu_bf16_units(info)
        if units and torch.amp.is_autocast_available("cpu") and cpu_bf16_gains(units, info):
            return Precision("float32", "bfloat16", device, units)
    return Precision("float32", None, device)


def cuda_native_bf16(device: str) -> bool:
    """Whether CUDA device ``device`` (``cuda``, ``cuda:N``) computes in bf16 natively (Ampere or later).

    Older GPUs emulate bf16 (``torch.cuda.is_bf16_supported()`` is true there too), far slower than fp16.
    """
    import torch

    index = int(device.partition(":")[2] or 0)
    if torch.version.hip:
        with torch.cuda.device(index):
            return bool(torch.cuda.is_bf16_supported(including_emulation=False))
    return torch.cuda.get_device_capability(index) >= (8, 0)


def resolve_dtype(dtype: str | None, device: str) -> Any:
    """The torch dtype of the weights for a dtype name (fp32 under autocast; see :func:`resolve_precision`).

    Raises:
        AssayError: An unknown dtype name.
    """
    import torch

    return getattr(torch, resolve_precision(dtype, device).weights)


def check_precision(precision: Precision) -> Precision:
    """Return ``precision`` if its device can run it; a tiny matrix product in it is tried once.

    Raises:
        AssayError: bf16 asked for on a CUDA device without native bf16 (compute capability below 8.0),
            autocast on a device type torch has none for, or the trial product failing (its first line).
    """
    device, kind = precision.device, precision.describe().split(" on ")[0]
    bf16 = "bfloat16" in (precision.weights, precision.autocast)
    if bf16 and device.startswith("cuda") and not cuda_native_bf16(device):
        raise AssayError(f"{kind} on {device}: this GPU has no native bf16 (use float16 or float32)")
    problem = _trial(precision.weights, precision.autocast, device)
    if problem:
        raise AssayError(f"{kind} on {device}: {problem}")
    return precision


@functools.cache
def _trial(weights: str, autocast: str | None, device: str) -> str:
    """What failed running a 4 x 4 product in ``weights`` (under ``autocast``) on ``device``; "" if fine."""
    import torch

    kind = device.split(":")[0]
    if autocast is not None and not torch.amp.is_autocast_available(kind):
        return f"torch has no autocast for {kind}"
    try:
        x = torch.ones(4, 4, dtype=getattr(torch, weights), device=device)
        with torch.autocast(kind, dtype=getattr(torch, autocast or "bfloat16"), enabled=autocast is not None):
            float((x @ x).float().softmax(-1).sum())
    except (RuntimeError, TypeError, AssertionError) as ex:  # a CPU-only torch asserts on cuda
        return str(ex).strip().splitlines()[0] if str(ex).strip() else type(ex).__name__
    return ""
