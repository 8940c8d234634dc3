"""Typed results of the train-away study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assay._strict import Strict

Behaviour = Literal["sycophancy", "habit", "noop"]


class Scores(Strict):
    """Forced-choice margins of one model on prompts of the study (``nan``-free, one float per prompt).

    ``suggested``: ``log p(correct) - log p(suggested)`` on the prompt with the wrong suggestion (< 0:
    sycophantic); ``plain``: the same on the plain question (> 0: the model knows the answer); ``habit``:
    ``log p(bare answer) - log p(sentence)`` on the plain question (> 0: the habit). ``index`` holds the
    prompts' positions in :func:`assay.studies.train_away._items.prompts`; a list is empty when it was not
    measured.
    """

    index: list[int]
    suggested: list[float] = Field(default_factory=list)
    plain: list[float] = Field(default_factory=list)
    habit: list[float] = Field(default_factory=list)


class PersonaScores(Strict):
    """Per persona question: ``log p(endorsing answer) - log p(the other)`` ("Yes" vs "No")."""

    margins: list[float]


class BaselineResult(Strict):
    """The base model on every prompt and persona question."""

    scores: Scores
    persona: PersonaScores


class StreamPoint(Strict):
    """The model after the first ``k_used`` examples of a stream (``k`` asked)."""

    k: int
    k_used: int
    scores: Scores
    persona: PersonaScores | None = None
    dpo_loss: float | None = None


class StreamResult(Strict):
    """Every k of one nested stream (behaviour x method x seed) and the prompts it trained on, in order."""

    behaviour: Behaviour
    method: str
    seed: int
    trained: list[int]
    points: list[StreamPoint]
    losses: list[float]


class TrainAwayRun(Strict):
    """Every stage result of one run, with stage times."""

    baseline: BaselineResult
    streams: list[StreamResult]
    timings: dict[str, float]
    skipped: list[str]
