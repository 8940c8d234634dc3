"""Giving back a thread's OpenMP workers: safe anywhere, same arithmetic, and done around every batch."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
import torch
from inspect_ai.model import GenerateConfig, get_model

from assay.models import GenParams, generate_batch
from assay.models._openmp import _pause_function, release_openmp_threads
from assay.models._toy_corpus import chatml

QUESTIONS = ["What is 2 plus 3?", "What colour is snow?", "Please repeat the word owl.", "Hello!"]


def test_release_is_safe_in_any_thread_and_leaves_results_unchanged() -> None:
    a = torch.randn(256, 256, generator=torch.Generator().manual_seed(0))
    before = a @ a
    found: list[bool] = []
    worker = threading.Thread(target=lambda: found.append(release_openmp_threads()))  # a thread with no pool
    worker.start()
    worker.join()
    released = release_openmp_threads()
    assert found == [released] and released == release_openmp_threads()  # idempotent
    assert torch.equal(a @ a, before)  # the next parallel operation starts a new pool


def test_libgomp_is_found_where_torch_loaded_it() -> None:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        if not any("/libgomp" in line for line in maps):
            pytest.skip("this torch does not use GNU OpenMP")
    assert _pause_function() is not None and release_openmp_threads()


def test_greedy_generation_in_a_worker_thread_equals_the_main_thread(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompts = [chatml(q) for q in QUESTIONS]
    params = GenParams(max_new_tokens=16, temperature=0.0)
    main = generate_batch(model, tok, prompts, params)
    release_openmp_threads()
    found: list[Any] = []
    worker = threading.Thread(target=lambda: found.append(generate_batch(model, tok, prompts, params)))
    worker.start()
    worker.join()
    assert [r.text for r in found[0]] == [r.text for r in main]
    assert [r.output_tokens for r in found[0]] == [r.output_tokens for r in main]


def test_every_request_and_batch_gives_back_its_threads_workers(
    toy_path: Path, toy_model: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import assay.models._local as local

    threads: list[str] = []
    monkeypatch.setattr(
        local, "release_openmp_threads", lambda: threads.append(threading.current_thread().name)
    )
    model = get_model("assay/hf", path=str(toy_path), memoize=False)
    config = GenerateConfig(temperature=0, max_tokens=12)

    async def ask() -> list[str]:
        outs = await asyncio.gather(*(model.generate(q, config=config) for q in QUESTIONS))
        return [o.completion for o in outs]

    completions = asyncio.run(ask())
    direct = generate_batch(*toy_model, [chatml(q) for q in QUESTIONS], GenParams(max_new_tokens=12))
    assert completions == [r.text for r in direct]  # the same greedy text through Inspect's scheduler
    main = threading.main_thread().name
    assert threads.count(main) == len(QUESTIONS)  # the event loop's thread, before each request waits
    api = model.api
    assert isinstance(api, local.LocalModelAPI)
    assert len([t for t in threads if t != main]) == len(api.scheduler.batch_sizes)  # after each batch
