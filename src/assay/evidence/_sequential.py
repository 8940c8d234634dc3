"""Adaptive sampling: an interval that stays valid when you look after every batch and stop when it is tight.

Why not Wilson? A Wilson interval computed after every batch, with sampling stopped the first time it looks
tight or excludes a threshold, covers the true rate less often than its nominal 95 %: each look is another
chance for a fluctuation to end the experiment. The interval used here is a **confidence sequence**: a
sequence of intervals that contain the true rate *at every sample size simultaneously* with probability
``1 - alpha``, so any stopping rule keeps the guarantee.

Construction (the conjugate beta-binomial mixture, Robbins 1970): for a candidate rate ``p``,

    M_n(p) = B(a + k, b + n - k) / B(a, b) / (p^k (1 - p)^(n - k))

is the likelihood ratio of a Beta(a, b) mixture of Bernoulli rates against ``p``. Under ``p`` it is a
nonnegative martingale with mean 1, so by Ville's inequality ``P(exists n: M_n(p) >= 1/alpha) <= alpha``.
The confidence sequence is ``{p : M_n(p) < 1/alpha}``, an interval because ``log M_n`` is convex in ``p``.
It was chosen over the alternatives because it is exact for Bernoulli data (no sub-Gaussian slack, unlike
the Robbins normal mixture or Hoeffding-style bounds), needs only two root finds per look (unlike betting
confidence sequences, which search a grid), and, unlike Bonferroni or alpha-spending over a fixed schedule
of looks, does not require fixing the number of looks in advance. The price is a width about
``sqrt(log n)`` wider than Wilson at the same ``n``.

Several conditions sampled at once each get their own sequence at level ``alpha`` (per-condition coverage,
the same guarantee as a 95 % interval per condition); pass ``alpha / n_conditions`` for simultaneous coverage.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field


def confidence_sequence(
    k: int, n: int, alpha: float = 0.05, a: float = 1.0, b: float = 1.0
) -> tuple[float, float]:
    """Return the beta-binomial mixture confidence-sequence interval after ``k`` events in ``n`` trials.

    Args:
        k: Events so far.
        n: Trials so far (errors excluded).
        alpha: The interval sequence fails to cover at *any* ``n`` with probability at most ``alpha``.
        a: First parameter of the Beta mixing distribution.
        b: Second parameter.

    Returns:
        ``(lo, hi)``; ``(0, 1)`` before the first trial. Exact at the extremes (``k`` = 0, 1, ``n - 1``,
        ``n``, for ``n`` up to 1e7 and beyond): the bounds solve ``log M_n(p) = log(1/alpha)`` in log space.
    """
    from scipy.optimize import brentq
    from scipy.special import betaln

    if n <= 0:
        return 0.0, 1.0
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    log_mix = float(betaln(a + k, b + n - k) - betaln(a, b))
    bound = math.log(1 / alpha)

    def excess(log_p: float, log_q: float) -> float:
        """Log M_n(p) - log(1/alpha), from log p and log(1 - p) (terms with a zero count vanish)."""
        return log_mix - (k * log_p if k else 0.0) - ((n - k) * log_q if n - k else 0.0) - bound

    # Roots are found in log p (lower bound) and log(1 - p) (upper bound): near 0 or 1 the bounds can be
    # 1e-8 or closer, where a bracket in p itself loses the sign change (k = 1 or n - 1 at n >= 1e5).
    lo = hi = 0.0
    if k > 0:
        top = math.log(k / n)
        lo = math.exp(brentq(lambda u: excess(u, _log1m_exp(u)), _LOG_FLOOR, top, xtol=1e-13, rtol=1e-13))
    if k < n:
        top = math.log1p(-k / n)
        v = brentq(lambda v: excess(_log1m_exp(v), v), _LOG_FLOOR, top, xtol=1e-13, rtol=1e-13)
        hi = -math.expm1(v)
    return lo, (1.0 if k == n else hi)


#: Smallest log-probability searched (about 1e-300).
_LOG_FLOOR = -690.0


def _log1m_exp(x: float) -> float:
    """Return ``log(1 - exp(x))`` for ``x <= 0`` accurately (``-inf`` at 0)."""
    if x >= 0:
        return -math.inf
    return math.log(-math.expm1(x)) if x > -0.693 else math.log1p(-math.exp(x))


Decision = Literal["continue", "above", "below", "precise", "budget"]


class SequentialDesign(BaseModel):
    """When to stop sampling one condition.

    Sampling of a condition stops at the first look where its confidence sequence is narrower than
    ``target_half_width``, or excludes ``threshold`` (when one is given: the question "is the rate above
    the threshold?" is then answered), or ``max_n`` trials are spent.

    Attributes:
        target_half_width: Stop once ``(hi - lo) / 2`` is at most this.
        threshold: Optional decision threshold on the rate.
        alpha: Error probability of the confidence sequence.
        batch: Trials added per condition between looks.
        min_n: No stop before this many trials.
        max_n: Budget of trials per condition.
    """

    target_half_width: float = Field(default=0.05, gt=0, lt=0.5)
    threshold: float | None = Field(default=None, gt=0, lt=1)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    batch: int = Field(default=10, ge=1)
    min_n: int = Field(default=10, ge=1)
    max_n: int = Field(default=200, ge=1)


class ConditionState(BaseModel):
    """A condition's running counts, interval and decision."""

    k: int
    n: int
    lo: float
    hi: float
    decision: Decision


def decide(k: int, n: int, design: SequentialDesign) -> ConditionState:
    """Return the state of a condition after ``k`` events in ``n`` trials under ``design``."""
    lo, hi = confidence_sequence(k, n, design.alpha)
    decision: Decision = "continue"
    if n >= min(design.min_n, design.max_n):
        if design.threshold is not None and lo > design.threshold:
            decision = "above"
        elif design.threshold is not None and hi < design.threshold:
            decision = "below"
        elif (hi - lo) / 2 <= design.target_half_width:
            decision = "precise"
        elif n >= design.max_n:
            decision = "budget"
    return ConditionState(k=k, n=n, lo=lo, hi=hi, decision=decision)


def fixed_n_decision(k: int, n: int, threshold: float | None, alpha: float = 0.05) -> str:
    """Return the decision a fixed-``n`` Wilson interval supports: ``above``, ``below`` or ``undecided``."""
    from assay.evidence._rates import proportion_interval

    lo, hi = proportion_interval(k, n, "wilson", alpha)
    if threshold is not None and lo[0] > threshold:
        return "above"
    if threshold is not None and hi[0] < threshold:
        return "below"
    return "undecided"


def run_sequential(draw: Callable[[int], int], design: SequentialDesign) -> ConditionState:
    """Sample one condition with ``draw(m) -> events in m new trials`` until ``design`` says stop."""
    k = n = 0
    state = decide(k, n, design)
    while state.decision == "continue":
        m = min(design.batch, design.max_n - n)
        k += draw(m)
        n += m
        state = decide(k, n, design)
    return state
