"""Paired comparisons on the same prompts: McNemar's exact test and an interval for the paired difference.

Binary pairs get the Bonett-Price adjusted Wald interval with a prompt-clustered effective size
(:func:`paired_difference_interval`); it stays valid when all differences are equal, where a bootstrap
collapses to zero width. :func:`paired_bootstrap_interval` remains for non-binary differences.

Two kinds of pairs are found in a tidy table:

* **models**: two models answered the same sample (same task, sample id and epoch);
* **matched conditions**: samples that share ``metadata["pair_id"]`` are the same scenario rendered under
  two conditions (a matched contrast pair); their epochs are paired.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from pydantic import BaseModel

from assay.evidence._distributions import binomial_cdf, normal_quantile
from assay.evidence._table import ERROR_OUTCOMES, cluster_keys


class PairedComparison(BaseModel):
    """The paired difference ``rate_a - rate_b`` between two arms measured on the same prompts.

    Attributes:
        kind: ``models`` or ``conditions``.
        scope: What was held fixed (the task, or the task and model).
        a: Label of arm A.
        b: Label of arm B.
        n_pairs: Pairs where both arms are valid (pairs with an error on either side are dropped).
        n_dropped: Pairs dropped because one side was an error.
        n_clusters: Distinct prompts (bootstrap resampling units).
        both: Pairs where both arms show the behaviour.
        only_a: Pairs where only A shows it.
        only_b: Pairs where only B shows it.
        neither: Pairs where neither does.
        rate_a: Rate in arm A over the pairs.
        rate_b: Rate in arm B over the pairs.
        diff: ``rate_a - rate_b``.
        lo: Lower bound of the bootstrap interval of ``diff``.
        hi: Upper bound.
        ci_method: How the interval was computed.
        p_value: McNemar exact p-value (two-sided binomial test on the discordant pairs).
        p_adjusted: ``p_value`` after the multiple-comparison correction of the report (if applied).
    """

    kind: str
    scope: str
    a: str
    b: str
    n_pairs: int
    n_dropped: int
    n_clusters: int
    both: int
    only_a: int
    only_b: int
    neither: int
    rate_a: float
    rate_b: float
    diff: float
    lo: float
    hi: float
    ci_method: str
    p_value: float
    p_adjusted: float | None = None


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Return McNemar's exact two-sided p-value from the two discordant counts.

    statsmodels' ``mcnemar(table, exact=True)``: twice the binomial(``only_a + only_b``, 1/2) probability of
    at most ``min(only_a, only_b)``, capped at 1 (computed here, so a report does not import statsmodels).
    """
    if only_a + only_b == 0:
        return 1.0
    return min(1.0, 2.0 * binomial_cdf(min(only_a, only_b), only_a + only_b, 0.5))


def paired_bootstrap_interval(
    diffs: ArrayLike,
    clusters: ArrayLike | None = None,
    alpha: float = 0.05,
    n_resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float, str]:
    """Return a bootstrap interval for the mean paired difference, resampling whole clusters (prompts).

    Uses :func:`scipy.stats.bootstrap` on per-cluster (sum, count) pairs with the ratio statistic, BCa by
    default and the percentile method when BCa is undefined (e.g. very few distinct values).

    Returns:
        ``(lo, hi, method)``.
    """
    from scipy.stats import bootstrap

    d = np.asarray(diffs, dtype=float)
    if d.size == 0:
        return math.nan, math.nan, "none"
    g = np.arange(d.size) if clusters is None else np.asarray(clusters)
    frame = pd.DataFrame({"d": d, "g": g}).groupby("g", sort=False)["d"].agg(["sum", "size"])
    sums = frame["sum"].to_numpy(float)
    sizes = frame["size"].to_numpy(float)
    if sums.size < 2:
        return math.nan, math.nan, "none (one cluster)"
    if np.all(d == d[0]):
        # Every resample has the same mean: a percentile interval would have zero width, which no finite
        # sample justifies. Binary differences go through paired_difference_interval instead.
        return math.nan, math.nan, "not estimable (all differences equal; the bootstrap is degenerate)"

    def ratio(s: np.ndarray, c: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(s.sum(axis=axis) / c.sum(axis=axis))

    rng = np.random.default_rng(seed)
    for method in ("BCa", "percentile"):
        res = bootstrap(
            (sums, sizes),
            ratio,
            paired=True,
            vectorized=True,
            n_resamples=n_resamples,
            confidence_level=1 - alpha,
            method=method,
            rng=rng,
        )
        lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if math.isfinite(lo) and math.isfinite(hi):
            return lo, hi, f"cluster bootstrap ({method}, {n_resamples} resamples)"
    return math.nan, math.nan, "none"


def paired_difference_interval(
    only_a: int,
    only_b: int,
    n: int,
    n_clusters: int | None = None,
    design_effect: float = 1.0,
    alpha: float = 0.05,
) -> tuple[float, float, str]:
    """Return an interval for ``P(A) - P(B)`` from paired binary outcomes (Bonett-Price adjusted Wald).

    The adjusted Wald interval of Bonett and Price (2012) adds one pseudo-count to each discordant cell:
    ``p12 = (b + 1) / (n + 2)``, ``p21 = (c + 1) / (n + 2)``, centre ``p12 - p21``, standard error
    ``sqrt((p12 + p21 - (p12 - p21)^2) / (n + 2))``. Fagerland, Lydersen and Laake (2014) recommend it for
    paired proportions; unlike the bootstrap and the plain Wald interval it keeps its width when there are
    no discordant pairs (``b = c = 0``: all differences equal), where its coverage stays near nominal.
    Clustered pairs (several pairs from one prompt) enter through the effective size ``n / design_effect``;
    when every difference is equal the clustered variance is zero and cannot give a design effect, so the
    number of clusters is used as the effective size (each prompt counted once, the conservative choice).
    """
    if n <= 0:
        return math.nan, math.nan, "none"
    deff = max(design_effect, 1.0)
    if only_a + only_b in (0, n) and n_clusters is not None and n_clusters < n:
        deff = n / n_clusters
    n_eff = n / deff
    p12 = (only_a / deff + 1) / (n_eff + 2)
    p21 = (only_b / deff + 1) / (n_eff + 2)
    centre = p12 - p21
    se = math.sqrt(max(p12 + p21 - centre**2, 0.0) / (n_eff + 2))
    z = normal_quantile(1 - alpha / 2)
    lo, hi = max(-1.0, centre - z * se), min(1.0, centre + z * se)
    method = "Bonett-Price adjusted Wald"
    return lo, hi, method + (f", effective n {n_eff:.1f} (clustered)" if deff > 1 else "")


def _paired_design_effect(d: np.ndarray, clusters: np.ndarray) -> float:
    """Clustered / independent variance of the mean paired difference (>= 1; 1 when not estimable)."""
    from assay.evidence._rates import clustered_se

    n = d.size
    var = float(d.var(ddof=1)) / n if n > 1 else 0.0
    if var <= 0 or pd.Series(clusters).nunique() < 2:
        return 1.0
    se = clustered_se(d, clusters)
    return max(1.0, se**2 / var) if math.isfinite(se) else 1.0


def compare_paired(
    y_a: ArrayLike,
    y_b: ArrayLike,
    clusters: ArrayLike | None = None,
    *,
    kind: str = "models",
    scope: str = "",
    a: str = "A",
    b: str = "B",
    n_dropped: int = 0,
    alpha: float = 0.05,
    seed: int = 0,
) -> PairedComparison:
    """Compare two binary arms observed on the same prompts.

    Args:
        y_a: 0/1 outcomes of arm A, aligned with ``y_b``.
        y_b: 0/1 outcomes of arm B.
        clusters: Prompt of each pair (for the clustered bootstrap); each pair its own cluster if omitted.
        kind: ``models`` or ``conditions`` (a label).
        scope: What was held fixed (a label).
        a: Label of A.
        b: Label of B.
        n_dropped: Pairs dropped for errors (reported).
        alpha: One minus the confidence level.
        seed: Seed for resampling methods (the binary interval is analytic and does not resample).
    """
    ya = np.asarray(y_a, dtype=int)
    yb = np.asarray(y_b, dtype=int)
    both = int(np.sum((ya == 1) & (yb == 1)))
    only_a = int(np.sum((ya == 1) & (yb == 0)))
    only_b = int(np.sum((ya == 0) & (yb == 1)))
    neither = int(np.sum((ya == 0) & (yb == 0)))
    n = int(ya.size)
    g = np.arange(n) if clusters is None else np.asarray(clusters)
    d = (ya - yb).astype(float)
    n_clusters = int(pd.Series(g).nunique())
    deff = _paired_design_effect(d, g)
    lo, hi, method = paired_difference_interval(only_a, only_b, n, n_clusters, deff, alpha)
    return PairedComparison(
        kind=kind,
        scope=scope,
        a=a,
        b=b,
        n_pairs=n,
        n_dropped=n_dropped,
        n_clusters=n_clusters,
        both=both,
        only_a=only_a,
        only_b=only_b,
        neither=neither,
        rate_a=float(ya.mean()) if n else math.nan,
        rate_b=float(yb.mean()) if n else math.nan,
        diff=float((ya - yb).mean()) if n else math.nan,
        lo=lo,
        hi=hi,
        ci_method=method,
        p_value=mcnemar_exact(only_a, only_b),
    )


def _frame(table: pd.DataFrame, positive: Sequence[str]) -> pd.DataFrame:
    out = table[["task", "model", "sample_id", "epoch", "condition_id", "pair_id"]].copy()
    out["y"] = table["outcome"].isin(list(positive)).astype(int)
    out["valid"] = ~table["outcome"].isin(list(ERROR_OUTCOMES))
    out["g"] = cluster_keys(table)
    return out


def model_comparisons(
    table: pd.DataFrame, positive: Sequence[str], alpha: float = 0.05, seed: int = 0
) -> list[PairedComparison]:
    """Compare every pair of models that answered the same samples (same task, sample id and epoch)."""
    frame = _frame(table, positive)
    results: list[PairedComparison] = []
    for task, group in frame.groupby("task", sort=True):
        models = sorted(group["model"].unique())
        for ma, mb in itertools.combinations(models, 2):
            keys = ["sample_id", "epoch"]
            left = group[group["model"] == ma].drop_duplicates(keys).set_index(keys)
            right = group[group["model"] == mb].drop_duplicates(keys).set_index(keys)
            joined = left.join(right, how="inner", lsuffix="_a", rsuffix="_b")
            if joined.empty:
                continue
            ok = joined["valid_a"] & joined["valid_b"]
            kept = joined[ok]
            results.append(
                compare_paired(
                    kept["y_a"],
                    kept["y_b"],
                    kept["g_a"],
                    kind="models",
                    scope=f"task {task}",
                    a=str(ma),
                    b=str(mb),
                    n_dropped=int((~ok).sum()),
                    alpha=alpha,
                    seed=seed,
                )
            )
    return results


def condition_pair_comparisons(
    table: pd.DataFrame, positive: Sequence[str], alpha: float = 0.05, seed: int = 0
) -> list[PairedComparison]:
    """Compare conditions linked by ``pair_id`` (matched contrast pairs), per task and model.

    A pair is the two rows of one ``pair_id`` and epoch that belong to two different conditions; pair ids
    that link more than two rows at an epoch are ignored.
    """
    frame = _frame(table, positive)
    frame = frame[frame["pair_id"] != ""]
    results: list[PairedComparison] = []
    for (task, model), group in frame.groupby(["task", "model"], sort=True):
        keys = ["pair_id", "epoch"]
        sizes = group.groupby(keys)["condition_id"].transform("size")
        distinct = group.groupby(keys)["condition_id"].transform("nunique")
        two = group[(sizes == 2) & (distinct == 2)].sort_values([*keys, "condition_id"], kind="mergesort")
        if two.empty:
            continue
        first, second = two.iloc[0::2], two.iloc[1::2]
        pairs = pd.DataFrame(
            {
                "a": first["condition_id"].to_numpy(),
                "b": second["condition_id"].to_numpy(),
                "ya": first["y"].to_numpy(),
                "yb": second["y"].to_numpy(),
                "ok": first["valid"].to_numpy() & second["valid"].to_numpy(),
                "g": first["pair_id"].to_numpy(),
            }
        )
        for (ca, cb), pg in pairs.groupby(["a", "b"], sort=True):
            kept = pg[pg["ok"]]
            results.append(
                compare_paired(
                    kept["ya"],
                    kept["yb"],
                    kept["g"],
                    kind="conditions",
                    scope=f"task {task}, model {model}",
                    a=str(ca),
                    b=str(cb),
                    n_dropped=int((~pg["ok"]).sum()),
                    alpha=alpha,
                    seed=seed,
                )
            )
    return results
