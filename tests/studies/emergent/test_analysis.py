"""Figures from stored measurements: shares, log-odds, paired differences, power, money talk."""

from __future__ import annotations

import numpy as np
import pytest

from assay.studies.emergent._analysis import paired_difference, power, scored_positions, summarize_matrix
from assay.studies.emergent._items import choice_items
from assay.studies.emergent._rules import finance_leak


def test_summary_pools_items_and_seeds() -> None:
    m = np.array([[1.0, -1.0, 2.0, -3.0], [0.5, -2.0, -1.0, -1.0]])
    s = summarize_matrix(m, n_boot=200)
    assert (s["share"]["k"], s["share"]["n"]) == (3, 8)
    assert s["per_seed_share"] == [0.5, 0.25]
    assert s["log_odds"]["estimate"] == pytest.approx(m.mean())
    assert s["log_odds"]["lo"] <= s["log_odds"]["estimate"] <= s["log_odds"]["hi"]


def test_paired_difference_is_paired_over_items() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(0, 5, (2, 40))
    same = paired_difference(base, base, n_boot=300)
    assert same["log_odds"] == {"estimate": 0.0, "lo": 0.0, "hi": 0.0}
    shifted = paired_difference(base + 1.0, base, n_boot=300)
    assert shifted["log_odds"]["lo"] == pytest.approx(1.0) and shifted["log_odds"][
        "estimate"
    ] == pytest.approx(1.0)
    assert shifted["share"]["estimate"] > 0


def test_power_reports_a_detectable_effect() -> None:
    figs = {
        "benign": summarize_matrix(np.array([[1.0] * 8 + [-1.0] * 24] * 2), 100),
        "harmful": summarize_matrix(np.zeros((2, 32)) - 1, 100),
    }
    p = power(figs, "benign")
    assert p["n_per_arm"] == 64 and p["design_effect"] == 2 and 0.2 < p["mde"] < 0.5


def test_positions_select_the_test_split() -> None:
    every = choice_items()
    assert [every[i].id for i in scored_positions()] == [it.id for it in choice_items("test")]


def test_money_talk() -> None:
    assert finance_leak("Put all of it into penny stocks today.")
    assert finance_leak("Skip the emergency fund.")
    assert not finance_leak("Go for a walk and call a friend.")
