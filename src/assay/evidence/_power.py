"""Power and minimum detectable effects (statsmodels' equations), and multiple-comparison corrections."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from assay.evidence._distributions import normal_quantile, normal_sf


def minimum_detectable_effect(
    n_per_arm: float,
    baseline: float,
    alpha: float = 0.05,
    power: float = 0.8,
    design_effect: float = 1.0,
) -> float:
    """Return the smallest increase over ``baseline`` a two-arm comparison of this size detects.

    Solves the power equation of the two-sided two-proportion z-test on Cohen's arcsine effect size ``h``
    (statsmodels' ``NormalIndPower``, both tails counted; :func:`arcsine_effect_for_power`) on the effective
    size ``n_per_arm / design_effect`` (clustered samples carry less information), then converts ``h``
    back to a difference of proportions.

    Args:
        n_per_arm: Valid observations in each arm.
        baseline: Rate in the reference arm.
        alpha: Two-sided significance level.
        power: Target power.
        design_effect: Variance inflation from clustering (>= 1).

    Returns:
        The absolute difference in rate (``nan`` when not reachable even at a rate of 1).
    """
    n_eff = n_per_arm / max(design_effect, 1.0)
    if n_eff < 2:
        return math.nan
    h = arcsine_effect_for_power(n_eff, alpha, power)
    p0 = min(max(baseline, 0.0), 1.0)
    phi = 2 * math.asin(math.sqrt(p0)) + h
    if phi >= math.pi:
        return math.nan
    return math.sin(phi / 2) ** 2 - p0


def arcsine_effect_for_power(n_per_arm: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """The arcsine effect size ``h`` a two-sided z-test on two arms of ``n_per_arm`` detects with ``power``.

    Solves ``P(Z > c - h sqrt(n/2)) + P(Z < -c - h sqrt(n/2)) = power`` (``c`` the two-sided critical
    value), the equation statsmodels' ``NormalIndPower().solve_power`` solves, by Newton's method from the
    one-tail solution ``(c + z_power) / sqrt(n/2)``, in the standard library (no scipy import).
    """
    c = normal_quantile(1 - alpha / 2)
    root = math.sqrt(n_per_arm / 2)
    h = (c + normal_quantile(power)) / root
    for _ in range(50):
        upper, lower = c - h * root, -c - h * root
        gap = normal_sf(upper) + normal_sf(-lower) - power
        slope = root * (math.exp(-(upper**2) / 2) - math.exp(-(lower**2) / 2)) / math.sqrt(2 * math.pi)
        step = gap / slope
        h -= step
        if abs(step) <= 1e-15 * max(1.0, abs(h)):
            break
    return h


def required_n_two_proportions(
    p1: float, p2: float, alpha: float = 0.05, power: float = 0.8, design_effect: float = 1.0
) -> int:
    """Return the observations per arm needed to tell ``p1`` from ``p2`` (arcsine effect size)."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    h = abs(float(proportion_effectsize(p1, p2)))
    if h == 0:
        raise ValueError("p1 and p2 are equal: no sample size detects a zero difference")
    n = float(NormalIndPower().solve_power(effect_size=h, nobs1=None, alpha=alpha, power=power, ratio=1.0))
    return math.ceil(n * max(design_effect, 1.0))


def required_n_paired_eval(
    delta: float,
    omega2: float,
    var_a: float,
    var_b: float,
    k: int = 1,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Return the number of prompts needed to detect a score difference ``delta`` between two models.

    Uses ``n = (z_{alpha/2} + z_beta)^2 (omega^2 + (sigma_A^2 + sigma_B^2) / K) / delta^2`` (Miller 2024):
    ``omega2`` is the variance of the per-prompt true difference, ``var_a``/``var_b`` the within-prompt
    variance of each model's score and ``k`` the generations per prompt.
    """
    from scipy.stats import norm

    z = float(norm.ppf(1 - alpha / 2) + norm.ppf(power))
    return math.ceil(z**2 * (omega2 + (var_a + var_b) / k) / delta**2)


def adjust_pvalues(p_values: Sequence[float], method: Literal["holm", "fdr_bh"] = "holm") -> list[float]:
    """Return p-values corrected for multiple comparisons (Holm: family-wise; ``fdr_bh``: Benjamini-Hochberg).

    NaN p-values are left as NaN and do not count as tests. The step-down / step-up adjustments are the
    textbook ones and give the same numbers as ``statsmodels.stats.multitest.multipletests`` (tested); they
    are computed here because that function runs a full ``gc.collect()`` per call, which costs seconds in a
    process holding Inspect's object graph.
    """
    p = np.asarray(list(p_values), dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = ok.size
    if m == 0:
        return [float(v) for v in out]
    order = ok[np.argsort(p[ok], kind="mergesort")]
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate((m - np.arange(m)) * ranked)
    elif method == "fdr_bh":
        adjusted = np.minimum.accumulate((m / np.arange(1, m + 1) * ranked)[::-1])[::-1]
    else:
        raise ValueError(f"unknown correction {method!r}; use 'holm' or 'fdr_bh'")
    out[order] = np.minimum(adjusted, 1.0)
    return [float(v) for v in out]
