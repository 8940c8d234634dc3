"""Robustness checks on a tidy table: surface cues, paraphrase spread, sampling settings, rule sweep."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from assay.evidence._distributions import chi2_sf, t_quantile, t_two_sided_p
from assay.evidence._fits import RobustFit, weighted_least_squares_hc3
from assay.evidence._power import adjust_pvalues
from assay.evidence._table import ERROR_OUTCOMES, cluster_keys, condition_labels, factor_columns


class CueTerm(BaseModel):
    """Association of one surface cue with the behaviour, within conditions.

    ``estimate`` is a change in the probability of the behaviour: per standard deviation of prompt length,
    or for prompts containing the key token against prompts without it.
    """

    cue: str
    estimate: float
    se: float
    lo: float
    hi: float
    p_value: float
    p_adjusted: float


class SurfaceCueCheck(BaseModel):
    """Does the outcome track surface features of the prompt once the condition is held fixed?"""

    status: Literal["ok", "not_estimable"]
    method: str
    n: int
    terms: list[CueTerm] = Field(default_factory=list)
    note: str = ""


def _cond_key(table: pd.DataFrame) -> pd.Series:
    return table["task"].astype(str) + "|" + table["model"].astype(str) + "|" + condition_labels(table)


def surface_cue_check(
    table: pd.DataFrame, positive: Sequence[str], cues: Sequence[str] = (), alpha: float = 0.05
) -> SurfaceCueCheck:
    """Regress the behaviour on prompt length and key-token indicators, holding the condition fixed.

    Surface cues are properties of a rendered prompt, so the regression runs on prompts: the rate of each
    prompt (weighted by its valid samples) on the cues plus one dummy per condition (fixed effects), with
    HC3 standard errors and t-tests (robust with few prompts per condition); p-values are Holm-corrected
    across cues. Only differences between paraphrases of the same condition identify the cue effects, so
    factor effects cannot masquerade as surface cues. Conditions with a single prompt carry no such
    information and are left out.

    Args:
        table: The tidy table.
        positive: Outcome values counted as the behaviour.
        cues: Key tokens to test (case-insensitive substring of the prompt text).
        alpha: One minus the confidence level.
    """
    method = "prompt-level weighted least squares, condition fixed effects, HC3 t-tests, Holm"
    valid = table[~table["outcome"].isin(list(ERROR_OUTCOMES))]
    if valid.empty:
        return SurfaceCueCheck(status="not_estimable", method=method, n=0, note="no valid rows")
    prompts, cue_cols = _prompt_rows(valid, positive, cues)
    per_cond = prompts.groupby("cond")["g"].transform("size")
    prompts = prompts[per_cond > 1]
    if prompts.empty:
        return SurfaceCueCheck(
            status="not_estimable", method=method, n=len(valid), note="every condition has a single prompt"
        )
    length = prompts["prompt length (per SD)"]
    sd = float(length.std())
    prompts["prompt length (per SD)"] = (length - length.mean()) / sd if sd > 0 else 0.0
    within = prompts[cue_cols] - prompts.groupby("cond")[cue_cols].transform("mean")
    regressors = [c for c in cue_cols if float(within[c].abs().max()) > 1e-9]
    dropped = [c for c in cue_cols if c not in regressors]
    note = "constant within every condition (not testable): " + ", ".join(dropped) if dropped else ""
    if not regressors:
        return SurfaceCueCheck(status="not_estimable", method=method, n=len(valid), note=note)
    spread = prompts["y"] - prompts.groupby("cond")["y"].transform("mean")
    if float(spread.abs().max()) < _NOISE:
        return _constant_outcome(regressors, method, len(valid), note)
    dummies = pd.get_dummies(prompts["cond"], dtype=float)
    x = pd.concat([prompts[regressors], dummies], axis=1).to_numpy(float)
    fit = weighted_least_squares_hc3(x, prompts["y"].to_numpy(float), prompts["n"].to_numpy(float))
    if fit.df_resid < 1:
        return SurfaceCueCheck(status="not_estimable", method=method, n=len(valid), note="too few prompts")
    terms = _cue_terms(fit, regressors, alpha)
    return SurfaceCueCheck(status="ok", method=method, n=len(valid), terms=terms, note=note)


def _prompt_rows(
    valid: pd.DataFrame, positive: Sequence[str], cues: Sequence[str]
) -> tuple[pd.DataFrame, list[str]]:
    """One row per prompt of each condition: its rate ``y``, valid samples ``n`` and the cue columns' means.

    Returns:
        The prompt rows (columns ``cond``, ``g``, ``y``, ``n`` and the cues) and the cue columns' names.
    """
    lower = valid["prompt_text"].astype(str).str.lower()
    rows = pd.DataFrame(
        {
            "cond": _cond_key(valid).to_numpy(),
            "g": cluster_keys(valid).to_numpy(),
            "y": valid["outcome"].isin(list(positive)).astype(float).to_numpy(),
            "prompt length (per SD)": valid["prompt_chars"].astype(float).to_numpy(),
        }
    )
    for cue in cues:
        rows[f"token '{cue}'"] = lower.str.contains(cue.lower(), regex=False).astype(float).to_numpy()
    cue_cols = [c for c in rows.columns if c not in ("cond", "g", "y")]
    prompts = rows.groupby(["cond", "g"], sort=False).agg(
        y=("y", "mean"), n=("y", "size"), **{c: (c, "mean") for c in cue_cols}
    )
    return prompts.reset_index(), cue_cols


def _cue_terms(fit: RobustFit, regressors: list[str], alpha: float) -> list[CueTerm]:
    """The cue coefficients of ``fit`` (the first ``len(regressors)``) with t intervals and Holm p-values."""
    q = t_quantile(1 - alpha / 2, fit.df_resid)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_fit = t_two_sided_p(fit.params / fit.bse, fit.df_resid)
    p_raw = [
        1.0 if _numerically_zero(fit.params[i], fit.bse[i]) else float(p_fit[i])
        for i in range(len(regressors))
    ]
    p_adj = adjust_pvalues(p_raw, "holm")
    return [
        CueTerm(
            cue=name,
            estimate=float(fit.params[i]),
            se=float(fit.bse[i]),
            lo=float(fit.params[i] - q * fit.bse[i]),
            hi=float(fit.params[i] + q * fit.bse[i]),
            p_value=p_raw[i],
            p_adjusted=p_adj[i],
        )
        for i, name in enumerate(regressors)
    ]


#: Below this, a within-condition spread of the outcome (a proportion) is floating-point noise.
_NOISE = 1e-9


def _numerically_zero(estimate: float, se: float) -> bool:
    """An estimate and standard error both at round-off level: t = estimate / se is noise over noise."""
    return abs(float(estimate)) < _NOISE and abs(float(se)) < _NOISE


def _constant_outcome(regressors: list[str], method: str, n: int, note: str) -> SurfaceCueCheck:
    """The result when the outcome never varies within a condition: no cue can explain what does not vary.

    With all-or-nothing outcomes per condition, the residuals of the fixed-effects fit are zero up to
    round-off, HC3 standard errors come out near 1e-17, and t-tests of estimates near 1e-17 declare
    "significance" on noise; the check instead reports every cue with estimate 0 and p = 1.
    """
    text = (
        "outcome constant within every condition (all-or-nothing): no within-condition variation to explain"
    )
    terms = [
        CueTerm(cue=c, estimate=0.0, se=0.0, lo=0.0, hi=0.0, p_value=1.0, p_adjusted=1.0) for c in regressors
    ]
    return SurfaceCueCheck(
        status="ok", method=method, n=n, terms=terms, note="; ".join(x for x in (text, note) if x)
    )


class ParaphraseSpread(BaseModel):
    """How much the rate moves between paraphrases of the same condition.

    Attributes:
        n_conditions: Conditions in the table.
        n_with_paraphrases: Conditions with more than one paraphrase.
        max_paraphrases: Largest number of paraphrases in a condition.
        between_sd_median: Median over conditions of the SD of per-paraphrase rates.
        max_range: Largest max - min of per-paraphrase rates in a condition.
        n_heterogeneous: Conditions whose paraphrase rates differ (chi-square test, Holm-corrected).
        rows: Per condition: label, m, min, max, sd, p, p_adjusted.
    """

    n_conditions: int
    n_with_paraphrases: int
    max_paraphrases: int
    between_sd_median: float
    max_range: float
    n_heterogeneous: int
    rows: list[dict[str, str | float | int]] = Field(default_factory=list)


def homogeneity_pvalues(
    k: NDArray[np.float64], n: NDArray[np.float64], group: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Pearson chi-square test that the rate is equal across the rows of each group (an m x 2 table).

    Vectorised over groups; the same statistic and p-value as ``scipy.stats.chi2_contingency`` (with its
    Yates correction when m = 2), which costs a Python call per condition. Groups with one row get NaN;
    groups where the behaviour never or always occurs get 1.
    """
    n_groups = int(group.max()) + 1 if group.size else 0
    m = np.bincount(group, minlength=n_groups)
    tot_k = np.bincount(group, weights=k, minlength=n_groups)
    tot_n = np.bincount(group, weights=n, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_hat = (tot_k / tot_n)[group]
        stat = np.zeros(n_groups)
        for observed, expected in ((k, n * p_hat), (n - k, n * (1 - p_hat))):
            dev = np.abs(observed - expected)
            yates = (m[group] == 2).astype(float) * 0.5
            dev = np.maximum(dev - yates, 0.0)
            stat += np.bincount(
                group, weights=np.where(expected > 0, dev**2 / expected, 0.0), minlength=n_groups
            )
    p = chi2_sf(stat, np.maximum(m - 1, 1))
    degenerate = (tot_k == 0) | (tot_k == tot_n)
    return np.where(m < 2, np.nan, np.where(degenerate, 1.0, p))


def paraphrase_spread(table: pd.DataFrame, positive: Sequence[str], alpha: float = 0.05) -> ParaphraseSpread:
    """Return the between-paraphrase variation of the rate within each condition."""
    valid = table[~table["outcome"].isin(list(ERROR_OUTCOMES))]
    frame = pd.DataFrame(
        {
            "cond": _cond_key(valid),
            "para": valid["paraphrase"].astype(int),
            "y": valid["outcome"].isin(list(positive)).astype(int),
        }
    )
    per = frame.groupby(["cond", "para"])["y"].agg(["sum", "size"]).reset_index()
    per["rate"] = per["sum"] / per["size"]
    code = pd.factorize(per["cond"], sort=True)
    per["p"] = homogeneity_pvalues(
        per["sum"].to_numpy(float), per["size"].to_numpy(float), code[0].astype(np.int64)
    )[code[0]]
    stats = per.groupby("cond", sort=True).agg(
        m=("rate", "size"), lo=("rate", "min"), hi=("rate", "max"), sd=("rate", "std"), p=("p", "first")
    )
    adjusted = adjust_pvalues(stats["p"].tolist(), "holm")
    rows: list[dict[str, str | float | int]] = [
        {
            "condition": str(cond),
            "m": int(r.m),
            "min": float(r.lo),
            "max": float(r.hi),
            "sd": float(r.sd) if r.m > 1 else math.nan,
            "p": float(r.p),
            "p_adjusted": pa,
        }
        for (cond, r), pa in zip(stats.iterrows(), adjusted, strict=True)
    ]
    multi = [r for r in rows if int(r["m"]) > 1]
    return ParaphraseSpread(
        n_conditions=len(rows),
        n_with_paraphrases=len(multi),
        max_paraphrases=max((int(r["m"]) for r in rows), default=0),
        between_sd_median=float(np.median([float(r["sd"]) for r in multi])) if multi else math.nan,
        max_range=max((float(r["max"]) - float(r["min"]) for r in multi), default=math.nan),
        n_heterogeneous=sum(1 for r in multi if float(r["p_adjusted"]) < alpha),
        rows=rows,
    )


def sampling_settings(table: pd.DataFrame) -> list[str]:
    """Return the distinct sampling settings in the table (temperature / top-p, or a sampling factor)."""
    settings = set()
    for col in factor_columns(table):
        if col[2:] in ("temperature", "top_p", "decoding", "sampling"):
            settings |= {f"{col[2:]}={v}" for v in table[col].unique()}
    if settings:
        return sorted(settings)
    combos = table[["temperature", "top_p"]].drop_duplicates()
    return sorted(
        {
            f"temperature={_fmt(t)}, top_p={_fmt(p)}"
            for t, p in zip(combos["temperature"], combos["top_p"], strict=True)
        }
    )


def _fmt(value: float) -> str:
    return "default" if pd.isna(value) else f"{value:g}"


class RuleVariant(BaseModel):
    """The rate under one variant of the decision rule."""

    rule: str
    n: int
    k: int
    rate: float


def decision_rule_sweep(
    table: pd.DataFrame, thresholds: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9)
) -> list[RuleVariant]:
    """Re-decide judged rows at several thresholds, with ``>=`` and ``>``, from the stored judge scores.

    Only rows whose judge labels carry a numeric ``score`` take part; returns an empty list when none do.
    """
    rows = table[np.isfinite(table["judge_score"].astype(float))]
    rows = rows[~rows["outcome"].isin(list(ERROR_OUTCOMES))]
    if rows.empty:
        return []
    score = rows["judge_score"].astype(float).to_numpy()
    out = []
    for t in thresholds:
        for op, hit in ((">=", score >= t), (">", score > t)):
            out.append(
                RuleVariant(
                    rule=f"score {op} {t:g}", n=int(score.size), k=int(hit.sum()), rate=float(hit.mean())
                )
            )
    return out
