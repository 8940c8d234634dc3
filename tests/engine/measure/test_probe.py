"""The probe layer's declaration rule and the separation it breaks ties with."""

from __future__ import annotations

import numpy as np
import pytest

from assay.engine.measure import AUROC_TIE, declared_layer, separation


def test_separation_is_mean_difference_over_pooled_sd() -> None:
    labels = np.array([1, 1, 0, 0])
    scores = np.array([3.0, 5.0, 0.0, 2.0])  # means 4 and 1, both SDs 1
    assert separation(labels, scores) == pytest.approx(3.0)
    assert separation(labels, -scores) == pytest.approx(-3.0)
    assert separation(labels, np.ones(4)) == 0.0  # no spread, no difference


def test_best_auroc_wins_over_separation() -> None:
    assert declared_layer([0.90, 0.99, 0.95], [50.0, 1.0, 9.0]) == 1


def test_ties_go_to_the_largest_separation_not_the_earliest_layer() -> None:
    aurocs = [1.0, 1.0, 1.0 - AUROC_TIE / 2, 1.0 - 2 * AUROC_TIE]
    assert declared_layer(aurocs, [3.0, 8.0, 12.0, 40.0]) == 2  # layer 3 is not tied
    assert declared_layer([1.0, 1.0], [5.0, 5.0]) == 0  # equal separation: the earlier layer


def test_auroc_interval_equals_the_per_resample_scikit_learn_bootstrap() -> None:
    """The vectorised interval is the one a loop of ``roc_auc_score`` over the same resamples gives."""
    from sklearn.metrics import roc_auc_score

    from assay.engine.measure import auroc_interval

    rng = np.random.default_rng(3)
    labels = np.array([1] * 30 + [0] * 50)
    scores = np.round(rng.normal(size=80) + labels, 1)  # rounded: ties must count one half
    draw = np.random.default_rng(7)
    pos, neg = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    values = []
    for _ in range(200):
        idx = np.concatenate([draw.choice(pos, len(pos)), draw.choice(neg, len(neg))])
        values.append(roc_auc_score(labels[idx], scores[idx]))
    expected = np.percentile(values, [2.5, 97.5])
    assert auroc_interval(labels, scores, n_boot=200, seed=7) == pytest.approx(tuple(expected), abs=1e-12)
