"""Linear probes on residual activations.

A contrast-pair direction, a supervised logistic probe, and random directions as the control.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from scipy.stats import rankdata
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from assay.activations import residual_stream


def activations_by_layer(model: Any, tokenizer: Any, prompts: list[str]) -> np.ndarray:
    """Return final-prompt-token activations of every block: ``array[n_layers, n_prompts, d_model]``."""
    acts = residual_stream(model, tokenizer, prompts)
    return np.stack([t.numpy() for t in acts.values()])


def auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (0.5 = chance) of ``scores`` for binary ``labels``."""
    return float(roc_auc_score(labels, scores))


def aurocs_of(labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """AUROC of each row of ``scores`` (``[rows, n]``) for binary ``labels``, by the rank formula.

    Mann-Whitney with average ranks, so ties count one half as in ``roc_auc_score``; one vectorised call for
    hundreds of rows (random directions, bootstrap resamples), where calling scikit-learn per row costs
    about 2 ms each (500 resamples: 1-2 s on 2 cores).
    """
    ranks = rankdata(scores, axis=1)
    pos = labels == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    return (ranks[:, pos].sum(axis=1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)  # type: ignore[no-any-return]


def auroc_interval(
    labels: np.ndarray, scores: np.ndarray, n_boot: int = 500, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of the AUROC, resampling within each class."""
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    draws = [np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))]) for _ in range(n_boot)]
    resampled = np.array([1] * len(pos) + [0] * len(neg))
    values = aurocs_of(resampled, scores[np.stack(draws)])
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def contrast_direction(model: Any, tokenizer: Any, question: str) -> np.ndarray:
    """Direction per layer from one generic contrast pair: activations of the answer "yes" minus "no".

    Returns:
        ``array[n_layers, d_model]``.
    """
    base: str = tokenizer.apply_chat_template(
        [{"role": "user", "content": question}], tokenize=False, add_generation_prompt=True
    )
    acts = activations_by_layer(model, tokenizer, [base + "Yes", base + "No"])
    return acts[:, 0, :] - acts[:, 1, :]  # type: ignore[no-any-return]


def logistic_probes(train_x: np.ndarray, train_y: np.ndarray, seed: int = 0) -> list[LogisticRegression]:
    """Fit one L2-regularised logistic probe per layer on standardised activations."""
    probes = []
    for layer in range(train_x.shape[0]):
        x = train_x[layer]
        mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
        clf = LogisticRegression(C=0.1, max_iter=2000, random_state=seed)
        clf.fit((x - mean) / std, train_y)
        clf.mean_, clf.std_ = mean, std  # kept with the probe for scoring
        probes.append(clf)
    return probes


def probe_scores(probe: LogisticRegression, x: np.ndarray) -> np.ndarray:
    """Decision scores of a fitted probe on activations ``x`` of its layer."""
    return probe.decision_function((x - probe.mean_) / probe.std_)  # type: ignore[no-any-return]


def random_directions(n: int, d_model: int, seed: int) -> np.ndarray:
    """``n`` random unit directions (Gaussian, normalised), seeded."""
    g = torch.Generator().manual_seed(seed)
    dirs = torch.randn(n, d_model, generator=g)
    unit: np.ndarray = (dirs / dirs.norm(dim=1, keepdim=True)).numpy()
    return unit


AUROC_TIE = 1e-3
"""Validation AUROCs closer than this to the best one count as tied when the probe layer is declared."""


def separation(labels: np.ndarray, scores: np.ndarray) -> float:
    """Separation (d') of ``scores``: class-mean difference (positive - negative) over the pooled SD."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    pooled = float(np.sqrt(0.5 * (pos.var() + neg.var())))
    return float((pos.mean() - neg.mean()) / pooled) if pooled > 0 else 0.0


def declared_layer(val_auroc: list[float], val_separation: list[float]) -> int:
    """The probe layer: best validation AUROC; among tied layers, the largest validation separation.

    When a trigger is a literal string, every layer after the first can separate the classes perfectly
    (AUROC 1.0 everywhere); the separation along the steering direction then picks where the difference
    is largest relative to its spread, instead of the earliest layer.
    """
    best = max(val_auroc)
    tied = [i for i, a in enumerate(val_auroc) if a >= best - AUROC_TIE]
    return max(tied, key=lambda i: (val_separation[i], -i))
