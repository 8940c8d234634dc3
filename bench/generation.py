"""Generation benchmark (not a test): batched vs single-stream on assay/smollm2, where the time goes, and
scripted vs mockllm overhead.

Prints, measured in one run:
  * output tokens/s of assay/smollm2 through Inspect answering one request at a time (each of the 8
    questions once), and 16 concurrent requests (each question twice), and their ratio (goal >= 8x),
    for ``dtype=auto`` (bf16 autocast on a CPU with AMX, else fp32) and for ``float32``;
  * where the time goes, measured directly in the main thread for each dtype: the prompt pass (prefill)
    and the decoding steps (one forward pass each, with the key/value cache) at batch 1 and 16, the ideal
    batched/single ratio those forward passes allow (no other cost), and what ``generate`` adds on top;
  * ``generate_batch`` in a worker thread (as the batch scheduler runs it) with the main thread's OpenMP
    workers kept and given back (``assay.models._openmp``);
  * Inspect's own ``hf`` provider at batch 16 against assay/smollm2 (goal >= 1x);
  * the wall-time ratio of a 200-sample Inspect eval on assay/scripted against the same eval on Inspect's
    own mockllm model (goal <= 1.10x).
Writes bench/results/generation.json. Run it under the shared lock (``flock /tmp/assay-heavy.lock``); the
1-minute load average is recorded at the start and at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageUser, GenerateConfig, ModelOutput, ModelUsage, get_model
from inspect_ai.scorer import includes
from inspect_ai.solver import generate

QUESTIONS = [
    "Write a short story about a robot learning to paint.",
    "Explain how a bicycle works.",
    "Describe your ideal weekend in detail.",
    "Give me advice on learning a new language.",
    "Explain why the sky is blue.",
    "Write a poem about the sea.",
    "Describe how to bake bread at home.",
    "Tell me about the history of trains.",
]
MAX_TOKENS = 48
BATCH = 16
DTYPES = ("auto", "float32")
GOAL = 8.0


async def _throughput(
    concurrency: int, requests: int, name: str = "assay/smollm2", **model_args: Any
) -> tuple[float, int, float, list[int]]:
    """Output tokens/s with ``concurrency`` requests in flight; also tokens, seconds and batch sizes."""
    model = get_model(name, config=GenerateConfig(temperature=0, max_tokens=MAX_TOKENS), **model_args)
    config = GenerateConfig(temperature=0, max_tokens=MAX_TOKENS)
    await model.generate(QUESTIONS[0], config=config)  # warm-up
    scheduler = getattr(model.api, "scheduler", None)
    first = len(scheduler.batch_sizes) if scheduler is not None else 0
    sem = asyncio.Semaphore(concurrency)
    tokens = 0

    async def one(i: int) -> None:
        nonlocal tokens
        async with sem:
            out = await model.generate(QUESTIONS[i % len(QUESTIONS)], config=config)
            assert out.usage is not None
            tokens += out.usage.output_tokens

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(requests)))
    elapsed = time.perf_counter() - start
    sizes = list(scheduler.batch_sizes[first:]) if scheduler is not None else []
    return tokens / elapsed, tokens, elapsed, sizes


def _forward_seconds(model: Any, tokenizer: Any, prompts: list[str]) -> tuple[float, float, int]:
    """Seconds of the prompt pass and of the ``MAX_TOKENS - 1`` greedy decoding steps after it (no
    ``generate``: the forward passes alone), and the padded prompt length."""
    import torch

    from assay._precision import no_grad_in_precision

    tokenizer.padding_side = "left"
    enc = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    mask = enc["attention_mask"]
    with no_grad_in_precision(model):
        t0 = time.perf_counter()
        out = model(input_ids=enc["input_ids"], attention_mask=mask, use_cache=True)
        prefill = time.perf_counter() - t0
        past, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
        t0 = time.perf_counter()
        for _ in range(MAX_TOKENS - 1):
            mask = torch.cat([mask, torch.ones_like(nxt)], dim=1)
            out = model(input_ids=nxt, attention_mask=mask, past_key_values=past, use_cache=True)
            past, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
        decode = time.perf_counter() - t0
    return prefill, decode, int(enc["input_ids"].shape[1])


def _generate_seconds(api: Any, prompts: list[str], in_thread: bool = False) -> tuple[float, int]:
    """Seconds and output tokens of one ``generate_batch`` call, in this thread or a new one."""
    from assay.models._generate import GenParams, generate_batch

    found: list[tuple[float, int]] = []

    def run() -> None:
        t0 = time.perf_counter()
        out = generate_batch(api.model, api.tokenizer, prompts, GenParams(max_new_tokens=MAX_TOKENS))
        found.append((time.perf_counter() - t0, sum(r.output_tokens for r in out)))

    if in_thread:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
    else:
        run()
    return found[0]


def _tokens_per_s(result: tuple[float, int]) -> float:
    return round(result[1] / result[0], 1)


def _where_time_goes(dtype: str) -> dict[str, Any]:
    """Forward passes at batch 1 and 16, what ``generate`` adds, and the worker-thread comparison."""
    from assay.models._openmp import release_openmp_threads

    api = get_model("assay/smollm2", dtype=dtype).api
    prompts = [api.render_prompt([ChatMessageUser(content=q)], [], "none") for q in QUESTIONS]
    batch = [prompts[i % len(prompts)] for i in range(BATCH)]
    _forward_seconds(api.model, api.tokenizer, prompts[:1])  # warm-up
    singles = [_forward_seconds(api.model, api.tokenizer, [p]) for p in prompts[:4]]
    pre1, dec1 = statistics.mean(s[0] for s in singles), statistics.mean(s[1] for s in singles)
    pre16, dec16, width = _forward_seconds(api.model, api.tokenizer, batch)
    steps = MAX_TOKENS - 1
    runs1 = [(_generate_seconds(api, [p]), s) for p, s in zip(prompts[:4], singles, strict=True)]
    over1 = statistics.mean(g[0] - (s[0] + s[1] * (g[1] - 1) / steps) for g, s in runs1)
    gen16 = _generate_seconds(api, batch)
    kept = {"1": _tokens_per_s(_generate_seconds(api, prompts[:1], True)), "16": 0.0}
    kept["16"] = _tokens_per_s(_generate_seconds(api, batch, True))
    release_openmp_threads()
    released = {"1": _tokens_per_s(_generate_seconds(api, prompts[:1], True))}
    release_openmp_threads()
    released["16"] = _tokens_per_s(_generate_seconds(api, batch, True))
    gen1 = (sum(g[0] for g, _ in runs1), sum(g[1] for g, _ in runs1))
    flop = 2 * sum(p.numel() for p in api.model.parameters()) * steps / 1e9  # per row, all steps
    return {
        "prompt_tokens_batch16_padded": width,
        "decode_gflop_per_s": {"1": round(flop / dec1, 1), "16": round(BATCH * flop / dec16, 1)},
        "prefill_s": {"1": round(pre1, 4), "16": round(pre16, 4)},
        "decode_step_s": {"1": round(dec1 / steps, 4), "16": round(dec16 / steps, 4)},
        "decode_step_ratio_16_over_1": round(dec16 / dec1, 2),
        "prefill_ratio_16_over_1": round(pre16 / pre1, 2),
        "ideal_ratio_decode_steps": round(BATCH * dec1 / dec16, 2),
        "ideal_ratio_forward_passes": round(BATCH * (pre1 + dec1) / (pre16 + dec16), 2),
        "generate_overhead_s": {"1": round(over1, 3), "16": round(gen16[0] - (pre16 + dec16), 3)},
        "generate_main_thread_tokens_per_s": {"1": _tokens_per_s(gen1), "16": _tokens_per_s(gen16)},
        "worker_thread_tokens_per_s": {"main_openmp_pool_kept": kept, "main_openmp_pool_released": released},
    }


def _dtype_run(dtype: str) -> dict[str, Any]:
    """Inspect throughput at 1 and 16 concurrent requests, then where the time goes, for one dtype."""
    from assay._precision import precision_of

    single = asyncio.run(_throughput(concurrency=1, requests=len(QUESTIONS), dtype=dtype))
    batched = asyncio.run(_throughput(concurrency=BATCH, requests=BATCH, dtype=dtype))
    precision = precision_of(get_model("assay/smollm2", dtype=dtype).api.model)
    found = {
        "precision": precision.describe() if precision is not None else dtype,
        "single_stream_tokens_per_s": single[0],
        "concurrent16_tokens_per_s": batched[0],
        "batched_over_single": batched[0] / single[0],
        "single_stream_tokens": single[1],
        "concurrent16_tokens": batched[1],
        "concurrent16_batch_sizes": batched[3],
        "where_time_goes": _where_time_goes(dtype),
    }
    where = found["where_time_goes"]
    print(f"dtype={dtype} ({found['precision']}):")
    print(
        f"  single-stream {single[0]:.1f} tokens/s, 16 concurrent {batched[0]:.1f} tokens/s "
        f"(batches {batched[3]})"
    )
    print(f"  batched / single-stream: {found['batched_over_single']:.2f}x (goal >= {GOAL:.0f}x)")
    print(
        f"  forward passes: decode step {1000 * where['decode_step_s']['1']:.1f} ms at batch 1, "
        f"{1000 * where['decode_step_s']['16']:.1f} ms at batch 16 "
        f"({where['decode_step_ratio_16_over_1']}x); "
        f"prompt pass {where['prefill_s']['1']:.3f} s / {where['prefill_s']['16']:.3f} s "
        f"({where['prefill_ratio_16_over_1']}x); decoding at {where['decode_gflop_per_s']['1']} and "
        f"{where['decode_gflop_per_s']['16']} GFLOP/s"
    )
    print(
        f"  ideal ratio from the forward passes alone: {where['ideal_ratio_forward_passes']}x "
        f"(decoding steps alone {where['ideal_ratio_decode_steps']}x); generate adds "
        f"{where['generate_overhead_s']['1']:.3f} s / {where['generate_overhead_s']['16']:.3f} s per call"
    )
    print(f"  generate_batch in a worker thread, tokens/s: {where['worker_thread_tokens_per_s']}")
    return found


def _task(n: int) -> Task:
    return Task(
        dataset=[Sample(id=i, input=f"Question number {i}?", target="answer") for i in range(n)],
        solver=generate(),
        scorer=includes(),
    )


def _mock_output(*_: object) -> ModelOutput:
    out = ModelOutput.from_content("mockllm/model", "the answer")
    out.usage = ModelUsage(input_tokens=3, output_tokens=2, total_tokens=5)
    return out


def _eval_seconds(model: str, log_dir: str, **model_args: object) -> float:
    start = time.perf_counter()
    (log,) = eval(_task(200), model=model, model_args=model_args, log_dir=log_dir, display="none")
    assert log.status == "success", log.error
    return time.perf_counter() - start


def _scripted_overhead() -> dict[str, Any]:
    """Wall time of a 200-sample eval on assay/scripted and on mockllm (3 interleaved repeats each)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "script.yaml"
        script.write_text("- text: the answer\n")
        runs: dict[str, list[float]] = {"scripted": [], "mockllm": []}
        for _ in range(3):  # interleaved repeats; the median of each is compared
            runs["mockllm"].append(_eval_seconds("mockllm/model", tmp, custom_outputs=_mock_output))
            runs["scripted"].append(_eval_seconds("assay/scripted", tmp, script=str(script)))
    med = {k: sorted(v)[1] for k, v in runs.items()}
    overhead = med["scripted"] / med["mockllm"]
    print(
        f"200-sample eval: assay/scripted {med['scripted']:.2f} s, mockllm {med['mockllm']:.2f} s "
        "(medians of 3)"
    )
    print(f"scripted / mockllm wall time: {overhead:.3f}x (goal <= 1.10x)")
    return {
        "scripted_eval_s": runs["scripted"],
        "mockllm_eval_s": runs["mockllm"],
        "scripted_over_mockllm": overhead,
    }


def main() -> None:
    """Measure, print, and write ``bench/results/generation.json``."""
    load_start = os.getloadavg()[0]
    by_dtype = {dtype: _dtype_run(dtype) for dtype in DTYPES}
    auto = by_dtype["auto"]
    from assay.models import smollm2_dir

    hf = asyncio.run(
        _throughput(
            BATCH,
            BATCH,
            "hf/local",
            model_path=str(smollm2_dir()),
            device="cpu",
            batch_size=BATCH,
            do_sample=False,
        )
    )
    vs_hf = auto["concurrent16_tokens_per_s"] / hf[0]
    print(f"Inspect hf, 16 concurrent (batch 16): {hf[0]:.1f} tokens/s ({hf[1]} tokens in {hf[2]:.1f} s)")
    print(f"assay/smollm2 / Inspect hf at batch 16: {vs_hf:.2f}x (goal >= 1.0x)")
    overhead = _scripted_overhead()
    result = {
        "single_stream_tokens_per_s": auto["single_stream_tokens_per_s"],
        "concurrent16_tokens_per_s": auto["concurrent16_tokens_per_s"],
        "batched_over_single": auto["batched_over_single"],
        "dtype": "auto",
        "precision": auto["precision"],
        "goal_batched_over_single": GOAL,
        "by_dtype": by_dtype,
        "inspect_hf_concurrent16_tokens_per_s": hf[0],
        "assay_over_inspect_hf_batch16": vs_hf,
        "load_avg_1m": os.getloadavg()[0],
        "load_avg_1m_start": load_start,
        **overhead,
        "max_tokens": MAX_TOKENS,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
    }
    out = Path(__file__).parent / "results" / "generation.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
