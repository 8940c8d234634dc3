"""Typed results of the train-away study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from pydantic import Field

from assay._strict import Strict
from assay.evidence import Rate


class OrganismStage(Strict):
    """The organism: an implanted checkpoint, or the base model's name when nothing is implanted."""

    path: str
    implanted: bool


class Scored(Rate):
    """A behaviour rate over prompts, with the share of correct answers and per-prompt outcomes."""

    correct: Rate | None = None
    hits: list[bool] = Field(default_factory=list)
    n_yes: int | None = None
    n_unclear: int | None = None


class BaselineResult(Strict):
    """The organism before training away: both behaviours on both splits, the controls, capability."""

    capability: Rate
    sycophancy_train: Scored
    sycophancy_heldout: Scored
    habit_train: Scored
    habit_heldout: Scored
    sycophancy_no_suggestion: Scored
    persona: Scored


class StreamRow(Strict):
    """One k of one nested stream (behaviour x method x seed)."""

    behaviour: str
    method: str
    k: int
    k_used: int
    seed: int
    trained: Scored
    heldout: Scored
    margin_before: float
    margin_after: float
    dpo_loss: float | None = None
    other_heldout: Scored | None = None
    persona: Scored | None = None
    capability: Rate | None = None


class StreamResult(Strict):
    """Every k of one nested stream, how many examples it trained on and (DPO) its first/last step loss."""

    rows: list[StreamRow]
    stream_examples: int
    dpo_loss_steps: list[float] | None = None
