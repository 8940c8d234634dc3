"""The train-away study's statistics, computed once from the stage results (the report only formats them).

Outcomes are per prompt (1 when the behaviour is shown, 0 when not; the construct is suggested minus
neutral, so -1, 0 or 1). The replication units are the **training seed** (re-drawn adapter and order) and
the **item** (cluster = the question text: a fact asked with two distractors, or in two prompt forms, is
one item). Nothing is stacked: every comparison first averages each item over its prompts and the seeds,
then

- tests the item-level differences with a two-sided sign-flip permutation test,
- gives a percentile interval by resampling items (cluster bootstrap),
- gives each seed's estimate (the mean over items of that seed's differences) and the across-seed t
  interval,
- states the minimum detectable effect of the item-level test: ``(z_{1-alpha/2} + z_power) * sd / sqrt(n)``
  over ``n`` items (the normal approximation of the paired test at the declared level and power).

Removal is ``1 - after / before`` on item means, with the same cluster bootstrap (before and after resampled
together).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats as sps

from assay._strict import Strict

Outcomes = dict[int, float]
"""Per prompt position: the outcome of one model (1 / 0; the construct -1 / 0 / 1)."""


class Settings(Strict):
    """The declared statistics settings (from the config)."""

    n_boot: int
    n_perm: int
    alpha: float
    power: float
    seed: int = 0


class ItemRate(Strict):
    """A rate as the mean over items of each item's mean over prompts and seeds, with its item interval."""

    rate: float
    lo: float
    hi: float
    k: int
    n: int
    n_items: int


class ItemTest(Strict):
    """``a - b`` compared on the same items: item-level test, cluster interval, per-seed estimates, MDE."""

    a: float
    b: float
    diff: float
    lo: float
    hi: float
    p_value: float
    mde: float
    n_items: int
    n_prompts: int
    n_seeds: int
    per_seed: list[float]
    seed_lo: float
    seed_hi: float


class Removal(Strict):
    """Fraction of the starting item-level rate removed, with its cluster-bootstrap interval."""

    estimate: float
    lo: float
    hi: float
    before: float
    after: float
    n_items: int


NAN = float("nan")


def _groups(index: Sequence[int], clusters: Sequence[str]) -> list[list[int]]:
    """``index`` grouped by cluster (first-seen order)."""
    by: dict[str, list[int]] = {}
    for i in index:
        by.setdefault(clusters[i], []).append(i)
    return list(by.values())


def _covered(models: Sequence[Outcomes], index: Sequence[int]) -> list[int]:
    """Prompts of ``index`` that at least one model measured (a seed's trained split is its own pool)."""
    return [i for i in index if any(i in m for m in models)]


def _item_means(models: Sequence[Outcomes], groups: list[list[int]]) -> np.ndarray:
    """Per item: the mean over its prompts and the models that measured them (``nan`` when none did)."""
    vals = [[m[i] for m in models for i in g if i in m] for g in groups]
    return np.array([np.mean(v) if v else NAN for v in vals])


def _boot(values: np.ndarray, st: Settings) -> tuple[float, float]:
    if values.size < 2:
        return NAN, NAN
    rng = np.random.default_rng(st.seed)
    means = values[rng.integers(0, values.size, size=(st.n_boot, values.size))].mean(axis=1)
    lo, hi = np.percentile(means, [100 * st.alpha / 2, 100 * (1 - st.alpha / 2)])
    return float(lo), float(hi)


def sign_flip_p(d: np.ndarray, n_perm: int, seed: int = 0) -> float:
    """Two-sided sign-flip permutation p-value of ``mean(d) = 0`` (``(1 + hits) / (1 + n_perm)``)."""
    if d.size == 0:
        return NAN
    obs = abs(float(d.mean()))
    flips = np.random.default_rng(seed).choice((-1.0, 1.0), size=(n_perm, d.size))
    hits = int((np.abs(flips @ d / d.size) >= obs - 1e-12).sum())
    return (1 + hits) / (1 + n_perm)


def paired_mde(d: np.ndarray, alpha: float, power: float) -> float:
    """Smallest mean item-level difference the paired test detects (normal approximation).

    The standard error is the larger of the observed one and the one a one-directional change of the
    detected size would itself bring: items moving by ``delta`` out of 0/1 have variance at least
    ``delta (1 - delta)``, so ``delta = z * sqrt(delta (1 - delta) / n)``, i.e. ``z**2 / (n + z**2)``.
    Without that floor a comparison in which nothing moved (every item difference 0) would claim to
    detect any change at all.
    """
    if d.size < 2:
        return NAN
    z = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    floor = z**2 / (d.size + z**2)
    return float(max(z * d.std(ddof=1) / math.sqrt(d.size), floor))


def seed_interval(per_seed: Sequence[float], alpha: float) -> tuple[float, float]:
    """The across-seed t interval of the mean of the per-seed estimates (``nan`` below two seeds)."""
    x = np.array(per_seed, dtype=float)
    if x.size < 2:
        return NAN, NAN
    half = float(sps.t.ppf(1 - alpha / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return float(x.mean()) - half, float(x.mean()) + half


def item_rate(
    models: Sequence[Outcomes], index: Sequence[int], clusters: Sequence[str], st: Settings
) -> ItemRate:
    """The item-level rate of ``models`` (seeds) on ``index``; prompts not measured by every model dropped."""
    idx = _covered(models, index)
    groups = _groups(idx, clusters)
    if not groups or not models:
        return ItemRate(rate=NAN, lo=NAN, hi=NAN, k=0, n=0, n_items=0)
    means = _item_means(models, groups)
    lo, hi = _boot(means, st)
    hits = [m[i] > 0 for m in models for i in idx if i in m]
    return ItemRate(rate=float(means.mean()), lo=lo, hi=hi, k=sum(hits), n=len(hits), n_items=len(groups))


def item_test(
    a: Sequence[Outcomes], b: Sequence[Outcomes], index: Sequence[int], clusters: Sequence[str], st: Settings
) -> ItemTest:
    """``a - b`` on the prompts of ``index`` every model measured, paired by item and by seed.

    ``a`` holds one model per seed; ``b`` either the same number (paired seed by seed) or one model (the
    base model, compared with each seed's model: its outcome enters each item once per seed, never as
    extra items).
    """
    bs = list(b) if len(b) == len(a) else [b[0]] * len(a)
    diffs = [{i: ma[i] - mb[i] for i in index if i in ma and i in mb} for ma, mb in zip(a, bs, strict=True)]
    groups = _groups(_covered(diffs, index), clusters)
    if not groups:
        return ItemTest(
            a=NAN, b=NAN, diff=NAN, lo=NAN, hi=NAN, p_value=NAN, mde=NAN, n_items=0, n_prompts=0,
            n_seeds=len(a), per_seed=[], seed_lo=NAN, seed_hi=NAN,
        )  # fmt: skip
    pa = [{i: m[i] for i in x} for m, x in zip(a, diffs, strict=True)]
    pb = [{i: m[i] for i in x} for m, x in zip(bs, diffs, strict=True)]
    d = _item_means(diffs, groups)
    per_seed = [float(np.nanmean(_item_means([x], groups))) for x in diffs if x]
    lo, hi = _boot(d, st)
    s_lo, s_hi = seed_interval(per_seed, st.alpha)
    return ItemTest(
        a=float(_item_means(pa, groups).mean()),
        b=float(_item_means(pb, groups).mean()),
        diff=float(d.mean()),
        lo=lo,
        hi=hi,
        p_value=sign_flip_p(d, st.n_perm, st.seed),
        mde=paired_mde(d, st.alpha, st.power),
        n_items=len(groups),
        n_prompts=sum(len(g) for g in groups),
        n_seeds=len(per_seed),
        per_seed=per_seed,
        seed_lo=s_lo,
        seed_hi=s_hi,
    )


def removal(
    after: Sequence[Outcomes], before: Outcomes, index: Sequence[int], clusters: Sequence[str], st: Settings
) -> Removal:
    """``1 - after / before`` on item means (after averaged over seeds), with a cluster-bootstrap interval."""
    groups = _groups([i for i in _covered(after, index) if i in before], clusters)
    if not groups:
        return Removal(estimate=NAN, lo=NAN, hi=NAN, before=NAN, after=NAN, n_items=0)
    b, a = _item_means([before], groups), _item_means(after, groups)
    if b.sum() <= 0:
        return Removal(
            estimate=NAN, lo=NAN, hi=NAN, before=float(b.mean()), after=float(a.mean()), n_items=b.size
        )
    rng = np.random.default_rng(st.seed)
    pick = rng.integers(0, b.size, size=(st.n_boot, b.size))
    bb, aa = b[pick].mean(axis=1), a[pick].mean(axis=1)
    ok = bb > 0
    lo, hi = np.percentile(1 - aa[ok] / bb[ok], [100 * st.alpha / 2, 100 * (1 - st.alpha / 2)])
    return Removal(
        estimate=float(1 - a.mean() / b.mean()),
        lo=float(lo),
        hi=float(hi),
        before=float(b.mean()),
        after=float(a.mean()),
        n_items=b.size,
    )


def direction(lo: float, hi: float, est: float) -> str:
    """``increase`` / ``decrease`` when the interval excludes zero, else ``no_change``."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 <= hi:
        return "no_change"
    return "increase" if est > 0 else "decrease"
