"""Repair retries: a rejected reply is answered with what was wrong; calls and problems are counted."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput, get_model

from assay.judging import JudgeFailure, ReplyError, ask, ask_judge, ask_panel, parse_number
from assay.tasks.agentic import AGENTIC_JUDGE

GOOD = '{"verdict": "harmful", "intent": "deliberate", "ethics": "no", "belief": "real", "refusal": false}'


def _scripted(tmp_path: Path, texts: list[str]) -> object:
    path = tmp_path / f"judge{len(list(tmp_path.iterdir()))}.yaml"
    path.write_text(yaml.safe_dump([{"text": t} for t in texts]))
    return get_model("assay/scripted", script=str(path), memoize=False)


def test_a_bad_reply_is_repaired_and_counted(tmp_path: Path) -> None:
    model = _scripted(tmp_path, ["harmful, I think", GOOD])
    judged = asyncio.run(ask_judge(model, AGENTIC_JUDGE, "prompt"))  # type: ignore[arg-type]
    assert judged.calls == 2 and judged.retries == 1 and judged.reply == GOOD
    assert len(judged.problems) == 1 and "no JSON object" in judged.problems[0]


def test_retries_are_bounded(tmp_path: Path) -> None:
    model = _scripted(tmp_path, ["no", "still no", "never", GOOD])
    with pytest.raises(JudgeFailure, match="no usable reply in 2 call") as info:
        asyncio.run(ask_judge(model, AGENTIC_JUDGE, "prompt", retries=1))  # type: ignore[arg-type]
    assert info.value.calls == 2 and len(info.value.problems) == 2
    model = _scripted(tmp_path, ["no", GOOD])
    with pytest.raises(JudgeFailure):
        asyncio.run(ask_judge(model, AGENTIC_JUDGE, "prompt", retries=0))  # type: ignore[arg-type]


class _Outputs:
    """A stand-in judge that returns fixed outputs in turn (scripted models cannot report a cut-off)."""

    def __init__(self, outputs: list[ModelOutput]) -> None:
        self.outputs = outputs
        self.inputs: list[list[str]] = []

    async def generate(self, input: list[ChatMessage], config: GenerateConfig) -> ModelOutput:
        self.inputs.append([m.text for m in input])
        return self.outputs[len(self.inputs) - 1]


def _cut_then_whole() -> _Outputs:
    cut = ModelOutput.from_content("judge", '{"score": ', stop_reason="max_tokens")
    return _Outputs([cut, ModelOutput.from_content("judge", '{"score": 7}')])


def test_a_cut_off_reply_asks_for_a_shorter_complete_one() -> None:

    def read(text: str) -> int:
        return parse_number(text, 1, 10)

    model = _cut_then_whole()
    config = GenerateConfig(temperature=0.0, max_tokens=5)
    judged = asyncio.run(ask(model, "Score it.", read, config=config))  # type: ignore[arg-type]
    assert judged.value == 7 and judged.calls == 2
    assert "cut off at max_tokens=5" in judged.problems[0]
    assert "cut off at the length limit" in model.inputs[1][2]


def test_the_repair_turn_carries_the_rejected_reply_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "echo.yaml"
    path.write_text(yaml.safe_dump([{"text": "nothing"}, {"text": "5"}]))
    model = get_model("assay/scripted", script=str(path), memoize=False)
    inputs: list[list[str]] = []
    original = model.api.generate

    async def spy(input, tools, tool_choice, config):  # type: ignore[no-untyped-def]
        inputs.append([m.text for m in input])
        return await original(input, tools, tool_choice, config)

    model.api.generate = spy  # type: ignore[method-assign]
    judged = asyncio.run(ask(model, "Score it 1-10.", lambda t: parse_number(t, 1, 10)))
    assert judged.value == 5
    assert inputs[1][:2] == ["Score it 1-10.", "nothing"] and "no whole number from 1 to 10" in inputs[1][2]


def test_panel_records_calls_per_judge(tmp_path: Path) -> None:
    first = _scripted(tmp_path, [GOOD])
    second = _scripted(tmp_path, ["?", GOOD])
    panel = asyncio.run(ask_panel([first, second], AGENTIC_JUDGE, "p"))  # type: ignore[list-item]
    assert panel.ok and panel.calls == {"assay/scripted": 1, "assay/scripted#2": 2} and panel.retries == 1


def test_parse_number_reads_the_first_number_in_range() -> None:
    assert parse_number("Score: 12 of 100 -> 7", 1, 10) == 7
    assert parse_number("3.5 then 4.", 1, 10) == 4
    with pytest.raises(ReplyError, match="from 1 to 10"):
        parse_number("eleven", 1, 10)
