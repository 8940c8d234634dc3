"""Factor effects: logistic regression of the outcome on the condition factors, clustered by prompt.

The model is a binomial GLM (statsmodels) with treatment-coded factors and a cluster-robust covariance
whose clusters are the rendered prompts (so the K generations of one prompt and the paraphrase it came from
are not counted as independent). A random-effects logit would also fit here; the cluster-robust GLM is used
because it is fast on 10^5 rows and has no convergence problems with few clusters.

When a factor level has 0 % or 100 % of the behaviour the logit is separated (infinite odds ratios); the
fit then falls back to a linear probability model (risk differences, same clustering) and says so.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from assay.evidence._table import ERROR_OUTCOMES, FACTOR_PREFIX, cluster_keys, factor_columns


class EffectTerm(BaseModel):
    """One level of one factor against its reference level.

    ``estimate``/``lo``/``hi`` are log odds ratios for a logit fit and risk differences (proportions) for
    a linear probability fit.
    """

    factor: str
    level: str
    reference: str
    estimate: float
    se: float
    lo: float
    hi: float
    p_value: float
    p_adjusted: float | None = None
    odds_ratio: float | None = None


class FactorEffects(BaseModel):
    """The fit of one regression (one task)."""

    scope: str
    status: Literal["ok", "separation", "not_estimable", "no_factors"]
    model: Literal["logit", "linear_probability", "none"]
    covariance: str
    n: int
    n_clusters: int
    terms: list[EffectTerm] = Field(default_factory=list)
    note: str = ""


def _design(
    frame: pd.DataFrame, factors: Sequence[str], reference: Mapping[str, str]
) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    columns: dict[str, np.ndarray] = {"const": np.ones(len(frame))}
    terms: list[tuple[str, str, str]] = []
    for col in factors:
        name = col[len(FACTOR_PREFIX) :] if col.startswith(FACTOR_PREFIX) else col
        codes, uniques = pd.factorize(frame[col].astype(str), sort=True)
        levels = [str(u) for u in uniques]
        ref = str(reference.get(name, levels[0]))
        if ref not in levels:
            ref = levels[0]
        for i, level in enumerate(levels):
            if level == ref:
                continue
            columns[f"{name}={level}"] = (codes == i).astype(float)
            terms.append((name, level, ref))
    return pd.DataFrame(columns, index=frame.index), terms


def _independent_columns(x: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keep design columns in order while they add rank; return the kept design and the dropped names.

    Factors of a design are often nested (``goal_value`` is ``none`` exactly when ``goal_type`` is
    ``none``); the later, redundant dummies are dropped so the other effects stay estimable.
    """
    gram = x.to_numpy().T @ x.to_numpy()
    keep: list[int] = []
    dropped: list[str] = []
    for j, name in enumerate(x.columns):
        idx = [*keep, j]
        if np.linalg.matrix_rank(gram[np.ix_(idx, idx)]) == len(idx):
            keep.append(j)
        else:
            dropped.append(str(name))
    return x.iloc[:, keep], dropped


def _grouped_logit(
    x: pd.DataFrame, y: np.ndarray, clusters: np.ndarray
) -> tuple[pd.Series | None, pd.Series]:
    """Fit the logit on samples grouped by (prompt, design row) as binomial counts; cluster-robust by prompt.

    Grouping identical rows leaves the maximum-likelihood estimate and the per-prompt scores unchanged, so
    the cluster-robust covariance equals the per-sample one up to statsmodels' small-sample factor
    ``(N - 1) / (N - K)``, which is rescaled to the per-sample ``N``. One row per prompt instead of one per
    sample makes the fit an order of magnitude faster on large logs.

    Returns:
        ``(params, bse)``; ``params`` is ``None`` when the fit did not converge.
    """
    import statsmodels.api as sm

    frame = x.assign(_g=clusters, _y=y)
    grouped = frame.groupby(["_g", *x.columns], sort=False)["_y"].agg(["sum", "size"]).reset_index()
    endog = np.column_stack([grouped["sum"], grouped["size"] - grouped["sum"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(endog, grouped[list(x.columns)], family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds={"groups": grouped["_g"].to_numpy()}
        )
    if not fit.converged:
        return None, fit.bse
    n_full, n_grouped, k = len(y), len(grouped), x.shape[1]
    if n_grouped <= k:
        return None, fit.bse
    rescale = math.sqrt(((n_full - 1) / (n_full - k)) / ((n_grouped - 1) / (n_grouped - k)))
    return fit.params, fit.bse * rescale


def _separated(y: np.ndarray, group: pd.DataFrame, factors: Sequence[str]) -> list[str]:
    """Return ``factor=level`` cells where the behaviour never varies (a logit would diverge there)."""
    out = []
    for col in factors:
        name = col[len(FACTOR_PREFIX) :] if col.startswith(FACTOR_PREFIX) else col
        codes, uniques = pd.factorize(group[col].astype(str), sort=True)
        n = np.bincount(codes, minlength=len(uniques))
        k = np.bincount(codes, weights=y, minlength=len(uniques))
        out += [f"{name}={lvl}" for lvl, ni, ki in zip(uniques, n, k, strict=True) if ki == 0 or ki == ni]
    return out


def factor_effects(
    table: pd.DataFrame,
    positive: Sequence[str],
    reference: Mapping[str, str] | None = None,
    alpha: float = 0.05,
) -> list[FactorEffects]:
    """Fit one regression per task of the behaviour on the factors that vary (and on the model, if several).

    Args:
        table: The tidy table.
        positive: Outcome values counted as the behaviour.
        reference: Reference level per factor name (default: the first level in sort order).
        alpha: One minus the confidence level of the term intervals.

    Returns:
        One :class:`FactorEffects` per task.
    """
    valid = table[~table["outcome"].isin(list(ERROR_OUTCOMES))]
    results = []
    for task, group in valid.groupby("task", sort=True):
        results.append(_fit_one(group, positive, dict(reference or {}), alpha, f"task {task}"))
    return results


def _fit_one(
    group: pd.DataFrame, positive: Sequence[str], reference: dict[str, str], alpha: float, scope: str
) -> FactorEffects:
    import statsmodels.api as sm
    from scipy.stats import norm

    factors = [c for c in factor_columns(group) if group[c].nunique() > 1]
    if group["model"].nunique() > 1:
        factors.append("model")
    clusters = cluster_keys(group)
    codes = pd.factorize(clusters)[0]
    n_clusters = int(codes.max() + 1) if len(codes) else 0
    base: dict[str, Any] = {"scope": scope, "n": len(group), "n_clusters": n_clusters}
    if not factors:
        return FactorEffects(
            status="no_factors", model="none", covariance="", note="no factor varies", **base
        )
    x, terms = _design(group, factors, reference)
    y = group["outcome"].isin(list(positive)).to_numpy(float)
    x, dropped = _independent_columns(x)
    terms = [t for t in terms if f"{t[0]}={t[1]}" in x.columns]
    collinear = f"left out as collinear with earlier factors: {', '.join(dropped)}" if dropped else ""
    if not terms:
        return FactorEffects(status="not_estimable", model="none", covariance="", note=collinear, **base)
    if n_clusters < 2:
        return FactorEffects(status="not_estimable", model="none", covariance="", note="one prompt", **base)
    if n_clusters <= x.shape[1]:
        note = (
            f"{n_clusters} prompts for {x.shape[1]} parameters: prompt-clustered standard errors need more "
            "prompts than parameters"
        )
        return FactorEffects(status="not_estimable", model="none", covariance="", note=note, **base)
    separated = _separated(y, group, factors)
    cov = f"cluster-robust by prompt ({n_clusters} clusters)"
    params: pd.Series | None = None
    if not separated:
        params, bse = _grouped_logit(x, y, codes)
        if params is None or np.abs(params.to_numpy()).max() > 15:
            separated, params = ["a combination of levels (logit did not converge)"], None
    model: Literal["logit", "linear_probability"] = "logit"
    status: Literal["ok", "separation"] = "ok"
    note = ""
    if params is None:
        fit = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": codes})
        params, bse = fit.params, fit.bse
        model, status = "linear_probability", "separation"
        note = (
            "logit separated (no variation in the behaviour at: "
            + ", ".join(separated)
            + "); effects are risk differences from a linear probability model"
        )
    z = float(norm.ppf(1 - alpha / 2))
    out_terms = []
    for name, level, ref in terms:
        col = f"{name}={level}"
        est, se = float(params[col]), float(bse[col])
        out_terms.append(
            EffectTerm(
                factor=name,
                level=level,
                reference=ref,
                estimate=est,
                se=se,
                lo=est - z * se,
                hi=est + z * se,
                p_value=float(2 * norm.sf(abs(est / se))) if se > 0 else math.nan,
                odds_ratio=math.exp(est) if model == "logit" else None,
            )
        )
    note = "; ".join(n for n in (note, collinear) if n)
    return FactorEffects(status=status, model=model, covariance=cov, terms=out_terms, note=note, **base)
