"""Binomial logit and least squares with robust covariances (prompt-clustered CR1, or HC3), in numpy alone.

The same estimators, step for step, as statsmodels' ``GLM(endog, x, family=Binomial())`` and ``OLS(y, x)``
fitted with ``cov_type="cluster"`` (IRLS from ``mu = (y + 1/2) / 2``, stopping when the deviance changes by
at most 1e-8, at most 100 steps; sandwich covariances with the small-sample factor
``G/(G-1) * (N-1)/(N-K)``), and ``WLS(y, x, weights=w).fit(cov_type="HC3")``. They are written out because
importing statsmodels (and the scipy.stats it loads) costs about a second, more than the rest of
``assay report`` on 1,000 samples; ``tests/evidence/test_fits.py`` checks each against statsmodels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

_EPS = float(np.finfo(float).eps)
_MAXITER = 100
_TOL = 1e-8

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class RobustFit:
    """Parameters and cluster-robust standard errors of one fit.

    Attributes:
        params: Coefficients, one per design column.
        bse: Their cluster-robust standard errors (NaN where the variance is negative or not finite).
        converged: Whether the iterations stopped on the deviance criterion (always true for least squares).
        df_resid: Observations less the rank of the design (for t-tests).
    """

    params: FloatArray
    bse: FloatArray
    converged: bool = True
    df_resid: int = 0


def _clip(p: FloatArray) -> FloatArray:
    return np.clip(p, _EPS, 1.0 - _EPS)


def _deviance(y: FloatArray, mu: FloatArray, trials: FloatArray) -> float:
    """Binomial deviance of proportions ``y`` of ``trials`` at fitted ``mu`` (statsmodels' guards kept)."""
    ratio = np.clip(y / (mu + 1e-20), _EPS, np.inf)
    rest = np.clip((1.0 - y) / (1.0 - mu + 1e-20), _EPS, np.inf)
    return float(np.sum(2.0 * trials * (y * np.log(ratio) + (1.0 - y) * np.log(rest))))


def _cluster_cov(scores: FloatArray, bread: FloatArray, groups: NDArray[np.int64]) -> FloatArray:
    """CR1 sandwich ``bread @ S @ bread`` with ``S`` the outer products of the per-cluster score sums."""
    _, codes = np.unique(groups, return_inverse=True)
    sums = np.zeros((int(codes.max()) + 1, scores.shape[1]))
    np.add.at(sums, codes, scores)
    n_obs, k = scores.shape
    n_groups = sums.shape[0]
    if n_groups < 2 or n_obs <= k:  # statsmodels divides by zero here; the standard errors are NaN
        return np.full((k, k), np.nan)
    factor = n_groups / (n_groups - 1.0) * ((n_obs - 1.0) / float(n_obs - k))
    return np.asarray(bread @ (sums.T @ sums) @ bread.T * factor, dtype=np.float64)


def _se(cov: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore"):
        return np.sqrt(np.diag(cov))


def binomial_logit(
    x: FloatArray, successes: FloatArray, trials: FloatArray, groups: NDArray[np.int64]
) -> RobustFit:
    """Fit a logit to ``successes`` out of ``trials`` per design row; covariance clustered by ``groups``.

    Args:
        x: Design matrix, one row per cell (``N x K``).
        successes: Events per row.
        trials: Trials per row (all positive).
        groups: Cluster code of each row.

    Returns:
        The fit; ``converged`` is false when 100 IRLS steps did not settle the deviance (or it went NaN).
    """
    y = successes / trials
    mu = (y + 0.5) / 2.0
    clipped = _clip(mu)
    eta = np.log(clipped / (1.0 - clipped))
    dev = _deviance(y, mu, trials)
    params: FloatArray = np.zeros(x.shape[1])
    converged = False
    for _ in range(_MAXITER):
        p = _clip(mu)
        var = p * (1.0 - p)
        w_half = np.sqrt(trials * var)
        z = eta + (y - mu) / var
        if not (np.all(np.isfinite(z)) and np.all(np.isfinite(w_half))):
            break
        params = np.asarray(np.linalg.lstsq(w_half[:, None] * x, w_half * z, rcond=-1)[0], dtype=np.float64)
        eta = x @ params
        mu = 1.0 / (1.0 + np.exp(-eta))
        new = _deviance(y, mu, trials)
        converged = bool(np.allclose(dev, new, atol=_TOL, rtol=0.0))
        dev = new
        if converged:
            break
    p = _clip(mu)
    hessian = (x.T * (trials * p * (1.0 - p))) @ x
    scores: FloatArray = (successes - trials * mu)[:, None] * x
    try:
        bread = np.asarray(np.linalg.inv(hessian), dtype=np.float64)
    except np.linalg.LinAlgError:
        return RobustFit(params=params, bse=np.full(x.shape[1], np.nan), converged=False)
    return RobustFit(params=params, bse=_se(_cluster_cov(scores, bread, groups)), converged=converged)


def least_squares(x: FloatArray, y: FloatArray, groups: NDArray[np.int64]) -> RobustFit:
    """Fit ordinary least squares of ``y`` on ``x`` with a covariance clustered by ``groups``."""
    pinv = np.linalg.pinv(x)
    params = pinv @ y
    resid = y - x @ params
    bread = pinv @ pinv.T
    cov = _cluster_cov(x * resid[:, None], bread, groups)
    return RobustFit(params=params, bse=_se(cov), converged=True)


def weighted_least_squares_hc3(x: FloatArray, y: FloatArray, weights: FloatArray) -> RobustFit:
    """Fit weighted least squares of ``y`` on ``x`` with HC3 (leverage-corrected) standard errors."""
    w_half = np.sqrt(weights)
    wx = w_half[:, None] * x
    wy = w_half * y
    pinv = np.linalg.pinv(wx)
    params = pinv @ wy
    resid = wy - wx @ params
    leverage = np.einsum("ij,ik,kj->i", wx, wx, pinv @ pinv.T)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = (resid / (1 - leverage)) ** 2
    cov = pinv @ (scale[:, None] * pinv.T)
    rank = int(np.linalg.matrix_rank(wx))
    return RobustFit(params=params, bse=_se(cov), df_resid=len(y) - rank)
