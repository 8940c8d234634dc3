"""Device and precision selection for local models.

``auto`` precision: bf16 autocast (weights in fp32, matrix products in bf16) on CUDA with bf16 support and
on CPUs with bf16 matrix units (AMX: ``amx_bf16`` in ``/proc/cpuinfo``), fp32 elsewhere. A CPU with only
``avx512_bf16`` is not chosen: there a bf16 matrix product was slower than fp32, with AMX several times
faster (``bench/results/bf16_agreement.json``, ``matmul_2048``). Weights cast to bf16 outright (``bfloat16``)
changed more greedy answers than autocast, so ``auto`` never casts them on CPU. The environment variable
``ASSAY_DTYPE`` (e.g. ``float32``) replaces ``auto`` wherever it is asked for; a named dtype wins over it.
"""

from __future__ import annotations

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
        AssayError: Not ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``, or CUDA asked for but absent.
    """
    import torch

    name = (device or "auto").strip().lower()
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name in ("cpu", "mps") or re.fullmatch(r"cuda(:\d+)?", name):
        if name.startswith("cuda") and not torch.cuda.is_available():
            raise AssayError(f"device {device!r}: CUDA is not available on this machine (use cpu or auto)")
        return name
    raise AssayError(f"device must be auto, cpu, cuda, cuda:N or mps, got {device!r}")


def cpu_bf16_units(cpuinfo: str | None = None) -> str | None:
    """``amx_bf16`` when the CPU flags (``/proc/cpuinfo`` text; read when ``None``) list it, else ``None``."""
    if cpuinfo is None:
        try:
            cpuinfo = CPUINFO.read_text()
        except OSError:
            return None
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags" and "amx_bf16" in value.split():
            return "amx_bf16"
    return None


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
        if torch.cuda.is_bf16_supported():
            return Precision("float32", "bfloat16", device, "cuda")
        return Precision("float16", None, device, "cuda without bf16")
    if device == "cpu":
        units = cpu_bf16_units(cpuinfo)
        if units and torch.amp.is_autocast_available("cpu"):
            return Precision("float32", "bfloat16", device, units)
    return Precision("float32", None, device)


def resolve_dtype(dtype: str | None, device: str) -> Any:
    """The torch dtype of the weights for a dtype name (fp32 under autocast; see :func:`resolve_precision`).

    Raises:
        AssayError: An unknown dtype name.
    """
    import torch

    return getattr(torch, resolve_precision(dtype, device).weights)
