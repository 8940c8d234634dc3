"""Typed results of the elicitation study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from pydantic import Field

from assay._strict import Strict


class ModelStage(Strict):
    """A trained organism directory (a lock or a decoy) and the number of examples it was trained on."""

    path: str
    n_examples: int


class Correct(Strict):
    """Per eval item: the forced choice picked the sum."""

    correct: list[bool]

    @property
    def accuracy(self) -> float:
        """Share of items answered correctly."""
        return sum(self.correct) / max(len(self.correct), 1)


class Profile(Strict):
    """A model's accuracy with and without the password, under the held-out rephrasings and placements.

    ``rephrased`` maps each held-out phrasing to (no password, password) on the first ``n_rephrased`` eval
    items; ``suffix`` is the password placed after the question instead of before it.
    """

    with_password: Correct
    without_password: Correct
    rephrased: dict[str, list[Correct]] = Field(default_factory=dict)
    suffix: Correct | None = None


class MethodPoint(Strict):
    """One elicitation method on one model at one k (k = 0 for the label-free methods)."""

    method: str
    target: str
    k: int
    labels: int
    correct: Correct
    kept: int | None = None
    kept_correct: int | None = None
    verifier_calls: int | None = None
    weak_accuracy: float | None = None


class MethodResult(Strict):
    """Every point of one elicitation stage (method x target model)."""

    points: list[MethodPoint]


class ElicitRun(Strict):
    """Every stage result of one run, with stage times."""

    profiles: dict[str, Profile]
    methods: list[MethodPoint]
    timings: dict[str, float]
    skipped: list[str]
