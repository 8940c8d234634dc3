"""The panel report: models compared on the same samples.

* per model: the rate of the behaviour with its Wilson interval and the errors kept out of it
  (:func:`assay.evidence.binomial_rate`);
* every pair of models: the paired difference on the samples both answered validly, McNemar's exact test
  and a prompt-clustered bootstrap interval (:func:`assay.evidence.model_comparisons`), Holm-adjusted
  across pairs (:func:`assay.evidence.adjust_pvalues`);
* a ranking with intervals: models ordered by rate; each model's rank interval comes from a paired cluster
  bootstrap (whole prompts resampled, the same draw for every model, ties share the better rank);
* factor effects fitted separately for each model (:func:`assay.evidence.factor_effects`).

The rank bootstrap is the one statistic not in the evidence engine; it is written here because it only
makes sense for several models at once, and uses the same prompt clusters as the paired comparisons.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from assay._errors import AssayError
from assay.evidence import (
    ERROR_OUTCOMES,
    FactorEffects,
    PairedComparison,
    Rate,
    adjust_pvalues,
    binomial_rate,
    cluster_keys,
    factor_effects,
    model_comparisons,
    resolve_positive,
    tidy_table,
)


class ModelRank(BaseModel):
    """One model's rate and rank."""

    model_config = ConfigDict(extra="forbid")

    model: str
    rate: Rate
    rank: int
    rank_lo: int
    rank_hi: int


class PanelReport(BaseModel):
    """Everything the panel report shows."""

    model_config = ConfigDict(extra="forbid")

    logs: list[str]
    positive: list[str]
    tasks: list[str]
    models: list[str]
    shared_samples: int
    ranking: list[ModelRank]
    comparisons: list[PairedComparison]
    effects: dict[str, list[FactorEffects]]
    bootstrap: str


def _valid(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["outcome"].isin(list(ERROR_OUTCOMES))]


def _rank_intervals(
    table: pd.DataFrame, positive: Sequence[str], models: list[str], n_resamples: int, seed: int
) -> dict[str, tuple[int, int]]:
    valid = _valid(table).assign(y=lambda t: t["outcome"].isin(list(positive)).astype(float))
    valid = valid.assign(g=cluster_keys(valid))
    sums = valid.pivot_table(index="g", columns="model", values="y", aggfunc="sum", fill_value=0.0)
    counts = valid.pivot_table(index="g", columns="model", values="y", aggfunc="count", fill_value=0.0)
    sums, counts = (
        sums.reindex(columns=models, fill_value=0.0),
        counts.reindex(columns=models, fill_value=0.0),
    )
    rng = np.random.default_rng(seed)
    n = len(sums)
    ranks = np.empty((n_resamples, len(models)), dtype=int)
    s, c = sums.to_numpy(), counts.to_numpy()
    for b in range(n_resamples):
        idx = rng.integers(0, n, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = s[idx].sum(axis=0) / c[idx].sum(axis=0)
        rate = np.nan_to_num(rate, nan=-1.0)
        ranks[b] = 1 + (rate[None, :] > rate[:, None]).sum(axis=1)  # ties share the better rank
    lo = np.percentile(ranks, 2.5, axis=0)
    hi = np.percentile(ranks, 97.5, axis=0)
    return {m: (int(np.floor(lo[i])), int(np.ceil(hi[i]))) for i, m in enumerate(models)}


def _ranking(table: pd.DataFrame, positive: Sequence[str], n_resamples: int, seed: int) -> list[ModelRank]:
    models = sorted(table["model"].unique())
    rates: dict[str, Rate] = {}
    for m in models:
        rows = table[table["model"] == m]
        errors = rows[rows["outcome"].isin(list(ERROR_OUTCOMES))]["outcome"].value_counts().to_dict()
        valid = _valid(rows)
        rates[m] = binomial_rate(int(valid["outcome"].isin(list(positive)).sum()), len(valid), errors=errors)
    intervals = _rank_intervals(table, positive, models, n_resamples, seed)
    order = sorted(models, key=lambda m: -np.nan_to_num(rates[m].rate, nan=-1.0))
    out = []
    for m in order:
        rank = 1 + sum(
            1 for o in models if np.nan_to_num(rates[o].rate, nan=-1) > np.nan_to_num(rates[m].rate, nan=-1)
        )
        out.append(
            ModelRank(model=m, rate=rates[m], rank=rank, rank_lo=intervals[m][0], rank_hi=intervals[m][1])
        )
    return out


def panel_report(
    logs: Sequence[str | Path],
    positive: Sequence[str] | None = None,
    n_resamples: int = 2000,
    seed: int = 0,
) -> PanelReport:
    """Compare the models in ``logs`` (files or directories) on the samples they share.

    Raises:
        AssayError: Unreadable logs, fewer than two models, or no sample answered by every model.
    """
    table = tidy_table(list(logs))
    pos = resolve_positive(table, positive)
    models = sorted(table["model"].unique())
    if len(models) < 2:
        raise AssayError(f"a panel needs at least two models; the logs hold {', '.join(models) or 'none'}")
    keys = ["task", "sample_id", "epoch"]
    per_model = [set(map(tuple, table[table["model"] == m][keys].to_numpy().tolist())) for m in models]
    shared = set.intersection(*per_model)
    if not shared:
        raise AssayError("the models answered no common sample (same task, sample id and epoch)")
    comparisons = model_comparisons(table, pos, seed=seed)
    adjusted = adjust_pvalues([c.p_value for c in comparisons], "holm")
    comparisons = [c.model_copy(update={"p_adjusted": p}) for c, p in zip(comparisons, adjusted, strict=True)]
    effects = {m: factor_effects(table[table["model"] == m], pos) for m in models}
    return PanelReport(
        logs=[str(p) for p in logs],
        positive=list(pos),
        tasks=sorted(table["task"].unique()),
        models=models,
        shared_samples=len(shared),
        ranking=_ranking(table, pos, n_resamples, seed),
        comparisons=comparisons,
        effects=effects,
        bootstrap=f"paired cluster bootstrap over prompts, {n_resamples} resamples, seed {seed}",
    )
