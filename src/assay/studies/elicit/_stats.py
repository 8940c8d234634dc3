"""Statistics with the lock as the replication unit, and the item-clustered secondary intervals.

Primary: a per-lock value (accuracy gain, recovered fraction) averaged over locks with a t interval on
``n - 1`` degrees of freedom and the smallest mean detectable with 80 % power (a one-sample t test of the
same size and SD). Secondary: the ``[locks, items]`` grid resampled by item (each item keeps its values on
every lock together), so items shared by the locks are one cluster, never independent rows.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.power import TTestPower

from assay._strict import Strict

#: z(1 - 0.05 / 2) + z(0.80): a minimum detectable effect is this many standard errors.
MDE_Z = float(stats.norm.ppf(0.975) + stats.norm.ppf(0.80))


class Across(Strict):
    """Mean of per-unit values (locks or decoys) with its t interval, p and detectable mean.

    Attributes:
        n: Units with a value.
        values: The per-unit values.
        estimate: Their mean (None with no unit).
        lo: Lower end of the 95 % t interval (None with fewer than two units or no spread).
        hi: Upper end.
        p: Two-sided p of the one-sample t test against 0.
        detectable: Smallest true mean detected with 80 % power at two-sided 5 % (same n, same SD).
        note: Why there is no interval, when there is none.
    """

    n: int
    values: list[float]
    estimate: float | None = None
    lo: float | None = None
    hi: float | None = None
    p: float | None = None
    detectable: float | None = None
    note: str = ""


class Clustered(Strict):
    """An estimate over a ``[units, items]`` grid with its item-cluster bootstrap interval and MDE."""

    estimate: float
    lo: float
    hi: float
    se: float
    detectable: float
    n_items: int


def across(values: list[float], alpha: float = 0.05) -> Across:
    """Mean of ``values`` with a t interval on ``n - 1`` df, its p and the 80 %-power detectable mean."""
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=float)
    n = len(v)
    if n == 0:
        return Across(n=0, values=[], note="no unit has a value")
    mean = float(v.mean())
    if n < 2 or np.ptp(v) == 0:
        note = "one unit" if n < 2 else f"every unit's value is {mean:g}: no spread"
        return Across(n=n, values=list(map(float, v)), estimate=mean, note=note)
    test = stats.ttest_1samp(v, 0.0)
    ci = test.confidence_interval(1 - alpha)
    sd = float(v.std(ddof=1))
    d = TTestPower().solve_power(effect_size=None, nobs=n, alpha=alpha, power=0.8, alternative="two-sided")
    return Across(
        n=n,
        values=list(map(float, v)),
        estimate=mean,
        lo=float(ci.low),
        hi=float(ci.high),
        p=float(test.pvalue),
        detectable=float(d) * sd,
    )


def item_clustered(
    num: np.ndarray, den: np.ndarray | None, n_boot: int, seed: int, alpha: float = 0.05
) -> Clustered:
    """``mean(num)`` (or ``mean(num) / mean(den)``) of ``[units, items]`` grids, resampling items.

    A bootstrap replicate draws items with replacement and keeps each drawn item's values on every unit;
    replicates whose denominator is not positive are dropped.
    """
    n_items = num.shape[1]
    rng = np.random.default_rng(seed)
    w = rng.multinomial(n_items, np.full(n_items, 1 / n_items), size=n_boot) / n_items
    top = w @ num.mean(axis=0)
    est = float(num.mean())
    if den is not None:
        bottom = w @ den.mean(axis=0)
        keep = bottom > 0
        top = top[keep] / bottom[keep]
        est = est / float(den.mean()) if den.mean() > 0 else float("nan")
    if len(top) < 2:
        nan = float("nan")
        return Clustered(estimate=est, lo=nan, hi=nan, se=nan, detectable=nan, n_items=n_items)
    lo, hi = np.percentile(top, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    se = float(top.std(ddof=1))
    return Clustered(estimate=est, lo=float(lo), hi=float(hi), se=se, detectable=MDE_Z * se, n_items=n_items)
