"""Judging many items at once: concurrent calls (batched by local providers), results in item order.

A calibration or a panel asks the same judge about many items. Asked one after another, a local model runs
a batch of one per call; asked together, its scheduler batches them (and an API judge runs them in
parallel up to its connection limit). Results come back in the items' order whatever order the calls end
in, with a progress bar on the terminal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")
R = TypeVar("R")

#: Items judged at the same time (a local model's default batch size).
DEFAULT_CONCURRENCY = 16


async def each(
    items: Sequence[T], judge: Callable[[T], Awaitable[R]], desc: str, concurrency: int = DEFAULT_CONCURRENCY
) -> list[R]:
    """``[await judge(item) for item in items]``, run ``concurrency`` at a time, in item order."""
    gate = asyncio.Semaphore(max(1, concurrency))
    with tqdm(total=len(items), desc=desc, leave=False, unit="item") as bar:

        async def one(item: T) -> R:
            async with gate:
                result = await judge(item)
            bar.update(1)
            return result

        return list(await asyncio.gather(*(one(i) for i in items)))
