"""Normal, Student t, chi-square and binomial tail probabilities and quantiles, in the standard library.

``scipy.stats`` builds every distribution's docstring when it is imported (about half a second here) and
``scipy.special`` costs another 0.3 s, while ``assay report`` needs only these few functions. The normal
ones come from :class:`statistics.NormalDist` and :func:`math.erfc`; the t and chi-square tails from the
regularized incomplete beta and gamma functions by their continued fractions (Numerical Recipes, ch. 6.2
and 6.4; modified Lentz), computed in the tail that is small so tiny p-values keep their relative accuracy.
``tests/evidence/test_fits.py`` checks every function against scipy to 1e-9 relative.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike, NDArray

_EPS = 1e-16
_TINY = 1e-300
_MAXIT = 10_000


def normal_quantile(p: float) -> float:
    """The standard normal quantile at ``p`` (``normal_quantile(0.975)`` is 1.959964...)."""
    return NormalDist().inv_cdf(p)


def normal_sf(x: float) -> float:
    """``P(Z > x)`` for a standard normal ``Z`` (accurate far in the upper tail)."""
    return 0.5 * math.erfc(x / math.sqrt(2.0))


def normal_two_sided_p(z: float) -> float:
    """The two-sided p-value of a standard normal statistic ``z``: ``2 * P(Z > |z|)``."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def _lentz(term: Callable[[int], tuple[float, float]], first: float) -> float:
    """Evaluate ``first + a1/(b1 + a2/(b2 + ...))`` given ``term(i) -> (a_i, b_i)`` (modified Lentz)."""
    f = first if abs(first) > _TINY else _TINY
    c, d = f, 0.0
    for i in range(1, _MAXIT):
        a, b = term(i)
        d = b + a * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + a / c
        c = c if abs(c) > _TINY else _TINY
        delta = c * d
        f *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return f


def _beta_tail(a: float, b: float, x: float, y: float) -> float:
    """The regularized incomplete beta ``I_x(a, b)`` for ``x < (a + 1) / (a + b + 2)``; ``y = 1 - x``."""
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)

    def term(i: int) -> tuple[float, float]:
        m = i // 2
        if i % 2:
            return -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)), 1.0
        return m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)), 1.0

    return math.exp(log_front) / (a * _lentz(term, 1.0))


def _beta_regularized(a: float, b: float, x: float, y: float) -> float:
    """``I_x(a, b)`` with ``y = 1 - x`` given separately (so ``x`` near 1 loses no digits)."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    if x < (a + 1.0) / (a + b + 2.0):
        return _beta_tail(a, b, x, y)
    return 1.0 - _beta_tail(b, a, y, x)


def binomial_cdf(k: int, n: int, p: float) -> float:
    """``P(X <= k)`` for ``X ~ Binomial(n, p)``, as ``I_{1-p}(n - k, k + 1)`` (``scipy.stats.binom.cdf``)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return _beta_regularized(float(n - k), float(k + 1), 1.0 - p, p)


def _t_two_sided(t: float, df: float) -> float:
    if math.isnan(t) or math.isnan(df):
        return math.nan
    if math.isinf(t):
        return 0.0
    t2 = t * t
    return _beta_regularized(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2))


def t_two_sided_p(t: ArrayLike, df: float) -> NDArray[np.float64]:
    """Two-sided p-values ``2 * P(T > |t|)`` of Student's t with ``df`` degrees of freedom."""
    values = np.asarray(t, dtype=float)
    return np.asarray([_t_two_sided(float(v), df) for v in values.ravel()], dtype=float).reshape(values.shape)


def t_quantile(p: float, df: float) -> float:
    """The quantile at ``p`` of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf``)."""
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    target = 2.0 * (1.0 - p)
    lo, hi = 0.0, 1.0
    while _t_two_sided(hi, df) > target:
        lo, hi = hi, 2.0 * hi
    while True:  # bisection down to adjacent floating-point numbers
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            return hi
        lo, hi = (mid, hi) if _t_two_sided(mid, df) > target else (lo, mid)


def _gamma_upper(a: float, x: float) -> float:
    """The regularized upper incomplete gamma ``Q(a, x)``."""
    if math.isnan(x) or math.isnan(a):
        return math.nan
    if x <= 0.0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:  # series for P(a, x); Q = 1 - P is not small here
        term = total = 1.0 / a
        ap = a
        for _ in range(_MAXIT):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return 1.0 - total * math.exp(log_front)

    def part(i: int) -> tuple[float, float]:
        return -i * (i - a), x + 1.0 - a + 2.0 * i

    return math.exp(log_front) / _lentz(part, x + 1.0 - a)


def chi2_sf(x: ArrayLike, df: ArrayLike) -> NDArray[np.float64]:
    """Upper tail ``P(X > x)`` of a chi-square with ``df`` degrees of freedom (``scipy.stats.chi2.sf``)."""
    xs, dfs = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(df, dtype=float))
    out = [_gamma_upper(d / 2.0, v / 2.0) for v, d in zip(xs.ravel(), dfs.ravel(), strict=True)]
    return np.asarray(out, dtype=float).reshape(xs.shape)
