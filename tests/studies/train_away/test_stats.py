"""The train-away study's paired minimum detectable effect."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from assay.studies.train_away._stats import paired_mde

Z = float(sps.norm.ppf(0.975) + sps.norm.ppf(0.8))


def test_nothing_moved_still_has_a_detectable_effect() -> None:
    """Every item difference 0: the MDE is the one-directional bound z^2 / (n + z^2), not 0."""
    mde = paired_mde(np.zeros(90), 0.05, 0.8)
    assert mde == pytest.approx(Z**2 / (90 + Z**2))
    assert 0.07 < mde < 0.09


def test_observed_noise_dominates_when_larger() -> None:
    d = np.array([1.0, -1.0] * 50)
    assert paired_mde(d, 0.05, 0.8) == pytest.approx(Z * d.std(ddof=1) / np.sqrt(d.size))


def test_more_items_detect_less() -> None:
    assert paired_mde(np.zeros(300), 0.05, 0.8) < paired_mde(np.zeros(100), 0.05, 0.8)
