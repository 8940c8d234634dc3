"""The arithmetic a loaded model runs in, carried by the model, and the context every forward pass opens.

A local model's precision is two choices: the dtype of its weights, and whether its forward passes run
under ``torch.autocast`` (matrix products in bf16 with fp32 accumulation, weights kept in fp32). Under
autocast the output head still runs in fp32 (:func:`mark_precision`): bf16 logits are quantised to 1/16
at magnitude 8-16, and on SmolLM2 the fp32 head kept more greedy answers and log-probabilities closer to
fp32's at no measurable cost (``bench/results/bf16_agreement.json``).
:func:`assay.models.resolve_precision` makes the choice; the loader marks the model with it
(:func:`mark_precision`), and every site that runs the model (forward-pass verdicts, forced choices,
generation, training, activations) opens :func:`precision_context` around its pass, so a verdict and the
greedy generation it stands for run in the same arithmetic. Every precision marked in this process is kept
in order (:func:`precisions_used`) so a study records what its numbers were computed in.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

ATTRIBUTE = "assay_precision"
"""The model attribute holding its :class:`Precision` (peft wrappers forward it to the base model)."""

_USED: list[str] = []


@dataclass(frozen=True)
class Precision:
    """How a model computes.

    Attributes:
        weights: The weights' dtype name (``float32``, ``bfloat16``, ``float16``).
        autocast: The autocast dtype name (``bfloat16``), or ``None`` for none.
        device: The device the model runs on (``cpu``, ``cuda``, ``cuda:1``, ``mps``).
        reason: Why ``auto`` chose it (``amx_bf16``: the CPU's bf16 matrix units), empty when named.
    """

    weights: str
    autocast: str | None
    device: str
    reason: str = ""

    def describe(self) -> str:
        """One line, e.g. ``bf16-autocast on cpu (amx_bf16)`` or ``float32 on cpu``."""
        kind = "bf16-autocast" if self.autocast == "bfloat16" else self.weights
        return f"{kind} on {self.device}" + (f" ({self.reason})" if self.reason else "")


def mark_precision(model: Any, precision: Precision) -> None:
    """Mark a loaded model with its precision, note it, and print it the first time it is seen.

    Under autocast the model's output head is made to run outside it, on fp32 inputs (fp32 logits), in
    every pass: forward-pass verdicts and generation alike.
    """
    setattr(model, ATTRIBUTE, precision)
    if precision.autocast is not None:
        _head_in_fp32(model, precision.device.split(":")[0])
    line = precision.describe()
    if line not in _USED:
        print(f"assay: precision {line}", file=sys.stderr)
    _USED.append(line)


def _head_in_fp32(model: Any, device_type: str) -> None:
    """Give the output head an instance ``forward`` that leaves autocast (``copy.deepcopy`` rebinds it)."""
    import torch

    get = getattr(model, "get_output_embeddings", None)
    head = get() if get is not None else None
    if head is None or "forward" in vars(head):
        return
    plain = type(head).forward

    def forward(self: Any, x: torch.Tensor) -> Any:
        with torch.autocast(device_type, enabled=False):
            return plain(self, x.float())

    head.forward = types.MethodType(forward, head)


def precision_of(model: Any) -> Precision | None:
    """The model's precision, ``None`` for a model assay did not load (plain fp32 forward passes)."""
    found = getattr(model, ATTRIBUTE, None)
    return found if isinstance(found, Precision) else None


def precision_context(model: Any) -> AbstractContextManager[Any]:
    """``torch.autocast`` for a model marked to run under it; a context that does nothing otherwise."""
    p = precision_of(model)
    if p is None or p.autocast is None:
        return nullcontext()
    import torch

    return torch.autocast(device_type=p.device.split(":")[0], dtype=getattr(torch, p.autocast))


@contextmanager
def no_grad_in_precision(model: Any) -> Iterator[None]:
    """``torch.no_grad`` and :func:`precision_context`: what every measuring pass (no training) opens.

    ``no_grad``, not ``torch.inference_mode``: under inference mode autocast keeps no cast of the weights
    (PyTorch #158232), so every matrix product casts its fp32 weight to bf16 again (reads the weight twice
    and writes the copy, for each pass); under ``no_grad`` each weight is cast once and kept until the
    outermost autocast context closes. Open this around a loop of passes (the decoding steps of
    ``generate``, a stage's loop over directions) and the weights are cast once for all of them; the
    arithmetic is the same (the same bf16 copy of each weight).
    """
    import torch

    with torch.no_grad(), precision_context(model):
        yield


def precisions_used() -> list[str]:
    """Every precision marked (or noted) in this process, each once, in the order first seen."""
    return list(dict.fromkeys(_USED))


def note_precisions(lines: Iterable[str]) -> None:
    """Note precisions of results computed earlier (a reused stage), as if their models were loaded now."""
    _USED.extend(lines)


@contextmanager
def precision_scope() -> Iterator[None]:
    """A run of its own: inside, :func:`precisions_used` starts empty and each precision prints again."""
    saved = _USED.copy()
    _USED.clear()
    try:
        yield
    finally:
        _USED[:0] = saved


@contextmanager
def recording_precisions() -> Iterator[list[str]]:
    """While open, collect the precisions marked or noted; the list is filled when the context closes."""
    start = len(_USED)
    found: list[str] = []
    try:
        yield found
    finally:
        found.extend(dict.fromkeys(_USED[start:]))
