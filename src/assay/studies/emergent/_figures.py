"""The typed figures of the emergent study's analysis, built once by ``_analysis.analyse`` for the report.

``metrics.json`` keeps them under ``extra`` as :meth:`EmergentAnalysis.model_dump` writes them (keys named
as the fields, except the random directions' percentiles, ``random_2.5`` and ``random_97.5``; a difference
from the benign arm is left out when the study has no benign arm).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from assay._strict import Strict
from assay.evidence import Rate
from assay.studies.emergent._results import CausalMetrics


class Interval(Strict):
    """A point estimate with its 95 % interval (and its bootstrap standard error, where one was drawn)."""

    estimate: float
    lo: float
    hi: float
    se: float | None = None


class Contrast(Strict):
    """``treatment - control`` on the same items and seeds, clustered by item and seed (``_stats``).

    Attributes:
        treatment: The treated arm.
        control: The control arm (or ``base``).
        share: Difference of the misaligned-preference shares, two-way bootstrap 95 % interval and SE.
        log_odds: Difference of the mean log-odds, the same way.
        mde_share: Minimum detectable difference of the share (80 % power, two-sided 0.05): 2.80 SE.
        mde_log_odds: The same for the mean log-odds.
        per_seed_share: The share difference of each seed (seed ``s`` of both arms; the base model's one
            measurement against every seed).
        n_items: Items; n_seeds: seeds; n_phrasings: phrasings per item.
    """

    treatment: str
    control: str
    share: Interval
    log_odds: Interval
    mde_share: float
    mde_log_odds: float
    per_seed_share: list[float]
    n_items: int
    n_seeds: int
    n_phrasings: int


class MatrixSummary(Strict):
    """One arm's ``[seeds, phrasings, items]`` log-odds: share > 0 and mean log-odds, clustered intervals.

    Attributes:
        share: Cells (seed x phrasing x item) where the treatment answer is the more probable (counts; its
            Wilson interval treats cells as independent and is not the one reported).
        share_ci: The share with its two-way (item, seed) bootstrap interval.
        log_odds: Mean log-odds with its two-way bootstrap interval.
        per_seed_share: The share of each seed.
        per_seed_log_odds: The mean log-odds of each seed.
        per_phrasing_share: The share of each phrasing (seeds pooled; the original question first).
        n_items: Items.
        n_seeds: Seeds (1 for the base model).
        n_phrasings: Phrasings per item (1 for the narrow check and capability).
    """

    share: Rate
    share_ci: Interval
    log_odds: Interval
    per_seed_share: list[float]
    per_seed_log_odds: list[float]
    per_phrasing_share: list[float]
    n_items: int
    n_seeds: int
    n_phrasings: int


class ArmSummary(MatrixSummary):
    """One arm's summary and its difference from the base model (``None`` for the base model itself)."""

    minus_base: Contrast | None = None


class MeasureFigures(Strict):
    """Per forward-pass measure, per arm (and the base model, ``base``): the arm's summary."""

    forced_choice: dict[str, ArmSummary]
    narrow: dict[str, ArmSummary]
    capability: dict[str, ArmSummary]


class Power(Strict):
    """Minimum detectable increase over a reference arm (80 % power, alpha 0.05).

    Attributes:
        reference: The reference arm.
        baseline: Its rate.
        n_per_arm: Observations per arm.
        design_effect: The design effect the effective n is divided by.
        mde: The minimum detectable increase.
    """

    reference: str
    baseline: float
    n_per_arm: int
    design_effect: int | float
    mde: float


class ForcedChoiceVariant(Strict):
    """The forced-choice rate of every arm under one variant of the decision rule."""

    rule: str
    declared: bool
    rates: dict[str, float]
    n: dict[str, int]


class ForcedChoiceRules(Strict):
    """The forced-choice decision rule varied; per arm the min - max rate over the variants."""

    variants: list[ForcedChoiceVariant]
    spread: dict[str, tuple[float, float]]
    minus_primary_spread: tuple[float, float]


class MeanScore(Strict):
    """The mean argmax score of one criterion over the answers the judge scored (``None`` when none)."""

    mean: float | None
    n: int


class VariantRate(Strict):
    """The judged rate of one group of answers under one judge configuration and rule variant."""

    judge: str
    rule: str
    k: int
    n: int
    rate: float


class Sensitivity(Strict):
    """Judged rates under every rule variant and judge, the spread at the declared thresholds and overall."""

    variants: list[VariantRate]
    judge_spread: tuple[float, float] | None
    spread: tuple[float, float] | None


class JudgedFigures(Strict):
    """One arm's judged free text (seeds pooled), per judge configuration where keyed by judge.

    Attributes:
        rate: The declared rule's misaligned rate (refusals and judge errors counted apart).
        finance_leak: Answers that talk about money although the question does not.
        rate_without_leak: The declared rule's rate without those answers.
        alignment: Mean alignment score.
        coherence: Mean coherence score.
        sensitivity: The rate under every rule variant and judge.
        minus_primary: The rate minus the educational arm's (Newcombe interval; answers, not seeds, are
            the unit here: a judged-path limitation).
    """

    rate: dict[str, Rate]
    finance_leak: Rate
    rate_without_leak: dict[str, Rate]
    alignment: dict[str, MeanScore]
    coherence: dict[str, MeanScore]
    sensitivity: Sensitivity
    minus_primary: dict[str, Interval | None] = Field(default_factory=dict)


_PERCENTILE_KEYS = {"random_lo": "random_2.5", "random_hi": "random_97.5"}


class RandomComparison(Strict):
    """One metric of an intervention: the declared direction's change against the random directions'.

    Attributes:
        target: The declared direction's change.
        random_median: The random directions' median change.
        random_lo: Their 2.5th percentile (``random_2.5`` in ``metrics.json``).
        random_hi: Their 97.5th percentile (``random_97.5``).
        random_max_abs: Their largest absolute change.
        p_random: Share of random directions with a change at least as large (+1 corrected).
        n_random: Random directions.
        detectable: The smallest absolute change that would beat the random directions at p <= 0.05 (on
            the share metrics a multiple of 1 / items; ``None`` when no change could, too few directions).
    """

    target: float
    random_median: float
    random_lo: float
    random_hi: float
    random_max_abs: float
    p_random: float
    n_random: int
    detectable: float | None = None

    @model_serializer(mode="wrap")
    def _percentile_names(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {_PERCENTILE_KEYS.get(k, k): v for k, v in handler(self).items()}


class CausalSummary(Strict):
    """One intervention (ablate or add): the unchanged model's metrics and every metric's comparison."""

    before: CausalMetrics
    norm: float
    layer: int
    model: str
    n_items: int
    metrics: dict[str, RandomComparison]


class EmergentAnalysis(Strict):
    """Every figure of the study, computed once from the stage results (the report only formats them).

    Attributes:
        figures: Forced choice, the narrow check and capability, per arm.
        forced_choice_rules: The forced-choice decision rule varied.
        judged: The judged free text, per arm.
        primary: The primary contrast's control arm (``educational``: the same reckless answers, benign
            intent); ``contrasts`` has it first.
        contrasts: Forced choice, harmful arm minus each control (educational, secure, benign, base), with
            the minimum detectable effect of each.
        power_free_text: Judged path: over the educational arm (``None`` without valid verdicts there).
        causal: The causal test's summary, per intervention (``ablate``, ``add``).
    """

    figures: MeasureFigures
    forced_choice_rules: ForcedChoiceRules
    judged: dict[str, JudgedFigures]
    primary: str
    contrasts: dict[str, Contrast]
    power_free_text: Power | None
    causal: dict[str, CausalSummary]
