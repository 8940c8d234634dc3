"""Binomial rates with intervals: Wilson, Clopper-Pearson, rule of three, prompt-clustered standard errors.

Errors (model, judge, sandbox, unscored) never enter a denominator; every rate carries their counts beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, Field

from assay.evidence._distributions import normal_quantile
from assay.evidence._table import ERROR_OUTCOMES, cluster_keys

IntervalMethod = Literal["wilson", "clopper-pearson"]


class Rate(BaseModel):
    """A binomial rate with its interval, and the error counts that were kept out of ``n``.

    Attributes:
        n: Valid observations (the denominator; errors excluded).
        k: Observations showing the behaviour.
        rate: ``k / n`` (NaN when ``n == 0``).
        lo: Lower interval bound.
        hi: Upper interval bound.
        method: Interval method (``wilson`` or ``clopper-pearson``).
        confidence: Confidence level of the interval.
        rule_of_three_hi: For ``k == 0``: the rule-of-three upper bound ``-ln(alpha)/n`` (3/n at 95 %).
        rule_of_three_lo: For ``k == n``: the mirrored lower bound ``1 + ln(alpha)/n``.
        n_errors: Rows excluded from ``n`` because they are errors.
        errors: Error rows by category.
    """

    n: int
    k: int
    rate: float
    lo: float
    hi: float
    method: IntervalMethod = "wilson"
    confidence: float = 0.95
    rule_of_three_hi: float | None = None
    rule_of_three_lo: float | None = None
    n_errors: int = 0
    errors: dict[str, int] = Field(default_factory=dict)


def kept_out(errors: dict[str, int]) -> str:
    """The samples kept out of n, by category (``empty 2, model_error 1``); ``""`` when there are none."""
    return ", ".join(f"{k} {v}" for k, v in sorted(errors.items()) if v)


def proportion_interval(
    k: ArrayLike, n: ArrayLike, method: IntervalMethod = "wilson", alpha: float = 0.05
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return two-sided ``(lo, hi)`` arrays for ``k`` successes in ``n`` trials.

    The formulas of statsmodels' ``proportion_confint`` (``wilson``; ``beta`` for Clopper-Pearson). Wilson is
    written out in numpy (importing statsmodels would cost a report about a second); Clopper-Pearson takes
    the beta quantiles from scipy. Cells with ``n == 0`` get ``(nan, nan)``.
    """
    k_arr = np.atleast_1d(np.asarray(k, dtype=float))
    n_arr = np.atleast_1d(np.asarray(n, dtype=float))
    lo = np.full(k_arr.shape, np.nan)
    hi = np.full(k_arr.shape, np.nan)
    ok = n_arr > 0
    if ok.any():
        bounds = _wilson if method == "wilson" else _clopper_pearson
        lo_ok, hi_ok = bounds(k_arr[ok], n_arr[ok], alpha / 2.0)
        lo[ok] = np.clip(lo_ok, 0.0, 1.0)
        hi[ok] = np.clip(hi_ok, 0.0, 1.0)
    return lo, hi


def _wilson(
    k: NDArray[np.float64], n: NDArray[np.float64], tail: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wilson score bounds with ``tail`` in each tail (``n > 0``)."""
    q = k / n
    crit = normal_quantile(1.0 - tail)
    crit2 = crit**2
    denom = 1 + crit2 / n
    center = (q + crit2 / (2 * n)) / denom
    dist = crit * np.sqrt(q * (1.0 - q) / n + crit2 / (4.0 * n**2)) / denom
    return center - dist, center + dist


def _clopper_pearson(
    k: NDArray[np.float64], n: NDArray[np.float64], tail: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Clopper-Pearson (exact beta) bounds with ``tail`` in each tail (``n > 0``)."""
    from scipy.stats import beta

    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.asarray(beta.ppf(tail, k, n - k + 1), dtype=float)
        hi = np.asarray(beta.isf(tail, k + 1, n - k), dtype=float)
    lo[k == 0] = 0.0
    hi[k == n] = 1.0
    return lo, hi


def rule_of_three(n: int, alpha: float = 0.05) -> float:
    """Return the upper confidence bound for a rate with zero events in ``n`` trials: ``-ln(alpha) / n``.

    At ``alpha = 0.05`` this is the familiar ``3 / n``.
    """
    if n <= 0:
        return math.nan
    return min(1.0, -math.log(alpha) / n)


def binomial_rate(
    k: int,
    n: int,
    method: IntervalMethod = "wilson",
    alpha: float = 0.05,
    errors: dict[str, int] | None = None,
) -> Rate:
    """Return the rate ``k / n`` with its interval (and the rule-of-three bound at 0 or n events).

    Args:
        k: Observations showing the behaviour.
        n: Valid observations (errors already excluded).
        method: ``wilson`` (default) or ``clopper-pearson``.
        alpha: One minus the confidence level.
        errors: Error counts by category, reported beside the rate.
    """
    if k < 0 or n < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    lo, hi = proportion_interval(k, n, method, alpha)
    errs = {key: int(v) for key, v in (errors or {}).items() if v}
    rate = k / n if n else math.nan
    lo_v, hi_v = float(lo[0]), float(hi[0])
    if n:  # floating-point round-off can put a bound a hair past the estimate at k = 0 or k = n
        lo_v, hi_v = min(lo_v, rate), max(hi_v, rate)
    return Rate(
        n=n,
        k=k,
        rate=rate,
        lo=lo_v,
        hi=hi_v,
        method=method,
        confidence=1 - alpha,
        rule_of_three_hi=rule_of_three(n, alpha) if n and k == 0 else None,
        rule_of_three_lo=1 - rule_of_three(n, alpha) if n and k == n else None,
        n_errors=sum(errs.values()),
        errors=errs,
    )


def _cr1_by_group(
    y: NDArray[np.float64], group: NDArray[np.int64], cluster: NDArray[np.int64], n_groups: int
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """CR1 standard error of the mean of ``y`` per group; also the number of clusters per group."""
    n = np.bincount(group, minlength=n_groups).astype(float)
    sums = np.bincount(group, weights=y, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / n
    resid = y - mean[group]
    pair, pair_group = _pair_codes(group, cluster)
    per_cluster = np.bincount(pair, weights=resid)
    g = np.bincount(pair_group, minlength=n_groups).astype(float)
    ss = np.bincount(pair_group, weights=per_cluster**2, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(g > 1, np.sqrt(g / (g - 1) * ss / n**2), np.nan)
    return se, g.astype(np.int64)


def _pair_codes(
    group: NDArray[np.int64], cluster: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Code each (group, cluster) pair; return the row codes and the group of each pair."""
    combined = group.astype(np.int64) * (int(cluster.max()) + 1 if cluster.size else 1) + cluster
    uniq, codes = np.unique(combined, return_inverse=True)
    width = int(cluster.max()) + 1 if cluster.size else 1
    return codes.astype(np.int64), (uniq // width).astype(np.int64)


def clustered_se(y: ArrayLike, clusters: ArrayLike) -> float:
    """Return the cluster-robust (CR1) standard error of the mean of ``y``.

    Same estimator as statsmodels ``OLS(y, 1).fit(cov_type="cluster")`` (small-sample factor G/(G-1)),
    computed directly with ``numpy.bincount`` so that hundreds of conditions take milliseconds.
    """
    yy = np.asarray(y, dtype=float)
    cl = pd.factorize(np.asarray(clusters))[0].astype(np.int64)
    se, _ = _cr1_by_group(yy, np.zeros(yy.size, dtype=np.int64), cl, 1)
    return float(se[0])


def condition_rates(
    table: pd.DataFrame,
    positive: Sequence[str],
    by: Sequence[str],
    method: IntervalMethod = "wilson",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Return one row per group of ``by`` with the rate, its interval and the errors kept out of ``n``.

    Columns: the ``by`` columns, ``n``, ``k``, ``rate``, ``lo``, ``hi``, ``method``, ``rule_of_three_hi``,
    ``n_rows``, ``n_errors``, one ``err_<category>`` column per error category, ``n_clusters`` (distinct
    prompts), ``cluster_se``, ``design_effect`` (clustered / iid variance, floored at 1) and
    ``lo_clustered``, ``hi_clustered`` (Wilson on the effective sample size ``n / design_effect``).
    """
    keys = list(by)
    grouped = table.groupby(keys, sort=True)
    group = grouped.ngroup().to_numpy(np.int64)
    n_groups = int(grouped.ngroups)
    out = grouped.size().rename("n_rows").to_frame()
    outcome = table["outcome"].to_numpy(object)
    valid = ~np.isin(outcome, list(ERROR_OUTCOMES))
    y = np.isin(outcome, list(positive)) & valid
    n = np.bincount(group, weights=valid, minlength=n_groups)
    k = np.bincount(group, weights=y, minlength=n_groups)
    out["n"] = n.astype(int)
    out["k"] = k.astype(int)
    out["n_errors"] = out["n_rows"] - out["n"]
    for cat in sorted(ERROR_OUTCOMES):
        out[f"err_{cat}"] = np.bincount(group, weights=outcome == cat, minlength=n_groups).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, k / np.maximum(n, 1), np.nan)
    out["rate"] = rate
    out["lo"], out["hi"] = proportion_interval(k, n, method, alpha)
    out["method"] = method
    out["rule_of_three_hi"] = np.where(
        (k == 0) & (n > 0), np.minimum(1.0, -math.log(alpha) / np.maximum(n, 1)), np.nan
    )
    cl = pd.factorize(cluster_keys(table))[0].astype(np.int64)
    se, g = _cr1_by_group(y[valid].astype(float), group[valid].astype(np.int64), cl[valid], n_groups)
    out["n_clusters"] = g
    out["cluster_se"] = se
    with np.errstate(invalid="ignore", divide="ignore"):
        naive_var = rate * (1 - rate) / (n - 1)  # the iid OLS variance, so singleton clusters give deff 1
        deff = np.where(naive_var > 0, se**2 / naive_var, 1.0)
    deff = np.where(np.isfinite(deff), np.maximum(deff, 1.0), 1.0)
    out["design_effect"] = deff
    n_eff = n / deff
    lo_c, hi_c = proportion_interval(rate * n_eff, n_eff, "wilson", alpha)
    out["lo_clustered"], out["hi_clustered"] = lo_c, hi_c
    return out.reset_index()


def rate_from_row(row: pd.Series, alpha: float = 0.05) -> Rate:
    """Convert one row of :func:`condition_rates` into a :class:`Rate`."""
    errors = {str(c)[4:]: int(row[c]) for c in row.index if str(c).startswith("err_") and int(row[c]) > 0}
    n, k = int(row["n"]), int(row["k"])
    return Rate(
        n=n,
        k=k,
        rate=float(row["rate"]),
        lo=float(row["lo"]),
        hi=float(row["hi"]),
        method=row["method"],
        confidence=1 - alpha,
        rule_of_three_hi=rule_of_three(n, alpha) if n and k == 0 else None,
        rule_of_three_lo=1 - rule_of_three(n, alpha) if n and k == n else None,
        n_errors=int(row["n_errors"]),
        errors=errors,
    )
