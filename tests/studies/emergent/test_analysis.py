"""Figures from stored measurements: shares, log-odds, clustered contrasts, their MDE, money talk."""

from __future__ import annotations

import numpy as np
import pytest

from assay.studies.emergent._analysis import contrast, controls, scored_positions, summarize_cube
from assay.studies.emergent._causal_summary import detectable_change
from assay.studies.emergent._config import EmergentConfig
from assay.studies.emergent._figures import ArmSummary
from assay.studies.emergent._items import choice_items
from assay.studies.emergent._rules import finance_leak
from assay.studies.emergent._stats import MDE_Z, clustered, two_way_means


def test_summary_pools_items_phrasings_and_seeds() -> None:
    m = np.array([[[1.0, -1.0, 2.0, -3.0], [1.0, 1.0, -2.0, -3.0]], [[0.5, -2.0, -1.0, -1.0]] * 2])
    s = summarize_cube(m, n_boot=200)
    assert (s.share.k, s.share.n) == (6, 16) and (s.n_seeds, s.n_phrasings, s.n_items) == (2, 2, 4)
    assert s.per_seed_share == [0.5, 0.25] and s.per_phrasing_share == [0.375, 0.375]
    assert s.log_odds.estimate == pytest.approx(m.mean())
    assert s.share_ci.lo <= s.share_ci.estimate <= s.share_ci.hi and s.share_ci.se is not None


def test_two_way_bootstrap_sees_seed_variation_that_an_item_bootstrap_misses() -> None:
    """Seeds that differ widen the interval; identical seeds do not (the seed is a replication unit)."""
    rng = np.random.default_rng(0)
    items = rng.normal(0, 1, 60)
    same = np.tile(items, (5, 1))
    shifted = same + np.array([-2.0, -1.0, 0.0, 1.0, 2.0])[:, None]
    a, b = clustered(same, 2000, 0), clustered(shifted, 2000, 0)
    assert a.estimate == pytest.approx(b.estimate)
    assert (b.se or 0) > 2 * (a.se or 0)
    # a grid mean is linear in the draw counts: one replicate equals the explicit resample
    boot = two_way_means(shifted, 3, 7)
    r = np.random.default_rng(7)
    s_idx = np.repeat(np.arange(5), r.multinomial(5, np.full(5, 0.2), size=3)[0])
    i_idx = np.repeat(np.arange(60), r.multinomial(60, np.full(60, 1 / 60), size=3)[0])
    assert boot[0] == pytest.approx(shifted[np.ix_(s_idx, i_idx)].mean())


def test_contrast_is_paired_and_states_its_mde() -> None:
    rng = np.random.default_rng(1)
    base = rng.normal(0, 5, (5, 3, 40))
    same = contrast("harmful", "educational", base, base, n_boot=300)
    assert same.share.estimate == 0 and same.share.lo == 0 and same.mde_share == 0
    shifted = contrast("harmful", "educational", base + 1.0, base, n_boot=300)
    assert shifted.log_odds.lo == pytest.approx(1.0) and shifted.share.estimate > 0
    assert shifted.mde_share == pytest.approx(MDE_Z * (shifted.share.se or 0)) and shifted.mde_share > 0
    assert len(shifted.per_seed_share) == 5 and shifted.n_phrasings == 3
    against_base = contrast("harmful", "base", base + 1.0, base[:1], n_boot=300)  # one base "seed"
    assert against_base.n_seeds == 5 and against_base.share.estimate > 0


def test_primary_control_comes_first() -> None:
    assert controls(EmergentConfig()) == ["educational", "secure", "benign", "base"]
    assert controls(EmergentConfig(arms=["harmful", "educational"])) == ["educational", "base"]


def test_detectable_change_against_random_directions() -> None:
    """The smallest change reaching p <= 0.05: beyond the 10th-largest of 199 random |changes|."""
    random = np.arange(1, 200) / 1000  # |changes| 0.001 .. 0.199
    x = detectable_change(random, None)
    assert x is not None and 0.190 < x < 0.1905  # 9 random changes >= x: p = 10/200
    assert detectable_change(random, 1 / 16) == 0.25  # the next multiple of one item in 16
    assert detectable_change(np.zeros(10), 0.1) is None  # 10 directions cannot give p <= 0.05
    assert detectable_change(np.zeros(19), 0.1) == 0.1


def test_positions_select_the_test_split() -> None:
    every = choice_items()
    assert [every[i].id for i in scored_positions()] == [it.id for it in choice_items("test")]


def test_money_talk() -> None:
    assert finance_leak("Put all of it into penny stocks today.")
    assert finance_leak("Skip the emergency fund.")
    assert not finance_leak("Go for a walk and call a friend.")


def test_figures_dump_as_metrics_json_keeps_them() -> None:
    """The base model has no difference from itself; the random percentiles keep their names."""
    from assay.studies.emergent._figures import RandomComparison

    m = np.array([[[1.0, -1.0, 2.0, -3.0]]])
    dumped = ArmSummary(**dict(summarize_cube(m, 100))).model_dump()
    assert dumped["minus_base"] is None and dumped["share"]["k"] == 2
    assert "rule_of_three_hi" in dumped["share"]  # None values of a rate are kept, as before
    r = RandomComparison(
        target=0.1, random_median=0, random_lo=-1, random_hi=1, random_max_abs=1, p_random=0.5, n_random=3
    )
    assert list(r.model_dump())[2:4] == ["random_2.5", "random_97.5"]
