"""Nested k-sweeps: one training stream whose prefix of length k is the model trained on k examples."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def batch_spans(n: int, batch_size: int, marks: Sequence[int]) -> list[tuple[int, int]]:
    """Batch boundaries over ``n`` examples, cut so that every mark in ``marks`` ends a batch."""
    cuts = sorted({m for m in marks if 0 < m < n} | {n})
    spans, start = [], 0
    for cut in cuts:
        while start < cut:
            end = min(start + batch_size, cut)
            spans.append((start, end))
            start = end
    return spans


def nested_stream(
    n: int, ks: Sequence[int], repeats: int, record: Callable[[int, Any], None]
) -> tuple[list[int], dict[int, Callable[[Any], None]]]:
    """The training stream of a nested k-sweep over ``n`` examples, and its checkpoint callbacks.

    The examples are taken in their given order, in blocks that end at each k (clipped to ``n``); each block
    is trained on ``repeats`` times in a row (passes over the block, batches cut between passes), then
    ``record(k, model)`` is called. So the model at k has trained on exactly the first k examples, each
    ``repeats`` times, and it is the same model whatever larger ks follow.

    Returns:
        The example indices in training order, and ``{stream position: callback}`` for the ``checkpoints``
        argument of :func:`assay.engine.training.finetune` and :func:`assay.engine.training.dpo_train`.
    """

    def at(k: int) -> Callable[[Any], None]:
        return lambda model: record(k, model)

    def between_passes(model: Any) -> None:
        return None

    order: list[int] = []
    marks: dict[int, Callable[[Any], None]] = {}
    prev = 0
    for k in sorted({min(k, n) for k in ks if k > 0}):
        for rep in range(repeats):
            order += range(prev, k)
            marks[len(order)] = at(k) if rep == repeats - 1 else between_passes
        prev = k
    return order, marks
