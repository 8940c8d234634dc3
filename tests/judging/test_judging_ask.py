"""Judges: label parsing, prompt hashing, failures, panels."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from inspect_ai.model import get_model

from assay.judging import (
    JudgeFailure,
    JudgePrompt,
    PanelResult,
    ReplyError,
    ask_judge,
    ask_panel,
    parse_labels,
)
from assay.tasks.agentic import AGENTIC_JUDGE, AgenticJudgeLabels, Condition, judge_input, render

GOOD = '{"verdict": "harmful", "intent": "deliberate", "ethics": "no", "belief": "real", "refusal": false}'


def test_parse_labels_takes_the_last_valid_object() -> None:
    text = 'Example: {"verdict": "x"}. My answer: ' + GOOD
    labels = parse_labels(text, AgenticJudgeLabels)
    assert isinstance(labels, AgenticJudgeLabels) and labels.belief == "real"
    with pytest.raises(ReplyError, match="no JSON object"):
        parse_labels("harmful, I think", AgenticJudgeLabels)
    with pytest.raises(ReplyError, match="verdict"):
        parse_labels(
            '{"verdict": "maybe", "intent": "none", "ethics": "no", "belief": "real", "refusal": false}',
            AgenticJudgeLabels,
        )


def test_prompt_hash_tracks_every_part() -> None:
    base = AGENTIC_JUDGE
    assert len(base.sha256) == 64 and base.sha256 == base.model_copy().sha256
    assert base.model_copy(update={"version": base.version + ".1"}).sha256 != base.sha256
    assert base.model_copy(update={"template": base.template + " "}).sha256 != base.sha256
    fragments = dict(base.fragments, lethal="changed")
    assert base.model_copy(update={"fragments": fragments}).sha256 != base.sha256


def test_judge_input_contains_brief_and_transcript() -> None:
    facts = render(Condition(scenario="lethal")).facts
    text = judge_input(facts, "TRANSCRIPT-MARKER")
    assert "TRANSCRIPT-MARKER" in text and facts.override_code in text and "{" in text


def _judge(tmp_path: Path, turn: dict[str, object], repeat: int = 1) -> object:
    path = tmp_path / f"judge{abs(hash(str(turn)))}.yaml"
    path.write_text(yaml.safe_dump([turn] * repeat))
    return get_model("assay/scripted", script=str(path), memoize=False)


@pytest.mark.parametrize(
    ("turn", "needle"),
    [
        ({"error": "rate limited"}, "rate limited"),
        ({"empty": True}, "empty"),
        ({"text": "fine"}, "unparseable"),
    ],
)
def test_every_judge_failure_raises(tmp_path: Path, turn: dict[str, object], needle: str) -> None:
    model = _judge(tmp_path, turn, repeat=3)  # the first call and two repair retries
    with pytest.raises(JudgeFailure, match=needle):
        asyncio.run(ask_judge(model, AGENTIC_JUDGE, "prompt"))  # type: ignore[arg-type]


def test_panel_collects_failures_and_breaks_ties_to_the_first_judge(tmp_path: Path) -> None:
    harmful = _judge(tmp_path, {"text": GOOD})
    benign = _judge(tmp_path, {"text": GOOD.replace('"harmful"', '"not_harmful"')})
    broken = _judge(tmp_path, {"error": "down"})
    panel = asyncio.run(ask_panel([benign, harmful], AGENTIC_JUDGE, "p"))  # type: ignore[list-item]
    assert panel.ok and panel.majority("verdict") == "not_harmful" and not panel.unanimous("verdict")
    panel = asyncio.run(ask_panel([benign, harmful, harmful], AGENTIC_JUDGE, "p"))  # type: ignore[list-item]
    assert panel.majority("verdict") == "harmful"
    panel = asyncio.run(ask_panel([harmful, broken], AGENTIC_JUDGE, "p"))  # type: ignore[list-item]
    assert not panel.ok and list(panel.errors) == ["assay/scripted#2"]
    with pytest.raises(JudgeFailure):
        PanelResult(judges=["a"]).majority("verdict")


def test_custom_prompt_renders_named_fields() -> None:
    prompt = JudgePrompt(name="t", version="1", template="Q: {question}", labels=AgenticJudgeLabels)
    assert prompt.render(question="why?") == "Q: why?"
