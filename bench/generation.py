"""Generation benchmark (not a test): batched vs single-stream on assay/smollm2, scripted vs mockllm overhead.

Prints, measured in one run:
  * output tokens/s of assay/smollm2 answering one request at a time, and with 16 concurrent requests,
    and their ratio (goal >= 8x);
  * the wall-time ratio of a 200-sample Inspect eval on assay/scripted against the same eval on Inspect's
    own mockllm model (goal <= 1.10x).
Writes bench/results/generation.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import GenerateConfig, ModelOutput, ModelUsage, get_model
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


async def _throughput(
    concurrency: int, requests: int, name: str = "assay/smollm2", **model_args: Any
) -> tuple[float, int, float]:
    model = get_model(name, config=GenerateConfig(temperature=0, max_tokens=MAX_TOKENS), **model_args)
    config = GenerateConfig(temperature=0, max_tokens=MAX_TOKENS)
    await model.generate(QUESTIONS[0], config=config)  # warm-up
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
    return tokens / elapsed, tokens, elapsed


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


def main() -> None:
    single = asyncio.run(_throughput(concurrency=1, requests=4))
    batched = asyncio.run(_throughput(concurrency=16, requests=16))
    ratio = batched[0] / single[0]
    print(f"assay/smollm2 single-stream: {single[0]:.1f} tokens/s ({single[1]} tokens in {single[2]:.1f} s)")
    print(
        f"assay/smollm2 16 concurrent: {batched[0]:.1f} tokens/s ({batched[1]} tokens in {batched[2]:.1f} s)"
    )
    print(f"batched / single-stream throughput: {ratio:.2f}x (goal >= 8x)")
    from assay.models import smollm2_dir

    hf = asyncio.run(
        _throughput(
            16, 16, "hf/local", model_path=str(smollm2_dir()), device="cpu", batch_size=16, do_sample=False
        )
    )
    vs_hf = batched[0] / hf[0]
    print(f"Inspect hf, 16 concurrent (batch 16): {hf[0]:.1f} tokens/s ({hf[1]} tokens in {hf[2]:.1f} s)")
    print(f"assay/smollm2 / Inspect hf at batch 16: {vs_hf:.2f}x (goal >= 1.0x)")

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

    out = Path(__file__).parent / "results" / "generation.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "single_stream_tokens_per_s": single[0],
                "concurrent16_tokens_per_s": batched[0],
                "batched_over_single": ratio,
                "inspect_hf_concurrent16_tokens_per_s": hf[0],
                "assay_over_inspect_hf_batch16": vs_hf,
                "load_avg_1m": os.getloadavg()[0],
                "scripted_eval_s": runs["scripted"],
                "mockllm_eval_s": runs["mockllm"],
                "scripted_over_mockllm": overhead,
                "max_tokens": MAX_TOKENS,
                "machine": {
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "python": sys.version.split()[0],
                },
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
