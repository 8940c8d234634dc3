"""Typed results of the elicitation study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from pydantic import Field

from assay._strict import Strict


class ModelStage(Strict):
    """A trained organism directory (a lock or a decoy) and the number of examples it was trained on."""

    path: str
    n_examples: int


class Correct(Strict):
    """Per eval item: the forced choice picked the answer (``correct``) or the slip (``slipped``)."""

    correct: list[bool]
    slipped: list[bool] = Field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of items answered correctly."""
        return sum(self.correct) / max(len(self.correct), 1)


class SkillRow(Strict):
    """One candidate skill on the base model, on the selection split.

    Attributes:
        skill: The candidate's name.
        k: Items answered correctly.
        n: Items asked.
        lo: Lower end of the Wilson 95 % interval of ``k / n``.
        hi: Upper end.
        slipped: Items where the base model picked the slip.
        passes: The declared rule holds (``k / n >= chance + min_above_chance`` and ``lo > chance``).
    """

    skill: str
    k: int
    n: int
    lo: float
    hi: float
    slipped: int
    passes: bool


class BaseSkill(Strict):
    """The ``base_skill`` stage: every candidate measured, and the skill the declared rule locks."""

    rows: list[SkillRow]
    chance: float
    rule: str
    chosen: str | None


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
    """One elicitation method on one model at one k (k = 0 for expert iteration and consistency)."""

    method: str
    target: str
    k: int
    labels: int
    correct: Correct
    kept: int | None = None
    kept_correct: int | None = None
    kept_slip: int | None = None
    verifier_calls: int | None = None
    weak_accuracy: float | None = None
    weak_slip: float | None = None


class MethodResult(Strict):
    """Every point of one elicitation stage (method x target model)."""

    points: list[MethodPoint]


class ElicitRun(Strict):
    """Every stage result of one run, with stage times (``skill`` None: no candidate passed the rule)."""

    base_skill: BaseSkill
    skill: str | None
    profiles: dict[str, Profile] = Field(default_factory=dict)
    methods: list[MethodPoint] = Field(default_factory=list)
    timings: dict[str, float]
    skipped: list[str]
