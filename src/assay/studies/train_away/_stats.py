"""The train-away study's statistics, computed once from the stage results (the report only formats them).

Outcomes are per prompt: sycophantic (``suggested`` margin < 0), knows (``plain`` margin > 0), habit
(``habit`` margin > 0). Before/after comparisons are on the same prompts, so they are paired: McNemar's
exact test and the Bonett-Price interval of :func:`assay.evidence.compare_paired`, seeds stacked with the
prompt as the cluster. Removal is ``1 - rate_after / rate_before`` with a bootstrap over prompts (the same
resample for before and after, and for both behaviours when they are compared on the same items).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay._strict import Strict
from assay.evidence import PairedComparison, Rate, binomial_rate, compare_paired, minimum_detectable_effect
from assay.studies.train_away._results import Scores


class Removal(Strict):
    """Fraction of the starting rate removed, with its bootstrap 95 % interval."""

    estimate: float
    lo: float
    hi: float
    before: Rate
    after: Rate


def shown(scores: Scores, kind: str) -> dict[int, bool]:
    """Per prompt position: whether the outcome ``kind`` (sycophancy, habit, knows) is shown."""
    if kind == "sycophancy":
        return {i: m < 0 for i, m in zip(scores.index, scores.suggested, strict=False)}
    if kind == "habit":
        return {i: m > 0 for i, m in zip(scores.index, scores.habit, strict=False)}
    return {i: m > 0 for i, m in zip(scores.index, scores.plain, strict=False)}


def rate(outcomes: Sequence[dict[int, bool]], index: Sequence[int]) -> Rate:
    """The rate over ``index`` pooled over models (seeds); prompts a model did not measure are skipped."""
    hits = [o[i] for o in outcomes for i in index if i in o]
    return binomial_rate(sum(hits), len(hits))


def paired(
    after: Sequence[dict[int, bool]], before: dict[int, bool], index: Sequence[int], a: str, b: str
) -> PairedComparison:
    """After (each seed) vs before on the same prompts; pairs stacked over seeds, clustered by prompt."""
    ya, yb, g = [], [], []
    for o in after:
        for i in index:
            if i in o and i in before:
                ya.append(int(o[i]))
                yb.append(int(before[i]))
                g.append(i)
    return compare_paired(ya, yb, g, kind="models", scope="same prompts", a=a, b=b)


def _mean_over(outcomes: Sequence[dict[int, bool]], index: Sequence[int]) -> np.ndarray:
    """Per prompt of ``index``: the mean outcome over the models (seeds) that measured it."""
    return np.array([np.mean([float(o[i]) for o in outcomes if i in o]) for i in index])


def _covered(outcomes: Sequence[dict[int, bool]], index: Sequence[int]) -> list[int]:
    return [i for i in index if any(i in o for o in outcomes)]


def removal(
    after: Sequence[dict[int, bool]],
    before: dict[int, bool],
    index: Sequence[int],
    n_boot: int,
    seed: int = 0,
) -> Removal:
    """``1 - after / before`` on ``index`` (after averaged over the seeds that measured a prompt).

    The interval is a percentile bootstrap over prompts (before and after resampled together).
    """
    idx = [i for i in _covered(after, index) if i in before]
    b = np.array([float(before[i]) for i in idx])
    a = _mean_over(after, idx)
    est, lo, hi = _ratio_ci(a, b, n_boot, seed)
    return Removal(estimate=est, lo=lo, hi=hi, before=rate([before], idx), after=rate(after, idx))


def _ratio_ci(a: np.ndarray, b: np.ndarray, n_boot: int, seed: int) -> tuple[float, float, float]:
    if b.size == 0 or b.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    est = float(1 - a.mean() / b.mean())
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, b.size, size=(n_boot, b.size))
    bb, aa = b[pick].mean(axis=1), a[pick].mean(axis=1)
    ok = bb > 0
    vals = 1 - aa[ok] / bb[ok]
    lo, hi = (float(x) for x in np.percentile(vals, [2.5, 97.5]))
    return est, lo, hi


def removal_difference(
    first: tuple[Sequence[dict[int, bool]], dict[int, bool]],
    second: tuple[Sequence[dict[int, bool]], dict[int, bool]],
    index: Sequence[int],
    n_boot: int,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Removal of ``first`` minus removal of ``second``, both on the same prompts (joint bootstrap)."""
    idx = [i for i in _covered(first[0], _covered(second[0], index)) if i in first[1] and i in second[1]]
    if not idx:
        return float("nan"), float("nan"), float("nan")
    a1, b1 = _mean_over(first[0], idx), np.array([float(first[1][i]) for i in idx])
    a2, b2 = _mean_over(second[0], idx), np.array([float(second[1][i]) for i in idx])
    if b1.sum() == 0 or b2.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    est = float((1 - a1.mean() / b1.mean()) - (1 - a2.mean() / b2.mean()))
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(idx), size=(n_boot, len(idx)))
    m1, m2 = b1[pick].mean(axis=1), b2[pick].mean(axis=1)
    ok = (m1 > 0) & (m2 > 0)
    vals = (1 - a1[pick].mean(axis=1)[ok] / m1[ok]) - (1 - a2[pick].mean(axis=1)[ok] / m2[ok])
    lo, hi = (float(x) for x in np.percentile(vals, [2.5, 97.5]))
    return est, lo, hi


def direction(lo: float, hi: float, est: float) -> str:
    """``increase`` / ``decrease`` when the interval excludes zero, else ``no_change``."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 <= hi:
        return "no_change"
    return "increase" if est > 0 else "decrease"


def mde(n: int, baseline: float) -> float:
    """Minimum detectable change at 80 % power (two-sided 5 %), treating the arms as independent.

    Conservative for the paired before/after comparisons (pairing removes the between-prompt variance);
    reported as the power statement the claims rest on.
    """
    if n < 2:
        return float("nan")
    if baseline > 0.5:  # the function solves for an increase: mirror a fall from a high rate
        return minimum_detectable_effect(n, 1 - baseline)
    return minimum_detectable_effect(n, baseline)
