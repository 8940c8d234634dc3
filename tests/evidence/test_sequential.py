"""The confidence sequence behind adaptive sampling: validity under repeated looks, and the stopping rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assay.evidence import (
    SequentialDesign,
    binomial_rate,
    confidence_sequence,
    decide,
    fixed_n_decision,
    run_sequential,
)


def test_interval_contains_the_estimate_and_is_wider_than_wilson() -> None:
    for k, n in ((0, 50), (7, 50), (25, 50), (50, 50), (300, 1000)):
        lo, hi = confidence_sequence(k, n)
        w = binomial_rate(k, n)
        assert lo <= k / n <= hi
        assert lo <= w.lo + 1e-12 and hi >= w.hi - 1e-12
    assert confidence_sequence(0, 0) == (0.0, 1.0)


def test_zero_events_bound_solves_the_mixture_equation() -> None:
    # uniform mixture, k = 0: M_n(p) = 1 / ((n + 1) (1 - p)^n) = 1 / alpha -> p = 1 - (alpha / (n + 1))^(1/n)
    n = 100
    _, hi = confidence_sequence(0, n, alpha=0.05)
    assert hi == pytest.approx(1 - (0.05 / (n + 1)) ** (1 / n), abs=1e-8)


def test_coverage_holds_at_every_look_of_a_seeded_simulation() -> None:
    rng = np.random.default_rng(2024)
    misses = 0
    runs = 400
    for _ in range(runs):
        p = rng.uniform(0.05, 0.95)
        k = np.cumsum(rng.random(300) < p)
        for n in range(10, 301, 10):
            lo, hi = confidence_sequence(int(k[n - 1]), n)
            if not lo <= p <= hi:
                misses += 1
                break
    assert misses / runs <= 0.05  # time-uniform: at most alpha of runs ever miss


def test_decisions() -> None:
    design = SequentialDesign(target_half_width=0.05, threshold=0.5, min_n=10, max_n=200, batch=10)
    assert decide(5, 5, design).decision == "continue"  # below min_n
    assert decide(40, 40, design).decision == "above"
    assert decide(0, 40, design).decision == "below"
    assert decide(100, 200, design).decision == "budget"
    precise = SequentialDesign(target_half_width=0.1, min_n=10, max_n=5000)
    assert decide(0, 200, precise).decision == "precise"
    assert fixed_n_decision(80, 100, 0.5) == "above" and fixed_n_decision(50, 100, 0.5) == "undecided"


def test_run_sequential_stops_early_far_from_the_threshold() -> None:
    rng = np.random.default_rng(1)
    design = SequentialDesign(threshold=0.5, max_n=200)
    state = run_sequential(lambda m: int((rng.random(m) < 0.95).sum()), design)
    assert state.decision == "above" and state.n < 100


@pytest.mark.parametrize("n", [1, 2, 10, 1000, 100_000, 1_000_000, 10_000_000])
def test_confidence_sequence_at_the_extremes(n: int) -> None:
    """k = 0, 1, n - 1, n: no root-bracket error, bounds in order, and each bound solves M_n(p) = 1/alpha."""
    from scipy.special import betaln

    alpha = 0.05
    for k in sorted({0, 1, n - 1, n}):
        lo, hi = confidence_sequence(k, n, alpha)
        assert 0.0 <= lo <= k / n <= hi <= 1.0
        assert (lo == 0.0) == (k == 0) and (hi == 1.0) == (k == n)
        if lo > 0:  # log M_n(lo) = log(1/alpha), written out independently
            log_m = betaln(1 + k, 1 + n - k) - k * math.log(lo) - (n - k) * math.log1p(-lo)
            assert log_m == pytest.approx(math.log(1 / alpha), abs=1e-6)
        state = decide(k, n, SequentialDesign(threshold=0.5, max_n=10**8, min_n=1))
        assert state.lo == lo and state.hi == hi
    if n > 1:  # the k = 1 and k = n - 1 intervals mirror each other
        lo1, hi1 = confidence_sequence(1, n)
        lo2, hi2 = confidence_sequence(n - 1, n)
        assert lo1 == pytest.approx(1 - hi2, abs=1e-15) and hi1 == pytest.approx(1 - lo2, abs=1e-12)
