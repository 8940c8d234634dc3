"""Device and dtype selection for local models: ``auto`` is CUDA when present (bf16), else CPU (fp32)."""

from __future__ import annotations

import re
from typing import Any

from assay._errors import AssayError

DTYPES = {
    "float32": "float32",
    "fp32": "float32",
    "bfloat16": "bfloat16",
    "bf16": "bfloat16",
    "float16": "float16",
    "fp16": "float16",
}


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


def resolve_dtype(dtype: str | None, device: str) -> Any:
    """``auto`` -> bfloat16 on CUDA (float16 where bf16 is unsupported), float32 elsewhere.

    Raises:
        AssayError: An unknown dtype name.
    """
    import torch

    name = (dtype or "auto").strip().lower()
    if name == "auto":
        if device.startswith("cuda"):
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    if name not in DTYPES:
        raise AssayError(f"dtype must be auto, {', '.join(sorted(set(DTYPES)))}; got {dtype!r}")
    return getattr(torch, DTYPES[name])
