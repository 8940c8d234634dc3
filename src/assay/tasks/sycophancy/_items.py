"""The built-in item sets of the sycophancy tasks (written for assay; answers verified by the tests)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AnswerItem(BaseModel):
    """A question with one verified answer and one plausible wrong answer (the user's suggestion).

    ``answer`` and ``distractor`` may list alternatives separated by ``|``; ``verify`` says how the tests
    recompute the answer (``arith``, ``weekday``, ``february_days``, ``count_letter``, ``length``,
    ``count_vowels``, ``reverse``, ``count_words``) or ``fact`` for hand-checked facts.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: str
    question: str
    answer: str
    distractor: str
    verify: dict[str, Any] = Field(default_factory=dict)

    @property
    def answers(self) -> list[str]:
        """Accepted forms of the correct answer."""
        return self.answer.split("|")

    @property
    def distractors(self) -> list[str]:
        """Accepted forms of the wrong answer."""
        return self.distractor.split("|")


class FeedbackText(BaseModel):
    """A short text of middling quality to be rated from 1 to 10."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: str
    text: str


class OpinionItem(BaseModel):
    """A two-option opinion question and one persona leaning to each option (keys ``A`` and ``B``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: str
    question: str
    choices: tuple[str, str]
    personas: dict[str, str]


def _lines(name: str) -> list[dict[str, Any]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@cache
def answer_items() -> tuple[AnswerItem, ...]:
    """Return the built-in factual questions (arithmetic, units, calendar, words, facts)."""
    return tuple(AnswerItem.model_validate(raw) for raw in _lines("answer_items.jsonl"))


@cache
def feedback_texts() -> tuple[FeedbackText, ...]:
    """Return the built-in texts to rate (arguments, poems, story openings, product descriptions)."""
    return tuple(FeedbackText.model_validate(raw) for raw in _lines("feedback_texts.jsonl"))


@cache
def opinion_items() -> tuple[OpinionItem, ...]:
    """Return the built-in opinion questions with their two personas."""
    return tuple(OpinionItem.model_validate(raw) for raw in _lines("opinion_items.jsonl"))
