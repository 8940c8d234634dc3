"""assay/smollm2: conversion from the shipped GGUF, Inspect runs offline, batching, tool protocol."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.scorer import includes
from inspect_ai.solver import generate, use_tools
from inspect_ai.tool import Tool, tool

from assay.models import GenParams, count_parameters, generate_batch, gguf_path, list_local_models

pytestmark = pytest.mark.slow  # trains a study or loads SmolLM2: `make test-fast` skips it


def test_conversion_and_catalog(smollm2_path: Path) -> None:
    assert gguf_path().suffix == ".gguf"
    assert (smollm2_path / "model.safetensors").is_file() and (smollm2_path / "tokenizer.json").is_file()
    assert 130e6 < count_parameters(smollm2_path) < 140e6
    row = next(r for r in list_local_models() if r.name == "assay/smollm2")
    assert row.cached and row.location == str(smollm2_path)


def test_inspect_cli_eval_offline(tmp_path: Path, smollm2_path: Path) -> None:
    inspect = Path(sys.executable).with_name("inspect")
    proc = subprocess.run(
        [str(inspect), "eval", "assay/capability_qa", "--model", "assay/smollm2", "--limit", "4",
         "--log-dir", str(tmp_path), "--display", "none"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    logs = list(tmp_path.glob("*.eval"))
    assert len(logs) == 1
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(logs[0]))
    assert log.status == "success" and len(log.samples) == 4
    assert log.results.scores[0].metrics["accuracy"].value >= 0.5  # a real model answers easy facts


def test_greedy_batched_equals_unbatched(smollm2_model: tuple[Any, Any]) -> None:
    model, tok = smollm2_model
    qs = ["What is the capital of Italy?", "Name a fruit.", "Say hello in French, please.", "What is 2+2?"]
    msgs = [[{"role": "user", "content": q}] for q in qs]
    ps = [tok.apply_chat_template(m, tokenize=False, add_generation_prompt=True) for m in msgs]
    params = GenParams(max_new_tokens=16, temperature=0)
    batched = [r.text for r in generate_batch(model, tok, ps, params)]
    single = [generate_batch(model, tok, [p], params)[0].text for p in ps]
    assert batched == single


@tool
def calculator() -> Tool:
    async def execute(expression: str) -> str:
        """Evaluate an arithmetic expression.

        Args:
            expression: Digits and + - * / only.
        """
        if not set(expression) <= set("0123456789+-*/ ()."):
            return "error: only arithmetic"
        return str(eval(expression))

    return execute


def test_tool_task_runs_end_to_end(tmp_path: Path, smollm2_path: Path) -> None:
    task = Task(
        dataset=[
            Sample(input="Use the calculator tool to compute 12*7, then tell me the result.", target="84")
        ],
        solver=[use_tools(calculator()), generate()],
        scorer=includes(),
        message_limit=8,
    )
    (log,) = eval(task, model="assay/smollm2", log_dir=str(tmp_path), temperature=0, max_tokens=64)
    assert log.status == "success"
    sample = log.samples[0]
    assert sample.error is None
    system = sample.messages[0] if sample.messages[0].role == "system" else None
    assert sample.output.completion is not None and len(sample.messages) >= 2
    assert system is None or "calculator" in system.text
