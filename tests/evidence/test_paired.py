"""Paired comparisons: McNemar exact against the binomial test, bootstrap interval sanity, pair finding."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from assay.evidence import (
    compare_paired,
    condition_pair_comparisons,
    mcnemar_exact,
    model_comparisons,
    paired_bootstrap_interval,
    validate_table,
)


def test_mcnemar_exact_is_the_binomial_test_on_discordant_pairs() -> None:
    assert mcnemar_exact(10, 2) == pytest.approx(binomtest(2, 12, 0.5).pvalue)
    assert mcnemar_exact(10, 2) == pytest.approx(0.03857, abs=1e-4)  # textbook value 2 * P(X <= 2 | 12, 0.5)
    assert mcnemar_exact(0, 0) == 1.0


def test_paired_bootstrap_covers_a_known_difference() -> None:
    rng = np.random.default_rng(0)
    n = 400
    a = (rng.random(n) < 0.6).astype(int)
    b = np.where(rng.random(n) < 0.8, a, 1 - a)  # B agrees with A 80 % of the time
    b[rng.random(n) < 0.15] = 0  # and is lower
    lo, hi, method = paired_bootstrap_interval(a - b, seed=1)
    d = float(np.mean(a - b))
    se = float(np.std(a - b, ddof=1) / np.sqrt(n))
    assert lo < d < hi
    assert (hi - lo) == pytest.approx(2 * 1.96 * se, rel=0.2)
    assert "bootstrap" in method


def test_bootstrap_degenerate_and_clustered() -> None:
    lo, hi, method = paired_bootstrap_interval(np.zeros(10))
    assert math.isnan(lo) and math.isnan(hi) and "not estimable" in method  # never a zero-width interval
    d = np.array([1, 1, 1, 0, 0, 0, 1, 0])
    g = np.array([0, 0, 0, 1, 1, 1, 2, 3])
    lo, hi, _ = paired_bootstrap_interval(d, g, seed=0)
    assert lo <= d.mean() <= hi


def _pair_table() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for model, p in (("m1", 0.7), ("m2", 0.3)):
        for s in range(30):
            for epoch in (1, 2):
                outcome = "harmful" if rng.random() < p else "benign"
                if model == "m2" and s == 0 and epoch == 1:
                    outcome = "model_error"
                rows.append(
                    {
                        "task": "t",
                        "model": model,
                        "sample_id": f"s{s}",
                        "epoch": epoch,
                        "outcome": outcome,
                        "prompt_sha256": f"h{s}",
                        "condition_id": "c",
                    }
                )
    return validate_table(pd.DataFrame(rows))


def test_model_comparison_pairs_by_sample_and_epoch_and_drops_errors() -> None:
    table = _pair_table()
    (cmp,) = model_comparisons(table, ["harmful"])
    assert (cmp.a, cmp.b) == ("m1", "m2")
    assert cmp.n_pairs == 59 and cmp.n_dropped == 1
    assert cmp.both + cmp.only_a + cmp.only_b + cmp.neither == 59
    assert cmp.p_value == pytest.approx(mcnemar_exact(cmp.only_a, cmp.only_b))
    assert cmp.diff == pytest.approx(cmp.rate_a - cmp.rate_b)
    assert cmp.lo <= cmp.diff <= cmp.hi
    assert cmp.n_clusters == 30


def test_condition_pairs_via_pair_id() -> None:
    rows = []
    for pair in range(10):
        for epoch in (1, 2, 3):
            rows.append(
                {
                    "task": "t",
                    "model": "m",
                    "sample_id": f"p{pair}-on",
                    "epoch": epoch,
                    "pair_id": f"p{pair}",
                    "condition_id": "on",
                    "outcome": "harmful" if pair < 8 else "benign",
                    "prompt_sha256": f"on{pair}",
                }
            )
            rows.append(
                {
                    "task": "t",
                    "model": "m",
                    "sample_id": f"p{pair}-off",
                    "epoch": epoch,
                    "pair_id": f"p{pair}",
                    "condition_id": "off",
                    "outcome": "harmful" if pair == 0 else "benign",
                    "prompt_sha256": f"off{pair}",
                }
            )
    (cmp,) = condition_pair_comparisons(validate_table(pd.DataFrame(rows)), ["harmful"])
    assert (cmp.a, cmp.b) == ("off", "on")
    assert cmp.n_pairs == 30 and cmp.only_b == 21 and cmp.only_a == 0
    assert cmp.diff == pytest.approx(-0.7)
    assert cmp.hi < 0
    direct = compare_paired([1, 0, 1], [0, 0, 1])
    assert direct.only_a == 1 and direct.both == 1


@pytest.mark.parametrize(("only_a", "only_b", "n"), [(0, 0, 10), (10, 0, 10), (0, 10, 10), (0, 0, 1000)])
def test_all_equal_differences_get_a_positive_width_interval(only_a: int, only_b: int, n: int) -> None:
    ya = np.array([1] * only_a + [0] * (n - only_a))
    yb = np.array([1] * only_b + [0] * (n - only_b))
    c = compare_paired(ya, yb)
    assert c.hi - c.lo > 0.001 and c.lo <= c.diff <= c.hi and "Bonett-Price" in c.ci_method
    if only_a == only_b == 0:
        assert c.lo < 0 < c.hi


def test_paired_interval_covers_when_discordance_is_rare() -> None:
    """p(only A) = p(only B) = 0.005, n = 10: most samples have every difference equal to zero."""
    rng = np.random.default_rng(11)
    covered = zero_width = 0
    reps = 400
    for _ in range(reps):
        r = rng.random(10)
        ya = (r < 0.005).astype(int)
        yb = ((r >= 0.005) & (r < 0.01)).astype(int)
        c = compare_paired(ya, yb)
        covered += c.lo <= 0.0 <= c.hi
        zero_width += c.hi - c.lo < 1e-9
    assert zero_width == 0 and covered / reps >= 0.95


def test_clustered_pairs_widen_the_interval() -> None:
    ya = np.array([1, 1, 1, 1, 0, 0, 0, 0] * 5)
    yb = np.zeros(40, dtype=int)
    iid = compare_paired(ya, yb)
    clustered = compare_paired(ya, yb, np.repeat(np.arange(10), 4))  # whole clusters agree
    assert clustered.hi - clustered.lo > iid.hi - iid.lo and "clustered" in clustered.ci_method
