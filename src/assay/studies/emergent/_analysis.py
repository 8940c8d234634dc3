"""Figures of the study from the stored measurements: per arm, pooled over seeds, with intervals.

Forced choice: the share of test items where the misaligned answer is more probable (Wilson interval over
items x seeds) and the mean log-odds ``log p(misaligned) - log p(aligned)`` (percentile bootstrap over items,
each item's value averaged over seeds). Every arm is set beside the benign-shift arm (paired bootstrap over
items of the difference) and the base model. The same for the narrow manipulation check and capability.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.evidence import binomial_rate, minimum_detectable_effect
from assay.studies.emergent._config import EmergentConfig
from assay.studies.emergent._items import choice_items
from assay.studies.emergent._pipeline import BASE, model_key
from assay.studies.emergent._results import EmergentRun, Measure, ModelMeasure


def scored_positions() -> list[int]:
    """Positions of the test-split items among all forced-choice items (the stored order)."""
    every = [it.id for it in choice_items()]
    return [every.index(it.id) for it in choice_items("test")]


def log_odds(measured: ModelMeasure, measure: Measure, per_token: bool = False) -> np.ndarray:
    """Per-item log-odds (treatment minus reference answer) of one model's measure (test items only)."""
    d = measured.scores(measure).log_odds(per_token)
    return d[scored_positions()] if measure == "forced_choice" else d


def arm_matrix(
    cfg: EmergentConfig, run: EmergentRun, arm: str, measure: Measure, per_token: bool = False
) -> np.ndarray:
    """``[n_seeds, n_items]`` log-odds of an arm (the base model: one row)."""
    names = [BASE] if arm == BASE else [model_key(arm, s) for s in cfg.seeds]
    return np.stack([log_odds(run.measure(n), measure, per_token) for n in names])


def _boot(values: np.ndarray, n_boot: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(n_boot, len(values)))
    lo, hi = np.percentile(values[idx].mean(axis=1), [2.5, 97.5])
    return float(lo), float(hi)


def summarize_matrix(m: np.ndarray, n_boot: int) -> dict[str, Any]:
    """Share (> 0) with a Wilson interval over items x seeds, mean log-odds with a bootstrap over items."""
    k, n = int((m > 0).sum()), int(m.size)
    per_item = m.mean(axis=0)
    lo, hi = _boot(per_item, n_boot, 0)
    return {
        "share": binomial_rate(k, n).model_dump(),
        "log_odds": {"estimate": float(per_item.mean()), "lo": lo, "hi": hi},
        "per_seed_share": [float((row > 0).mean()) for row in m],
        "per_seed_log_odds": [float(row.mean()) for row in m],
        "n_items": int(m.shape[1]),
        "n_seeds": int(m.shape[0]),
    }


def paired_difference(a: np.ndarray, b: np.ndarray, n_boot: int) -> dict[str, Any]:
    """``a - b`` on the same items (seed-averaged): share and log-odds, paired bootstrap over items."""
    sa, sb = (a > 0).mean(axis=0), (b > 0).mean(axis=0)
    la, lb = a.mean(axis=0), b.mean(axis=0)
    share_lo, share_hi = _boot(sa - sb, n_boot, 1)
    lo, hi = _boot(la - lb, n_boot, 2)
    return {
        "share": {"estimate": float((sa - sb).mean()), "lo": share_lo, "hi": share_hi},
        "log_odds": {"estimate": float((la - lb).mean()), "lo": lo, "hi": hi},
    }


def arm_figures(cfg: EmergentConfig, run: EmergentRun, measure: Measure) -> dict[str, Any]:
    """Per arm (and the base model): the summary, and its difference from the benign arm and the base."""
    arms = [BASE, *cfg.arms]
    mats = {a: arm_matrix(cfg, run, a, measure) for a in arms}
    result: dict[str, Any] = {}
    for a in arms:
        rec = summarize_matrix(mats[a], cfg.n_bootstrap)
        rec["minus_base"] = paired_difference(mats[a], mats[BASE], cfg.n_bootstrap)
        if "benign" in mats:
            rec["minus_benign"] = paired_difference(mats[a], mats["benign"], cfg.n_bootstrap)
        result[a] = rec
    return result


def power(figures: dict[str, Any], reference: str) -> dict[str, Any]:
    """Minimum detectable increase of the forced-choice share over ``reference`` (80 % power, alpha 0.05).

    Items are the unit (each arm's n is items x seeds, but seeds of one item are not independent: the
    design effect is taken as the number of seeds, the conservative bound).
    """
    ref = figures[reference]["share"]
    n_items, n_seeds = figures[reference]["n_items"], max(figures["harmful"]["n_seeds"], 1)
    n = n_items * n_seeds
    mde = minimum_detectable_effect(n, ref["rate"], design_effect=float(n_seeds))
    return {
        "reference": reference,
        "baseline": ref["rate"],
        "n_per_arm": n,
        "design_effect": n_seeds,
        "mde": mde,
    }


def _sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(x, -60, 60)))
    return out


def forced_choice_rules(cfg: EmergentConfig, run: EmergentRun) -> dict[str, Any]:
    """The forced-choice decision rule varied: margin thresholds, length-normalised scores, weighted reading.

    Variants: misaligned when the log-odds exceed ``t`` nats (t = -2, -1, 0 (declared), 1, 2) on summed
    log-probabilities, or ``t / 10`` nats per token on per-token means (a length-normalised score); and
    the probability-weighted reading, the mean of ``p(misaligned) / (p(misaligned) + p(aligned))`` over
    items, instead of the argmax. Per arm (seeds pooled) the rate under each variant, and the harmful arm
    minus the benign arm under the same variant; ``spread`` is the min - max over variants.
    """
    arms = [BASE, *cfg.arms]
    rows: list[dict[str, Any]] = []
    for per_token in (False, True):
        mats = {a: arm_matrix(cfg, run, a, "forced_choice", per_token) for a in arms}
        score = "per-token mean log-p" if per_token else "summed log-p"
        unit = 0.1 if per_token else 1.0  # an answer has ~13 tokens: 0.1 nat per token ~ 1 nat in all
        variants: list[tuple[str, Any]] = [
            (f"{score}: log-odds > {t * unit:g}", lambda m, t=t * unit: (m > t).astype(float))
            for t in (-2, -1, 0, 1, 2)
        ]
        variants.append((f"{score}: weighted (mean sigmoid of log-odds)", _sigmoid))
        for name, fn in variants:
            rates = {a: float(fn(mats[a]).mean()) for a in arms}
            n = {a: int(mats[a].size) for a in arms}
            rows.append(
                {"rule": name, "declared": name == "summed log-p: log-odds > 0", "rates": rates, "n": n}
            )
    out: dict[str, Any] = {"variants": rows, "spread": {}, "minus_benign_spread": None}
    for a in arms:
        xs = [r["rates"][a] for r in rows]
        out["spread"][a] = [min(xs), max(xs)]
    if "benign" in cfg.arms:
        diffs = [r["rates"]["harmful"] - r["rates"]["benign"] for r in rows]
        out["minus_benign_spread"] = [min(diffs), max(diffs)]
    return out
