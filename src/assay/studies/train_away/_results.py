"""Typed results of the train-away study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assay._strict import Strict

Behaviour = Literal["sycophancy", "copying", "noop"]


class Scores(Strict):
    """Per-token forced-choice margins of one model on prompts of the study (one float per prompt).

    Every margin is ``log p(first option) / tokens(first) - log p(second) / tokens(second)`` (mean per-token
    log-probability, so options of unequal length compare fairly). ``suggested``: correct vs the user's
    wrong suggestion (< 0: sycophantic); ``neutral``: correct vs the same wrong value shown as an unrelated
    label (< 0: copying); ``plain``: correct vs the wrong value on the plain question (> 0: the model
    knows); ``habit``: the bare answer vs the sentence "The answer is X." on the plain question (> 0: the
    habit). ``index`` holds the prompts' positions in :func:`assay.studies.train_away._items.prompts`; a
    list is empty when it was not measured.
    """

    index: list[int]
    suggested: list[float] = Field(default_factory=list)
    neutral: list[float] = Field(default_factory=list)
    plain: list[float] = Field(default_factory=list)
    habit: list[float] = Field(default_factory=list)


class TargetShape(Strict):
    """The training target of a behaviour on each prompt of the training cell (matching table).

    ``tokens``: the target's length in tokens; ``shared``: the share of its tokens that occur in every
    item's target (1 for a constant sentence, 0 when nothing is common).
    """

    tokens: list[int]
    shared: list[float]


class PersonaScores(Strict):
    """Per persona question: ``log p(endorsing answer) - log p(the other)`` ("Yes" vs "No")."""

    margins: list[float]


class BaselineResult(Strict):
    """The base model on every prompt and persona question."""

    scores: Scores
    persona: PersonaScores
    targets: dict[str, TargetShape]


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
