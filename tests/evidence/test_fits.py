"""The numpy fits and intervals of assay.evidence against statsmodels and scipy on the same data."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from assay.evidence._distributions import (
    binomial_cdf,
    chi2_sf,
    normal_quantile,
    normal_two_sided_p,
    t_quantile,
    t_two_sided_p,
)
from assay.evidence._fits import binomial_logit, least_squares, weighted_least_squares_hc3
from assay.evidence._paired import mcnemar_exact
from assay.evidence._power import arcsine_effect_for_power
from assay.evidence._rates import proportion_interval


def _design(seed: int, rows: int = 60, k: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.ones(rows), (rng.random((rows, k - 1)) < 0.5).astype(float)])
    groups = np.repeat(np.arange(rows // 3), 3)
    trials = rng.integers(1, 12, rows).astype(float)
    return x, groups, trials


@pytest.mark.parametrize("seed", range(6))
def test_binomial_logit_matches_statsmodels_glm_with_cluster_covariance(seed: int) -> None:
    import statsmodels.api as sm

    x, groups, trials = _design(seed)
    rng = np.random.default_rng(100 + seed)
    p = 1 / (1 + np.exp(-(x @ np.array([-0.5, 1.0, -0.7, 0.4]))))
    successes = rng.binomial(trials.astype(int), p).astype(float)
    ours = binomial_logit(x, successes, trials, groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm.GLM(np.column_stack([successes, trials - successes]), x, family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
    assert ours.converged == ref.converged
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=1e-8, atol=1e-12)


def test_binomial_logit_under_separation_diverges_like_statsmodels() -> None:
    import statsmodels.api as sm

    x, groups, trials = _design(7)
    successes = np.where(x[:, 1] == 1, trials, 0.0)  # the behaviour exactly when column 1 is set
    ours = binomial_logit(x, successes, trials, groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm.GLM(np.column_stack([successes, trials - successes]), x, family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
    assert ours.converged == ref.converged
    assert (np.abs(ours.params).max() > 15) == (np.abs(np.asarray(ref.params)).max() > 15)


@pytest.mark.parametrize("seed", range(4))
def test_least_squares_matches_statsmodels_ols_with_cluster_covariance(seed: int) -> None:
    import statsmodels.api as sm

    x, groups, _ = _design(seed)
    y = (np.random.default_rng(seed).random(len(x)) < 0.3).astype(float)
    ours = least_squares(x, y, groups)
    ref = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=1e-8, atol=1e-12)


def test_one_cluster_gives_nan_standard_errors() -> None:
    x, _, _ = _design(1)
    fit = least_squares(x, np.ones(len(x)) * 0.5, np.zeros(len(x), dtype=np.int64))
    assert np.isnan(fit.bse).all()


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson"])
@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.2])
def test_proportion_interval_matches_statsmodels(method: str, alpha: float) -> None:
    from statsmodels.stats.proportion import proportion_confint

    k = np.array([0, 1, 3, 10, 49, 50, 0, 7.5])
    n = np.array([50, 50, 7, 10, 50, 50, 1, 12.25])
    lo, hi = proportion_interval(k, n, method, alpha)  # type: ignore[arg-type]
    ref_lo, ref_hi = proportion_confint(k, n, alpha=alpha, method="wilson" if method == "wilson" else "beta")
    np.testing.assert_allclose(lo, np.clip(ref_lo, 0, 1), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hi, np.clip(ref_hi, 0, 1), rtol=1e-12, atol=1e-14)


def test_proportion_interval_of_an_empty_cell_is_nan() -> None:
    lo, hi = proportion_interval([0, 2], [0, 4])
    assert math.isnan(lo[0]) and math.isnan(hi[0]) and 0 < lo[1] < 0.5 < hi[1] < 1


def test_normal_functions_match_scipy() -> None:
    from scipy.stats import norm

    for p in (0.9, 0.975, 0.995, 0.9995):
        assert normal_quantile(p) == pytest.approx(float(norm.ppf(p)), rel=1e-13)
    for z in (-3.0, 0.0, 0.5, 1.96, 5.0, 12.0):
        assert normal_two_sided_p(z) == pytest.approx(float(2 * norm.sf(abs(z))), rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_weighted_least_squares_hc3_matches_statsmodels(seed: int) -> None:
    import statsmodels.api as sm

    x, _, trials = _design(seed, rows=40)
    y = np.random.default_rng(seed).random(len(x))
    ours = weighted_least_squares_hc3(x, y, trials)
    ref = sm.WLS(y, x, weights=trials).fit(cov_type="HC3", use_t=True)
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=1e-8, atol=1e-12)
    assert ours.df_resid == ref.df_resid
    np.testing.assert_allclose(t_two_sided_p(ours.params / ours.bse, ours.df_resid), ref.pvalues, rtol=1e-8)


def test_t_and_chi2_functions_match_scipy_stats() -> None:
    from scipy.stats import chi2, t

    ts = np.array([0.0, 1e-6, 0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0, 1e4])
    xs = np.array([0.0, 1e-3, 0.5, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 5000.0])
    for df in (1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 30.0, 100.0, 1000.0, 5000.0):
        np.testing.assert_allclose(t_two_sided_p(ts, df), 2 * t.sf(ts, df), rtol=1e-9, atol=0)
        np.testing.assert_allclose(t_two_sided_p(-ts, df), 2 * t.sf(ts, df), rtol=1e-9, atol=0)
        np.testing.assert_allclose(chi2_sf(xs, df), chi2.sf(xs, df), rtol=1e-9, atol=0)
        for p in (0.1, 0.5, 0.6, 0.9, 0.975, 0.995, 0.9995):
            assert t_quantile(p, df) == pytest.approx(float(t.ppf(p, df)), rel=1e-9, abs=1e-15)
    assert np.isnan(t_two_sided_p([np.nan], 3.0)).all() and t_two_sided_p([np.inf], 3.0)[0] == 0.0


@pytest.mark.parametrize(
    ("n", "alpha", "power"), [(2, 0.05, 0.8), (40, 0.05, 0.8), (500, 0.01, 0.9), (7.5, 0.1, 0.5)]
)
def test_arcsine_effect_for_power_matches_statsmodels_normal_ind_power(
    n: float, alpha: float, power: float
) -> None:
    from statsmodels.stats.power import NormalIndPower

    h = arcsine_effect_for_power(n, alpha, power)
    assert NormalIndPower().power(h, n, alpha) == pytest.approx(power, abs=1e-12)  # the exact root
    ref = NormalIndPower().solve_power(effect_size=None, nobs1=n, alpha=alpha, power=power, ratio=1.0)
    assert h == pytest.approx(float(ref), rel=1e-5)  # statsmodels' root finder stops within ~1e-6


def test_binomial_cdf_and_mcnemar_match_scipy_and_statsmodels() -> None:
    from scipy.stats import binom
    from statsmodels.stats.contingency_tables import mcnemar

    for n in (1, 2, 5, 17, 60, 400, 3000):
        for k in sorted({0, 1, n // 4, n // 2, n - 1, n}):
            for p in (0.5, 0.1, 0.93):
                assert binomial_cdf(k, n, p) == pytest.approx(float(binom.cdf(k, n, p)), rel=1e-9, abs=1e-300)
    for only_a, only_b in ((0, 0), (0, 1), (3, 0), (4, 9), (9, 4), (25, 25), (120, 80), (1000, 5)):
        ref = mcnemar(np.array([[0, only_a], [only_b, 0]]), exact=True).pvalue if only_a + only_b else 1.0
        assert mcnemar_exact(only_a, only_b) == pytest.approx(float(ref), rel=1e-9, abs=1e-300)
