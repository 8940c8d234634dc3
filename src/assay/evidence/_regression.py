"""Factor effects: logistic regression of the outcome on the condition factors, clustered by prompt.

The model is a binomial GLM (statsmodels' estimator, written out in :mod:`assay.evidence._fits`) with
treatment-coded factors and a cluster-robust covariance whose clusters are the rendered prompts (so the K
generations of one prompt and the paraphrase it came from are not counted as independent). A random-effects
logit would also fit here; the cluster-robust GLM is used because it is fast on 10^5 rows and has no
convergence problems with few clusters.

When a factor level has 0 % or 100 % of the behaviour the logit is separated (infinite odds ratios); the
fit then falls back to a linear probability model (risk differences, same clustering) and says so.

Degenerate designs never give a p-value:

* A factor with no value in some rows (NaN, ``None`` or ``""``, which is how :func:`tidy_table` writes a
  factor a sample lacks) is never given a level of its own. It is fitted on the rows that have it, and the
  note says how many rows were dropped, when those rows are at least half of the task's rows and hold two
  or more of its levels; otherwise it is left out with a one-line reason and the other factors keep every
  row. Half, because dropping rows changes the sample of every other effect: a factor present in a minority
  of rows would otherwise decide the whole fit. A factor with no value in any row of a task belongs to
  another task and is ignored.
* A term whose standard error is not finite or is zero to floating-point precision (a perfect fit, as when
  the behaviour is all-or-nothing in every cell) is *not estimable*: its estimate is kept (set to 0 when it
  is itself at noise level), its interval and p-value are NaN, and a multiple-comparison correction
  (:func:`adjust_pvalues` skips NaN) does not count it. An estimate at noise level with a large z always
  has such a standard error, so this one rule covers it. Collinear and constant design columns are left
  out before the fit and named in the note.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from assay.evidence._distributions import normal_quantile, normal_two_sided_p
from assay.evidence._fits import binomial_logit, least_squares
from assay.evidence._table import ERROR_OUTCOMES, FACTOR_PREFIX, cluster_keys, factor_columns

#: Estimates and standard errors at or below this are zero to floating-point precision. Design columns are
#: 0/1 dummies and the outcome a 0/1 indicator, so effects and their errors are of order one at most; the
#: square root of machine epsilon (1.5e-8) is far below any real standard error (1/n for n samples).
NOISE = math.sqrt(float(np.finfo(float).eps))


class EffectTerm(BaseModel):
    """One level of one factor against its reference level.

    ``estimate``/``lo``/``hi`` are log odds ratios for a logit fit and risk differences (proportions) for
    a linear probability fit. A term the design cannot identify has ``estimable`` false, the reason in
    ``note``, and NaN for ``se``, ``lo``, ``hi`` and ``p_value`` (so no correction counts it).
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
    estimable: bool = True
    note: str = ""


class FactorEffects(BaseModel):
    """The fit of one regression (one task); ``n`` rows fitted after ``n_dropped`` rows lacking a factor."""

    scope: str
    status: Literal["ok", "separation", "not_estimable", "no_factors"]
    model: Literal["logit", "linear_probability", "none"]
    covariance: str
    n: int
    n_clusters: int
    terms: list[EffectTerm] = Field(default_factory=list)
    note: str = ""
    n_dropped: int = 0


def _name(col: str) -> str:
    return col[len(FACTOR_PREFIX) :] if col.startswith(FACTOR_PREFIX) else col


def _missing(column: pd.Series) -> np.ndarray:
    """Return where a factor has no value: NaN, ``None`` or an empty (or blank) string."""
    text = column.astype("string").str.strip()
    return (column.isna() | text.isna() | (text == "").fillna(True)).to_numpy(bool)


def _factor_rows(group: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """Choose the rows and the factor columns to fit (see the module docstring for the rule).

    Returns:
        ``(rows, factors, notes)``: a boolean mask over ``group``, the factor columns in sorted order, and
        one note per factor left out or rows dropped.
    """
    n = len(group)
    keep = np.ones(n, bool)
    chosen: list[str] = []
    partial: list[str] = []
    notes: list[str] = []
    missing = {c: _missing(group[c]) for c in factor_columns(group)}
    for col in sorted(missing, key=lambda c: (int(missing[c].sum()), c)):
        miss, name = missing[col], _name(col)
        if miss.all() or not miss.any():
            chosen += [] if miss.all() else [col]
            continue
        rows = keep & ~miss
        levels = pd.unique(group[col].to_numpy()[rows])
        have = f"present in {int((~miss).sum())} of {n} rows"
        if 2 * int(rows.sum()) < n:
            notes.append(f"factor {name} left out: {have}, fitting it would drop more than half the rows")
        elif len(levels) < 2:
            notes.append(f"factor {name} left out: {have}, all at one level ({levels[0]})")
        else:
            keep, chosen, partial = rows, [*chosen, col], [*partial, name]
    if partial:
        notes.append(f"{n - int(keep.sum())} of {n} rows dropped: no value for factor {', '.join(partial)}")
    fitted = []
    for col in factor_columns(group):
        varies = group[col].to_numpy()[keep]
        if col in chosen and len(pd.unique(varies)) > 1:
            fitted.append(col)
        elif col in chosen and group[col].nunique() > 1:
            notes.append(f"factor {_name(col)} left out: constant in the rows fitted")
    return keep, fitted, notes


def _design(
    frame: pd.DataFrame, factors: Sequence[str], reference: Mapping[str, str]
) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    columns: dict[str, np.ndarray] = {"const": np.ones(len(frame))}
    terms: list[tuple[str, str, str]] = []
    for col in factors:
        name = _name(col)
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
    frame = x.assign(_g=clusters, _y=y)
    grouped = frame.groupby(["_g", *x.columns], sort=False)["_y"].agg(["sum", "size"]).reset_index()
    fit = binomial_logit(
        grouped[list(x.columns)].to_numpy(float),
        grouped["sum"].to_numpy(float),
        grouped["size"].to_numpy(float),
        grouped["_g"].to_numpy(np.int64),
    )
    bse = pd.Series(fit.bse, index=x.columns)
    if not fit.converged:
        return None, bse
    n_full, n_grouped, k = len(y), len(grouped), x.shape[1]
    if n_grouped <= k:
        return None, bse
    rescale = math.sqrt(((n_full - 1) / (n_full - k)) / ((n_grouped - 1) / (n_grouped - k)))
    return pd.Series(fit.params, index=x.columns), bse * rescale


def _separated(y: np.ndarray, group: pd.DataFrame, factors: Sequence[str]) -> list[str]:
    """Return ``factor=level`` cells where the behaviour never varies (a logit would diverge there)."""
    out = []
    for col in factors:
        name = _name(col)
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
    rows, factors, notes = _factor_rows(group)
    n_dropped = len(group) - int(rows.sum())
    group = group[rows]
    if group["model"].nunique() > 1:
        factors.append("model")
    codes = pd.factorize(cluster_keys(group))[0]
    n_clusters = int(codes.max() + 1) if len(codes) else 0
    base: dict[str, Any] = {"scope": scope, "n": len(group), "n_clusters": n_clusters, "n_dropped": n_dropped}
    none: dict[str, Any] = {"model": "none", "covariance": "", **base}
    if not factors:
        return FactorEffects(status="no_factors", note="; ".join(["no factor varies", *notes]), **none)
    x, terms = _design(group, factors, reference)
    y = group["outcome"].isin(list(positive)).to_numpy(float)
    x, dropped = _independent_columns(x)
    terms = [t for t in terms if f"{t[0]}={t[1]}" in x.columns]
    if dropped:
        notes.append(f"left out as collinear with earlier factors: {', '.join(dropped)}")
    if not terms:
        return FactorEffects(status="not_estimable", note="; ".join(notes), **none)
    if n_clusters < 2:
        return FactorEffects(status="not_estimable", note="; ".join(["one prompt", *notes]), **none)
    if n_clusters <= x.shape[1]:
        note = (
            f"{n_clusters} prompts for {x.shape[1]} parameters: prompt-clustered standard errors need more "
            "prompts than parameters"
        )
        return FactorEffects(status="not_estimable", note="; ".join([note, *notes]), **none)
    params, bse, model, fit_note = _fit(x, y, codes, group, factors)
    z = _z(alpha)
    out = [_term(t, float(params[f"{t[0]}={t[1]}"]), float(bse[f"{t[0]}={t[1]}"]), z, model) for t in terms]
    status: Literal["ok", "separation", "not_estimable"] = "ok" if model == "logit" else "separation"
    if not any(t.estimable for t in out):
        status = "not_estimable"
        notes.insert(0, "no term is estimable: the fit leaves no residual variation")
    cov = f"cluster-robust by prompt ({n_clusters} clusters)"
    note = "; ".join(n for n in (fit_note, *notes) if n)
    return FactorEffects(status=status, model=model, covariance=cov, terms=out, note=note, **base)


def _z(alpha: float) -> float:
    return normal_quantile(1 - alpha / 2)


def _fit(
    x: pd.DataFrame, y: np.ndarray, codes: np.ndarray, group: pd.DataFrame, factors: Sequence[str]
) -> tuple[pd.Series, pd.Series, Literal["logit", "linear_probability"], str]:
    """Fit the logit, or the linear probability model when the logit is separated.

    Returns:
        ``(params, bse, model, note)``; the note says why the logit was not used.
    """
    separated = _separated(y, group, factors)
    if not separated:
        params, bse = _grouped_logit(x, y, codes)
        if params is not None and np.abs(params.to_numpy()).max() <= 15:
            return params, bse, "logit", ""
        separated = ["a combination of levels (logit did not converge)"]
    fit = least_squares(x.to_numpy(float), y, codes.astype(np.int64))
    note = (
        "logit separated (no variation in the behaviour at: "
        + ", ".join(separated)
        + "); effects are risk differences from a linear probability model"
    )
    return (
        pd.Series(fit.params, index=x.columns),
        pd.Series(fit.bse, index=x.columns),
        "linear_probability",
        note,
    )


def _unidentified(estimate: float, se: float) -> str:
    """Return why a fitted term is not identified by the design, or ``""`` when it is."""
    if not math.isfinite(estimate):
        return "the estimate is not finite"
    if not math.isfinite(se):
        return "the standard error is not finite"
    if se <= NOISE * max(1.0, abs(estimate)):
        return "standard error zero to floating-point precision (the fit leaves no residual variation)"
    return ""


def _term(
    term: tuple[str, str, str],
    estimate: float,
    se: float,
    z: float,
    model: Literal["logit", "linear_probability"],
) -> EffectTerm:
    """Build one term; an unidentified one keeps its estimate (0 when at noise level) and gets no p-value."""
    factor, level, reference = term
    why = _unidentified(estimate, se)
    if why:
        point = 0.0 if abs(estimate) <= NOISE else estimate
        nan = math.nan
        return EffectTerm(
            factor=factor,
            level=level,
            reference=reference,
            estimate=point,
            se=nan,
            lo=nan,
            hi=nan,
            p_value=nan,
            estimable=False,
            note=f"not estimable: {why}",
        )
    return EffectTerm(
        factor=factor,
        level=level,
        reference=reference,
        estimate=estimate,
        se=se,
        lo=estimate - z * se,
        hi=estimate + z * se,
        p_value=normal_two_sided_p(estimate / se),
        odds_ratio=math.exp(estimate) if model == "logit" else None,
    )
