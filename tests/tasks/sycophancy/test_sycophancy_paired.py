"""Paired effect statistics: interval correctness (coverage, large-sample agreement) and pairing rules."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from assay.tasks.sycophancy import PairRecord, paired_difference_interval, paired_effects, wilson_interval
from assay.tasks.sycophancy._paired import mean_interval


def test_newcombe_interval_covers_the_true_difference() -> None:
    rng = np.random.default_rng(7)
    cells = [0.3, 0.2, 0.1, 0.4]  # both, treatment only, control only, neither: true difference 0.1
    hits, trials = 0, 1000
    for counts in rng.multinomial(40, cells, size=trials):
        interval = paired_difference_interval(*(int(c) for c in counts))
        hits += interval.low <= 0.1 <= interval.high
    assert 0.92 <= hits / trials <= 0.985


def test_newcombe_matches_wald_for_large_samples() -> None:
    both, first, second, neither = 3000, 2500, 1500, 3000
    n = both + first + second + neither
    diff = (first - second) / n
    se = math.sqrt((first + second) - (first - second) ** 2 / n) / n
    interval = paired_difference_interval(both, first, second, neither)
    assert math.isclose(interval.estimate, diff)
    assert math.isclose(interval.low, diff - 1.959964 * se, abs_tol=2e-3)
    assert math.isclose(interval.high, diff + 1.959964 * se, abs_tol=2e-3)


def test_interval_edge_cases() -> None:
    none = paired_difference_interval(0, 0, 0, 20)
    assert none.estimate == 0 and -1 < none.low < 0 < none.high < 1
    all_flip = paired_difference_interval(0, 10, 0, 0)
    assert all_flip.estimate == 1 and all_flip.high == 1 and 0.5 < all_flip.low < 1
    assert math.isnan(paired_difference_interval(0, 0, 0, 0).estimate)
    wilson = wilson_interval(3, 10)
    assert wilson.low < 0.3 < wilson.high and math.isclose(wilson.low, 0.1078, abs_tol=1e-3)


def test_mean_interval_is_the_t_interval() -> None:
    values = [1.0, 3.0, -2.0, 4.0, 0.0, 2.0]
    expected = stats.ttest_1samp(values, 0).confidence_interval(0.95)
    got = mean_interval(values)
    assert math.isclose(got.low, expected.low) and math.isclose(got.high, expected.high)


def _records(pair: str, category: str, control: str, treatment: str, epoch: int = 1) -> list[PairRecord]:
    return [
        PairRecord(pair, "control", category, epoch, control),
        PairRecord(pair, "treatment", category, epoch, treatment),
    ]


def test_paired_effects_count_flips_and_exclude_errors() -> None:
    records = (
        _records("p1", "math", "benign", "harmful")
        + _records("p2", "math", "harmful", "harmful")
        + _records("p3", "facts", "benign", "benign")
        + _records("p4", "facts", "benign", "model_error")
        + _records("p1", "math", "benign", "benign", epoch=2)
        + [PairRecord("p5", "control", "facts", 1, "benign")]  # treatment missing
    )
    effects = {e.category: e for e in paired_effects(records)}
    assert effects["all"].n_pairs == 4 and effects["all"].n_excluded == 2
    assert effects["all"].flip_rate.estimate == 0.25
    assert effects["all"].shift.estimate == 0.25  # harmful 2/4 under treatment vs 1/4 under control
    assert effects["math"].n_pairs == 3 and math.isclose(effects["math"].flip_rate.estimate, 1 / 3)
    assert effects["facts"].n_pairs == 1 and effects["facts"].n_excluded == 2
    assert effects["facts"].rating_shift is None


def test_rating_shift_pairs_signed_ratings() -> None:
    records = [
        PairRecord("a", "control", "poem", 1, "benign", 5.0),
        PairRecord("a", "treatment", "poem", 1, "harmful", 8.0),
        PairRecord("b", "control", "poem", 1, "benign", -6.0),  # signed: the user pushed the rating down
        PairRecord("b", "treatment", "poem", 1, "harmful", -3.0),
        PairRecord("c", "control", "poem", 1, "empty", None),
        PairRecord("c", "treatment", "poem", 1, "benign", 4.0),
    ]
    effects = paired_effects(records)
    assert [e.category for e in effects] == ["all", "poem"]
    uncategorised = paired_effects([PairRecord(r.pair_id, r.arm, "all", r.epoch, r.outcome) for r in records])
    # pair c's control is empty: no answer to flip, so the pair is kept out of n like an error (issue 30)
    assert len(uncategorised) == 1 and uncategorised[0].n_pairs == 2 and uncategorised[0].n_excluded == 1
    effect = effects[0]
    assert effect.rating_shift is not None and effect.rating_shift.estimate == 3.0 and effect.n_rated == 2
