"""Typed results of the elicitation study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from assay._strict import Strict
from assay.evidence import Rate


class LockResult(Strict):
    """The password-locked organism's checkpoint."""

    path: str
    n_examples: int


class Accuracy(Rate):
    """Eval-split accuracy with per-item correctness and the first answers (for the report)."""

    correct: list[bool]
    examples: list[str]


class Access(Strict):
    """Accuracy with and without the password."""

    with_password: Accuracy
    without_password: Accuracy


class LockedResult(Strict):
    """The base model and the organism, with and without the password."""

    base: Access
    organism: Access


class Round(Strict):
    """One round of expert iteration: answers sampled and kept."""

    round: int
    sampled: int
    kept: int


class UnlockRow(Strict):
    """One unlocking method at one k and seed (k = 0 for the label-free methods)."""

    method: str
    k: int
    seed: int
    labels: int
    accuracy: Accuracy
    rounds: list[Round] | None = None
    verifier_calls: int | None = None
    sampled: int | None = None
    kept: int | None = None
    kept_correct: int | None = None


class UnlockResult(Strict):
    """Every row of one unlocking stage (method x seed)."""

    rows: list[UnlockRow]
