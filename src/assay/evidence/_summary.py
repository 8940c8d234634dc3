"""One function computes every number a report shows: :func:`summarize` turns a tidy table into a summary."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from assay.evidence._paired import PairedComparison, condition_pair_comparisons, model_comparisons
from assay.evidence._power import adjust_pvalues, minimum_detectable_effect
from assay.evidence._rates import IntervalMethod, Rate, condition_rates
from assay.evidence._regression import FactorEffects, factor_effects
from assay.evidence._robustness import (
    ParaphraseSpread,
    RuleVariant,
    SurfaceCueCheck,
    decision_rule_sweep,
    paraphrase_spread,
    sampling_settings,
    surface_cue_check,
)
from assay.evidence._table import (
    ERROR_OUTCOMES,
    FACTOR_PREFIX,
    cluster_keys,
    condition_labels,
    factor_columns,
)


class ConditionSummary(BaseModel):
    """The rate of the behaviour in one condition of one task for one model, with everything beside it.

    ``n`` excludes errors; ``errors`` counts them by category; ``outcomes`` counts every category.
    ``lo``/``hi`` use ``method``; ``lo_clustered``/``hi_clustered`` account for prompts that share epochs.
    """

    task: str
    model: str
    condition: str
    factors: dict[str, str] = Field(default_factory=dict)
    n: int
    k: int
    rate: float
    lo: float
    hi: float
    method: str
    rule_of_three_hi: float | None = None
    n_errors: int = 0
    errors: dict[str, int] = Field(default_factory=dict)
    outcomes: dict[str, int] = Field(default_factory=dict)
    n_prompts: int = 0
    n_paraphrases: int = 0
    generations_per_prompt: float = 0.0
    cluster_se: float | None = None
    design_effect: float = 1.0
    lo_clustered: float | None = None
    hi_clustered: float | None = None

    def as_rate(self, alpha: float = 0.05) -> Rate:
        """Return the headline numbers as a :class:`Rate`."""
        return Rate(
            n=self.n,
            k=self.k,
            rate=self.rate,
            lo=self.lo,
            hi=self.hi,
            method="clopper-pearson" if self.method == "clopper-pearson" else "wilson",
            confidence=1 - alpha,
            rule_of_three_hi=self.rule_of_three_hi,
            n_errors=self.n_errors,
            errors=self.errors,
        )


class PowerSummary(BaseModel):
    """Minimum detectable difference between two conditions at the smallest per-condition ``n``."""

    alpha: float
    power: float
    n_per_arm: int
    baseline: float
    design_effect: float
    mde: float


def classifier_lines(table: pd.DataFrame) -> list[str]:
    """One line per distinct classifier behind the outcomes: kind, name, version, hash, validations.

    Read from the table's ``classifier`` cells (JSON lists of records); rows without one, and records that do
    not read (checklist S3.4 reports those), add nothing.
    """
    seen: dict[str, str] = {}
    cells: list[str] = table["classifier"].tolist() if "classifier" in table.columns else []
    for cell in cells:
        try:
            records = json.loads(cell) if cell else []
        except (TypeError, ValueError):
            continue
        for rec in records if isinstance(records, list) else []:
            if not isinstance(rec, dict) or not {"kind", "name", "version", "config_sha256"} <= set(rec):
                continue
            checked = len(rec.get("validations") or [])
            validated = f"{checked} validation record(s)" if checked else "no validation record"
            config = rec["config_sha256"]
            seen.setdefault(
                config, f"{rec['kind']} {rec['name']} v{rec['version']} ({config[:12]}; {validated})"
            )
    return sorted(seen.values())


class Provenance(BaseModel):
    """Where the numbers come from: logs, models, prompts, judges, seeds, tokens."""

    logs: list[dict[str, str | int | float | None]] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    tasks: list[str] = Field(default_factory=list)
    scorers: list[str] = Field(default_factory=list)
    judge_configs: list[str] = Field(default_factory=list)
    classifiers: list[str] = Field(default_factory=list)
    n_prompt_hashes: int = 0
    n_rows_without_hash: int = 0
    prompt_set_sha256: str = ""
    prompt_hashes: list[str] = Field(default_factory=list)
    seeds: list[str] = Field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cost: float | None = None


class EvidenceSummary(BaseModel):
    """Everything the report and the checklist read; built by :func:`summarize`."""

    positive: list[str]
    alpha: float
    interval_method: str
    adjust_method: str
    n_rows: int
    n_valid: int
    n_errors: int
    errors: dict[str, int] = Field(default_factory=dict)
    outcome_counts: dict[str, int] = Field(default_factory=dict)
    conditions: list[ConditionSummary] = Field(default_factory=list)
    overall: list[ConditionSummary] = Field(default_factory=list)
    factor_effects: list[FactorEffects] = Field(default_factory=list)
    paired: list[PairedComparison] = Field(default_factory=list)
    surface_cues: SurfaceCueCheck | None = None
    paraphrases: ParaphraseSpread | None = None
    sampling_settings: list[str] = Field(default_factory=list)
    rule_sweep: list[RuleVariant] = Field(default_factory=list)
    power: PowerSummary | None = None
    provenance: Provenance = Field(default_factory=Provenance)
    notes: list[str] = Field(default_factory=list)


def group_summaries(
    table: pd.DataFrame, positive: Sequence[str], keys: list[str], method: IntervalMethod, alpha: float
) -> list[ConditionSummary]:
    """Return one :class:`ConditionSummary` per group of ``keys`` (task, model, optionally condition)."""
    rates = condition_rates(table, positive, keys, method, alpha)
    outcomes = table.groupby([*keys, "outcome"]).size().unstack(fill_value=0)
    valid = table[~table["outcome"].isin(list(ERROR_OUTCOMES))]
    shape = pd.DataFrame({k: valid[k] for k in keys}).assign(_g=cluster_keys(valid), _p=valid["paraphrase"])
    per_prompt = shape.groupby([*keys, "_g"]).size().groupby(level=list(range(len(keys)))).mean()
    n_para = shape.groupby(keys)["_p"].nunique()
    fcols = factor_columns(table)
    firsts = table.groupby(keys)[fcols].first().to_dict(orient="index") if fcols else {}
    outcome_map = outcomes.to_dict(orient="index")
    para_map = n_para.to_dict()
    prompt_map = per_prompt.to_dict()
    out = []
    for row in rates.to_dict(orient="records"):
        idx = tuple(row[k] for k in keys)
        key = idx if len(idx) > 1 else idx[0]
        errors = {str(c)[4:]: int(row[c]) for c in row if str(c).startswith("err_") and int(row[c]) > 0}
        factors = {
            str(c)[len(FACTOR_PREFIX) :]: str(v) for c, v in firsts.get(key, {}).items() if str(v) != ""
        }
        r3 = row["rule_of_three_hi"]
        out.append(
            ConditionSummary(
                task=str(row["task"]),
                model=str(row["model"]),
                condition=str(row.get("condition", "all")),
                factors=factors if "condition" in keys else {},
                n=int(row["n"]),
                k=int(row["k"]),
                rate=float(row["rate"]),
                lo=float(row["lo"]),
                hi=float(row["hi"]),
                method=str(row["method"]),
                rule_of_three_hi=None if pd.isna(r3) else float(r3),
                n_errors=int(row["n_errors"]),
                errors=errors,
                outcomes={str(o): int(v) for o, v in outcome_map[key].items() if int(v) > 0},
                n_prompts=int(row["n_clusters"]),
                n_paraphrases=int(para_map.get(key, 0)),
                generations_per_prompt=float(prompt_map.get(key, 0.0)),
                cluster_se=None if pd.isna(row["cluster_se"]) else float(row["cluster_se"]),
                design_effect=float(row["design_effect"]),
                lo_clustered=None if pd.isna(row["lo_clustered"]) else float(row["lo_clustered"]),
                hi_clustered=None if pd.isna(row["hi_clustered"]) else float(row["hi_clustered"]),
            )
        )
    return out


def _distinct(column: pd.Series) -> list[str]:
    return sorted({str(v) for v in column.unique().tolist()} - {""})


def _provenance(table: pd.DataFrame) -> Provenance:
    logs: list[dict[str, str | int | float | None]] = []
    for log, g in table.groupby("log", sort=True):
        logs.append(
            {
                "log": str(log),
                "eval_id": str(g["eval_id"].iloc[0]),
                "created": str(g["created"].iloc[0]),
                "task": str(g["task"].iloc[0]),
                "model": str(g["model"].iloc[0]),
                "scorer": str(g["scorer"].iloc[0]),
                "rows": len(g),
                "epochs": int(g["epoch"].max()),
                "temperature": None if pd.isna(g["temperature"].iloc[0]) else float(g["temperature"].iloc[0]),
                "seed": None if pd.isna(g["seed"].iloc[0]) else int(g["seed"].iloc[0]),
                "total_tokens": int(g["total_tokens"].sum()),
            }
        )
    hashes = sorted(set(table["prompt_sha256"].unique().tolist()) - {""})
    costs = table["cost"].astype(float)
    return Provenance(
        logs=logs,
        models=_distinct(table["model"]),
        tasks=_distinct(table["task"]),
        scorers=_distinct(table["scorer"]),
        judge_configs=_distinct(table["judge_config"]),
        classifiers=classifier_lines(table),
        n_prompt_hashes=len(hashes),
        n_rows_without_hash=int((table["prompt_sha256"] == "").sum()),
        prompt_set_sha256=hashlib.sha256("\n".join(hashes).encode()).hexdigest() if hashes else "",
        prompt_hashes=hashes[:1000],
        seeds=sorted({f"{v:g}" for v in table["seed"].dropna().astype(float).unique()}),
        input_tokens=int(table["input_tokens"].sum()),
        output_tokens=int(table["output_tokens"].sum()),
        total_tokens=int(table["total_tokens"].sum()),
        cost=float(costs.sum()) if costs.notna().any() else None,
    )


def summarize(
    table: pd.DataFrame,
    positive: Sequence[str],
    *,
    alpha: float = 0.05,
    method: IntervalMethod = "wilson",
    adjust: Literal["holm", "fdr_bh"] = "holm",
    reference: Mapping[str, str] | None = None,
    cues: Sequence[str] = (),
    power: float = 0.8,
    seed: int = 0,
) -> EvidenceSummary:
    """Compute every statistic of the report from a tidy table.

    Args:
        table: The tidy table (:func:`assay.evidence.tidy_table`).
        positive: Outcome values counted as the behaviour (:func:`assay.evidence.resolve_positive`).
        alpha: One minus the confidence level of every interval.
        method: Interval for rates: ``wilson`` (default) or ``clopper-pearson``.
        adjust: Multiple-comparison correction applied within each family of tests (factor effects; paired
            comparisons): ``holm`` (family-wise) or ``fdr_bh`` (Benjamini-Hochberg).
        reference: Reference level per factor for the regression.
        cues: Key tokens for the surface-cue check.
        power: Target power of the minimum-detectable-effect figure.
        seed: Seed of the bootstraps.

    Returns:
        The :class:`EvidenceSummary`.
    """
    pos = list(positive)
    work = table.assign(condition=condition_labels(table))
    conditions = group_summaries(work, pos, ["task", "model", "condition"], method, alpha)
    overall = group_summaries(work, pos, ["task", "model"], method, alpha)
    effects = factor_effects(table, pos, reference, alpha)
    terms = [t for fe in effects for t in fe.terms]
    for t, p in zip(terms, adjust_pvalues([t.p_value for t in terms], adjust), strict=True):
        t.p_adjusted = p
    paired = model_comparisons(table, pos, alpha, seed) + condition_pair_comparisons(table, pos, alpha, seed)
    for c, p in zip(paired, adjust_pvalues([c.p_value for c in paired], adjust), strict=True):
        c.p_adjusted = p
    errors_mask = table["outcome"].isin(list(ERROR_OUTCOMES))
    counts = table["outcome"].value_counts()
    return EvidenceSummary(
        positive=pos,
        alpha=alpha,
        interval_method=method,
        adjust_method=adjust,
        n_rows=len(table),
        n_valid=int((~errors_mask).sum()),
        n_errors=int(errors_mask.sum()),
        errors={str(o): int(v) for o, v in counts.items() if o in ERROR_OUTCOMES},
        outcome_counts={str(o): int(v) for o, v in counts.items()},
        conditions=conditions,
        overall=overall,
        factor_effects=effects,
        paired=paired,
        surface_cues=surface_cue_check(table, pos, cues, alpha),
        paraphrases=paraphrase_spread(table, pos, alpha),
        sampling_settings=sampling_settings(table),
        rule_sweep=decision_rule_sweep(table),
        power=_power(conditions, overall, alpha, power),
        provenance=_provenance(table),
        notes=[str(n) for n in table.attrs.get("assay_notes", [])],
    )


def _power(
    conditions: list[ConditionSummary], overall: list[ConditionSummary], alpha: float, power: float
) -> PowerSummary | None:
    sized = [c for c in conditions if c.n > 0]
    if not sized:
        return None
    n_min = min(c.n for c in sized)
    total_n = sum(c.n for c in overall)
    baseline = sum(c.k for c in overall) / total_n if total_n else 0.0
    deff = float(np.median([c.design_effect for c in sized]))
    mde = minimum_detectable_effect(n_min, min(baseline, 1 - baseline), alpha, power, deff)
    return PowerSummary(
        alpha=alpha, power=power, n_per_arm=n_min, baseline=baseline, design_effect=deff, mde=mde
    )
