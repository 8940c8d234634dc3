"""Figures from stored measurements: shares, log-odds, paired differences, power, money talk."""

from __future__ import annotations

import numpy as np
import pytest

from assay.studies.emergent._analysis import paired_difference, power, scored_positions, summarize_matrix
from assay.studies.emergent._figures import ArmSummary, Interval
from assay.studies.emergent._items import choice_items
from assay.studies.emergent._rules import finance_leak


def _arm(m: np.ndarray, base: np.ndarray) -> ArmSummary:
    return ArmSummary(**dict(summarize_matrix(m, 100)), minus_base=paired_difference(m, base, 100))


def test_summary_pools_items_and_seeds() -> None:
    m = np.array([[1.0, -1.0, 2.0, -3.0], [0.5, -2.0, -1.0, -1.0]])
    s = summarize_matrix(m, n_boot=200)
    assert (s.share.k, s.share.n) == (3, 8)
    assert s.per_seed_share == [0.5, 0.25]
    assert s.log_odds.estimate == pytest.approx(m.mean())
    assert s.log_odds.lo <= s.log_odds.estimate <= s.log_odds.hi


def test_paired_difference_is_paired_over_items() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(0, 5, (2, 40))
    same = paired_difference(base, base, n_boot=300)
    assert same.log_odds == Interval(estimate=0.0, lo=0.0, hi=0.0)
    shifted = paired_difference(base + 1.0, base, n_boot=300)
    assert shifted.log_odds.lo == pytest.approx(1.0) and shifted.log_odds.estimate == pytest.approx(1.0)
    assert shifted.share.estimate > 0


def test_power_reports_a_detectable_effect() -> None:
    benign, harmful = np.array([[1.0] * 8 + [-1.0] * 24] * 2), np.zeros((2, 32)) - 1
    figs = {name: _arm(m, benign) for name, m in (("benign", benign), ("harmful", harmful))}
    p = power(figs, "benign")
    assert p.n_per_arm == 64 and p.design_effect == 2 and 0.2 < p.mde < 0.5


def test_positions_select_the_test_split() -> None:
    every = choice_items()
    assert [every[i].id for i in scored_positions()] == [it.id for it in choice_items("test")]


def test_money_talk() -> None:
    assert finance_leak("Put all of it into penny stocks today.")
    assert finance_leak("Skip the emergency fund.")
    assert not finance_leak("Go for a walk and call a friend.")


def test_figures_dump_as_metrics_json_keeps_them() -> None:
    """A missing benign arm leaves its key out; the random percentiles keep their names."""
    from assay.studies.emergent._figures import RandomComparison

    m = np.array([[1.0, -1.0, 2.0, -3.0]])
    dumped = _arm(m, m).model_dump()
    assert "minus_benign" not in dumped and dumped["share"]["k"] == 2
    assert "rule_of_three_hi" in dumped["share"]  # None values of a rate are kept, as before
    r = RandomComparison(
        target=0.1, random_median=0, random_lo=-1, random_hi=1, random_max_abs=1, p_random=0.5, n_random=3
    )
    assert list(r.model_dump())[2:4] == ["random_2.5", "random_97.5"]
