"""The batch scheduler's logic, with a plain function as the batch runner."""

import asyncio
import time

import pytest

from assay.models._batching import BatchScheduler


def test_concurrent_requests_share_batches_by_params() -> None:
    calls: list[tuple[list[str], str]] = []

    def run(prompts: list[str], params: str) -> list[str]:
        calls.append((prompts, params))
        time.sleep(0.05)
        return [f"{params}:{p}" for p in prompts]

    sched: BatchScheduler[str, str] = BatchScheduler(run, max_batch=4, gather_seconds=0.02)

    async def main() -> list[str]:
        jobs = [sched.submit(f"p{i}", "a" if i % 3 else "b") for i in range(10)]
        return list(await asyncio.gather(*jobs))

    results = asyncio.run(main())
    assert results == [f"{'a' if i % 3 else 'b'}:p{i}" for i in range(10)]
    assert all(len(prompts) <= 4 for prompts, _ in calls)
    assert all(len({r.split(":")[0] for r in [f"{prm}:{p}" for p in prompts]}) == 1 for prompts, prm in calls)
    assert sum(len(p) for p, _ in calls) == 10
    assert len(calls) <= 4  # 6 "a" -> 2 batches, 4 "b" -> 1 batch (+1 if a straggler)


def test_errors_reach_every_request_of_the_batch() -> None:
    def run(prompts: list[str], params: int) -> list[str]:
        raise RuntimeError("model crashed")

    sched: BatchScheduler[int, str] = BatchScheduler(run, max_batch=8)

    async def main() -> list[BaseException | str]:
        return list(await asyncio.gather(*(sched.submit("x", 0) for _ in range(3)), return_exceptions=True))

    results = asyncio.run(main())
    assert all(isinstance(r, RuntimeError) and str(r) == "model crashed" for r in results)


def test_single_request_is_not_held_back() -> None:
    sched: BatchScheduler[int, str] = BatchScheduler(lambda ps, _: ps, max_batch=16, gather_seconds=0.02)
    start = time.monotonic()
    assert asyncio.run(sched.submit("solo", 0)) == "solo"
    assert time.monotonic() - start < 0.5


@pytest.mark.parametrize("n", [1, 5])
def test_scheduler_survives_a_new_event_loop(n: int) -> None:
    sched: BatchScheduler[int, str] = BatchScheduler(lambda ps, _: [p.upper() for p in ps])
    for _ in range(2):

        async def main() -> list[str]:
            return list(await asyncio.gather(*(sched.submit(f"q{i}", 0) for i in range(n))))

        assert asyncio.run(main()) == [f"Q{i}" for i in range(n)]


def test_requests_that_arrive_one_by_one_share_a_batch() -> None:
    """An eval's samples reach the model one at a time: they are gathered while they keep arriving."""
    sched: BatchScheduler[int, str] = BatchScheduler(lambda ps, _: ps, max_batch=64, gather_seconds=0.02)

    async def one(i: int) -> str:
        await asyncio.sleep(0.005 * i)  # a new request every 5 ms, 40 in all (0.2 s)
        return await sched.submit(f"q{i}", 0)

    async def main() -> list[str]:
        return list(await asyncio.gather(*(one(i) for i in range(40))))

    assert asyncio.run(main()) == [f"q{i}" for i in range(40)]
    assert sched.batch_sizes == [40]


def test_the_wait_for_company_is_bounded() -> None:
    sched: BatchScheduler[int, str] = BatchScheduler(lambda ps, _: ps, max_batch=1000, gather_seconds=0.02)
    sched.MAX_GATHER_SECONDS = 0.1

    async def one(i: int) -> str:
        await asyncio.sleep(0.01 * i)  # still arriving after the longest wait
        return await sched.submit(f"q{i}", 0)

    async def main() -> list[str]:
        return list(await asyncio.gather(*(one(i) for i in range(40))))

    assert asyncio.run(main()) == [f"q{i}" for i in range(40)]
    assert len(sched.batch_sizes) > 1 and sched.batch_sizes[0] < 40
