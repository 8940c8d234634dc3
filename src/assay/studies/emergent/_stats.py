"""Intervals clustered by item and training seed, and the minimum detectable effect they imply.

The forced-choice data of an arm form a cube ``[seeds, phrasings, items]``. Seeds are the training
replication unit (each one a separately trained model), items the measurement unit (phrasings of one item
are not independent of each other, so they stay together with their item). Intervals resample both at once
and independently (a two-way, "pigeonhole" bootstrap: Owen 2007, *Annals of Applied Statistics* 1(2)): a
bootstrap replicate draws ``S`` seeds and ``I`` items with replacement and averages the ``S x I`` cells it
picked. Resampling only items (the v2 analysis) treats the seeds as fixed, resampling only rows of the
flattened table treats item-seed cells as independent; both understate the spread when seeds or items
differ. The estimate of a grid mean is linear in the draw counts, so each replicate is
``w_seeds @ cells @ w_items`` (no copies). Two arms are paired by seed number (the same training order and
adapter initialisation) and by item; the base model has one "seed", so against it only the arm's seeds are
resampled.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from assay.studies.emergent._figures import Interval

#: z(1 - 0.05 / 2) + z(0.80): the minimum detectable effect is this many standard errors.
MDE_Z = float(norm.ppf(0.975) + norm.ppf(0.80))


def two_way_means(cells: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap means of a ``[seeds, items]`` grid, resampling seeds and items independently."""
    n_s, n_i = cells.shape
    rng = np.random.default_rng(seed)
    ws = rng.multinomial(n_s, np.full(n_s, 1 / n_s), size=n_boot) / n_s
    wi = rng.multinomial(n_i, np.full(n_i, 1 / n_i), size=n_boot) / n_i
    out: np.ndarray = np.einsum("bs,si,bi->b", ws, cells, wi)
    return out


def clustered(cells: np.ndarray, n_boot: int, seed: int) -> Interval:
    """The mean of a ``[seeds, items]`` grid with its two-way bootstrap 95 % interval and standard error."""
    boot = two_way_means(cells, n_boot, seed)
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return Interval(estimate=float(cells.mean()), lo=float(lo), hi=float(hi), se=float(boot.std(ddof=1)))


def mde(se: float) -> float:
    """Smallest true difference detected with 80 % power by a two-sided test at 0.05, given its SE."""
    return MDE_Z * se
