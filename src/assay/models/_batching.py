"""Gathers concurrent generation requests into batches and runs them one batch at a time in a thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import anyio

P = TypeVar("P", bound=Hashable)
R = TypeVar("R")


@dataclass
class _Request(Generic[P, R]):
    prompt: str
    params: P
    future: asyncio.Future[R] = field(repr=False)


class BatchScheduler(Generic[P, R]):
    """Batches requests that share decoding parameters.

    Before each batch the scheduler waits while requests keep arriving: until ``gather_seconds`` pass with
    no new request, a full batch is pending, or ``MAX_GATHER_SECONDS`` have passed. An eval's samples
    arrive one by one (each is set up in the event loop first), so waiting only a fixed ``gather_seconds``
    ran a first batch of whoever had arrived by then and then batches of whoever arrived while the previous
    one ran: more, smaller batches, each paying the whole prompt pass and the decoding loop. While a batch
    runs, new requests queue up and form the next batch; a single request waits ``gather_seconds``.

    Args:
        run_batch: ``run_batch(prompts, params)`` returns one result per prompt (called in a worker thread).
        max_batch: Largest batch.
        gather_seconds: How long without a new request ends the wait for company.
    """

    MAX_GATHER_SECONDS = 0.5
    """The longest wait for company before a batch (requests still arriving)."""

    def __init__(
        self,
        run_batch: Callable[[list[str], P], list[R]],
        max_batch: int = 16,
        gather_seconds: float = 0.02,
    ) -> None:
        self._run_batch = run_batch
        self.max_batch = max(1, max_batch)
        self.gather_seconds = gather_seconds
        self._pending: list[_Request[P, R]] = []
        self._worker: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Sizes of the batches run so far (for tests and benchmarks).
        self.batch_sizes: list[int] = []

    async def submit(self, prompt: str, params: P) -> R:
        """Queue ``prompt`` and wait for its result."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append(_Request(prompt, params, future))
        if self._worker is None or self._worker.done() or self._loop is not loop:
            self._loop = loop
            self._worker = loop.create_task(self._drain())
        return await future

    async def _gather(self) -> None:
        """Wait while requests keep arriving (see the class docstring)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.MAX_GATHER_SECONDS
        seen = -1
        while True:
            pending = len(self._pending)
            if pending == seen or pending >= self.max_batch or loop.time() >= deadline:
                return
            seen = pending
            await asyncio.sleep(self.gather_seconds)

    async def _drain(self) -> None:
        while self._pending:
            await self._gather()
            params = self._pending[0].params
            batch = [r for r in self._pending if r.params == params][: self.max_batch]
            self._pending = [r for r in self._pending if not any(r is b for b in batch)]
            live = [r for r in batch if not r.future.done()]
            if not live:
                continue
            self.batch_sizes.append(len(live))
            try:
                results = await anyio.to_thread.run_sync(self._run_batch, [r.prompt for r in live], params)
            except Exception as ex:  # every request of the batch fails with the model's error
                for r in live:
                    if not r.future.done():
                        r.future.set_exception(ex)
                continue
            for r, result in zip(live, results, strict=True):
                if not r.future.done():
                    r.future.set_result(result)
