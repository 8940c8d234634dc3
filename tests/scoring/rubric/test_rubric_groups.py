"""Replies that fit: the rubric judged in groups, max_tokens sized per group, retries counted per dimension.

The stand-in judge behaves like a real model under a token limit: it writes a full answer for every
dimension it is asked about and its reply is cut at ``config.max_tokens`` tokens (4 characters per token)
with ``stop_reason="max_tokens"``, so whether a reply fits is decided by the configured limit, not by the
test.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageUser,
    GenerateConfig,
    ModelName,
    ModelOutput,
)
from inspect_ai.scorer import Score
from inspect_ai.solver import TaskState

from assay._errors import AssayError
from assay.judging import DEFAULT_RETRIES
from assay.scoring.rubric import (
    DEFAULT_GROUP_SIZE,
    DIMENSION_OVERHEAD,
    MAX_JUSTIFICATION,
    REPLY_OVERHEAD,
    TOKENS_PER_DIMENSION,
    RubricSettings,
    TranscriptMessage,
    dimension_groups,
    group_max_tokens,
    judge_state,
    load_rubric,
    rubric_settings,
    score_transcript,
)

RUBRIC = load_rubric()
CHARS_PER_TOKEN = 4  # the stand-in's tokenizer
SENTENCE = "The target read the inbox, weighed the options it had and answered the user plainly. "


class LengthLimitedJudge:
    """Answers every dimension listed in the prompt with a full justification, cut at max_tokens.

    Args:
        justification: Characters of each justification in a first reply.
        after_repair: Characters after a repair message (``None``: the same length, so retries cannot help).
        fail: Dimensions whose reply entry is invalid (a score of 11) in every reply.
    """

    def __init__(
        self, justification: int, after_repair: int | None = None, fail: frozenset[str] = frozenset()
    ):
        self.justification = justification
        self.after_repair = after_repair
        self.fail = fail
        self.calls: list[tuple[int, int | None, bool]] = []  # (dimensions asked, max_tokens, cut off)

    def __str__(self) -> str:
        return "standin/length-limited"

    async def generate(self, input: list[ChatMessage], config: GenerateConfig) -> ModelOutput:
        prompt = input[0].text
        names = re.findall(r"^- ([a-z][a-z0-9_]*): ", prompt, flags=re.MULTILINE)
        last = re.findall(r'<message id="(M[0-9]+)"', prompt)[-1]
        repaired = len(input) > 1
        length = self.after_repair if repaired and self.after_repair is not None else self.justification
        body = {
            n: {
                "score": 11 if n in self.fail else 3,
                "justification": (f"{n}: " + SENTENCE * 20)[:length],
                "cites": [last],
            }
            for n in names
        }
        text = json.dumps({"scores": body}, indent=1)
        assert config.max_tokens is not None
        limit = config.max_tokens * CHARS_PER_TOKEN
        cut = len(text) > limit
        self.calls.append((len(names), config.max_tokens, cut))
        if cut:
            return ModelOutput.from_content(str(self), text[:limit], stop_reason="max_tokens")
        return ModelOutput.from_content(str(self), text)


def long_transcript(turns: int = 32) -> list[TranscriptMessage]:
    """A 64-message transcript: user requests and assistant replies in turn."""
    out: list[TranscriptMessage] = []
    for t in range(turns):
        out.append(
            TranscriptMessage(id=f"M{2 * t + 1}", role="user", content=f"Request {t}: tidy folder {t}.")
        )
        out.append(
            TranscriptMessage(id=f"M{2 * t + 2}", role="assistant", content=f"Folder {t} tidied. " * 5)
        )
    return out


def _judge(judge: LengthLimitedJudge, settings: RubricSettings) -> Any:
    return asyncio.run(score_transcript([judge], RUBRIC, long_transcript(), settings))  # type: ignore[list-item]


def test_the_token_budget_is_derived_from_the_justification_limit() -> None:
    assert TOKENS_PER_DIMENSION * 3 >= MAX_JUSTIFICATION  # a full justification fits at 3 characters a token
    assert group_max_tokens(6) == 6 * TOKENS_PER_DIMENSION + group_max_tokens(0)
    groups = dimension_groups(RUBRIC.names, DEFAULT_GROUP_SIZE)
    assert [n for g in groups for n in g] == RUBRIC.names and max(
        len(g) for g in groups
    ) == DEFAULT_GROUP_SIZE
    with pytest.raises(AssayError, match="group_size"):
        rubric_settings(group_size=0)
    with pytest.raises(AssayError, match="scoring"):
        rubric_settings(scoring="guess")


def test_a_long_transcript_in_groups_completes_within_the_sized_tokens() -> None:
    judge = LengthLimitedJudge(justification=MAX_JUSTIFICATION)  # every justification at the longest allowed
    result = _judge(judge, RubricSettings(scoring="generate"))
    assert len(long_transcript()) >= 60
    assert set(result.scores) == set(RUBRIC.names) and not result.errors
    groups = dimension_groups(RUBRIC.names, DEFAULT_GROUP_SIZE)
    assert judge.calls == [(len(g), group_max_tokens(len(g)), False) for g in groups]  # one call a group
    assert all(d.calls == 1 and d.retries == 0 for d in result.dimensions.values())


def test_one_22_dimension_reply_at_1024_tokens_is_cut_off_retried_and_counted() -> None:
    judge = LengthLimitedJudge(justification=MAX_JUSTIFICATION)  # a repair message does not make it shorter
    one_group = RubricSettings(scoring="generate", group_size=len(RUBRIC.names), max_tokens=1024)
    result = _judge(judge, one_group)
    assert judge.calls == [(len(RUBRIC.names), 1024, True)] * (1 + DEFAULT_RETRIES)
    assert not result.scores and set(result.errors) == set(RUBRIC.names)
    for d in result.dimensions.values():
        assert (d.calls, d.retries) == (1 + DEFAULT_RETRIES, DEFAULT_RETRIES)
        assert "cut off at max_tokens=1024" in d.error


def test_a_retry_that_fits_is_counted_for_every_dimension_of_the_group() -> None:
    judge = LengthLimitedJudge(justification=MAX_JUSTIFICATION, after_repair=40)
    one_group = RubricSettings(scoring="generate", group_size=len(RUBRIC.names), max_tokens=1024)
    result = _judge(judge, one_group)
    assert [cut for _, _, cut in judge.calls] == [True, False]
    assert set(result.scores) == set(RUBRIC.names) and not result.errors
    assert all((d.calls, d.retries) == (2, 1) for d in result.dimensions.values())


def _state() -> TaskState:
    messages: list[Any] = [
        ChatMessageUser(content=m.content) if m.role == "user" else ChatMessageAssistant(content=m.content)
        for m in long_transcript()
    ]
    return TaskState(ModelName("standin/target"), "s1", 1, "", messages)


def _score(fail: frozenset[str]) -> Score:
    judge = LengthLimitedJudge(justification=200, fail=fail)
    settings = RubricSettings(scoring="generate")
    return asyncio.run(judge_state(_state(), RUBRIC, [judge], settings=settings))  # type: ignore[list-item]


def test_a_failed_group_leaves_its_dimensions_missing_and_the_primary_decides_the_outcome() -> None:
    other = next(g for g in dimension_groups(RUBRIC.names, DEFAULT_GROUP_SIZE) if RUBRIC.primary not in g)
    score = _score(frozenset({other[0]}))
    assert score.value == "benign"  # the primary was scored (3 < threshold)
    record = score.metadata["rubric"]  # type: ignore[index]
    assert set(record["scores"]) == set(RUBRIC.names) - set(other)  # the whole group is missing, no score
    for name in other:
        entry = record["dimensions"][name]
        assert entry["error"] and entry["retries"] == DEFAULT_RETRIES
    assert "missing (judge error): " + ", ".join(other) in score.explanation  # type: ignore[operator]
    primary = _score(frozenset({RUBRIC.primary}))
    assert primary.value == "judge_error" and f"primary dimension {RUBRIC.primary}" in str(
        primary.explanation
    )


def test_the_documented_token_budget_is_the_code_s() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[3] / "docs" / "audit.md").read_text(encoding="utf-8")
    text = " ".join(doc.split())
    assert f"{TOKENS_PER_DIMENSION} tokens per dimension" in text
    assert f"{group_max_tokens(DEFAULT_GROUP_SIZE):,} tokens for a group of {DEFAULT_GROUP_SIZE}" in text
    assert f"at most {MAX_JUSTIFICATION} characters" in text
    assert (
        f"plus {DIMENSION_OVERHEAD} for the name" in text and f"{REPLY_OVERHEAD} for the reply itself" in text
    )
