"""Factor effects, surface cues and paraphrase spread against statsmodels fits on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assay.evidence import factor_effects, paraphrase_spread, surface_cue_check, validate_table


def _table(seed: int = 0, length_effect: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for goal in ("explicit", "none", "latent"):
        for urgency in ("replacement", "none"):
            for para in range(4):
                length = 300 + 80 * para + int(rng.integers(0, 40))
                logit = (
                    -1.0
                    + {"explicit": 1.2, "none": 0.0, "latent": 0.6}[goal]
                    + (0.8 if urgency == "replacement" else 0)
                )
                logit += length_effect * (length - 420) / 100
                for epoch in range(20):
                    y = rng.random() < 1 / (1 + np.exp(-logit))
                    rows.append(
                        {
                            "task": "t",
                            "model": "m",
                            "condition_id": f"{goal}-{urgency}",
                            "f_goal_type": goal,
                            "f_urgency": urgency,
                            "paraphrase": para,
                            "prompt_sha256": f"{goal}{urgency}{para}",
                            "sample_id": f"{goal}{urgency}{para}",
                            "epoch": epoch,
                            "prompt_chars": length,
                            "prompt_text": ("leverage " if para == 3 else "") + "x" * length,
                            "outcome": "harmful" if y else "benign",
                        }
                    )
    return validate_table(pd.DataFrame(rows))


def test_logit_matches_statsmodels_formula_fit_with_cluster_robust_se() -> None:
    import statsmodels.formula.api as smf

    table = _table()
    (fit,) = factor_effects(table, ["harmful"], reference={"goal_type": "none", "urgency": "none"})
    assert fit.status == "ok" and fit.model == "logit"
    data = table.assign(y=(table["outcome"] == "harmful").astype(float))
    ref = smf.glm(
        "y ~ C(f_goal_type, Treatment('none')) + C(f_urgency, Treatment('none'))",
        data=data,
        family=__import__("statsmodels.api").api.families.Binomial(),
    ).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(data["prompt_sha256"])[0]})
    terms = {(t.factor, t.level): t for t in fit.terms}
    for (factor, level), name in (
        (("goal_type", "explicit"), "C(f_goal_type, Treatment('none'))[T.explicit]"),
        (("goal_type", "latent"), "C(f_goal_type, Treatment('none'))[T.latent]"),
        (("urgency", "replacement"), "C(f_urgency, Treatment('none'))[T.replacement]"),
    ):
        assert terms[(factor, level)].estimate == pytest.approx(ref.params[name], rel=1e-6)
        assert terms[(factor, level)].se == pytest.approx(ref.bse[name], rel=1e-6)
        assert terms[(factor, level)].reference == "none"
    assert terms[("goal_type", "explicit")].lo > 0  # the planted effect is found


def test_separation_falls_back_to_risk_differences() -> None:
    table = _table()
    table.loc[table["f_goal_type"] == "none", "outcome"] = "benign"
    (fit,) = factor_effects(table, ["harmful"])
    assert fit.status == "separation" and fit.model == "linear_probability"
    assert "goal_type=none" in fit.note
    assert all(t.odds_ratio is None for t in fit.terms)


def test_surface_cue_check_finds_a_planted_length_effect_only_when_present() -> None:
    clean = surface_cue_check(_table(seed=1), ["harmful"], cues=["leverage"])
    assert clean.status == "ok"
    assert all(t.p_adjusted > 0.01 for t in clean.terms)
    planted = surface_cue_check(_table(seed=1, length_effect=2.0), ["harmful"])
    (length,) = [t for t in planted.terms if t.cue.startswith("prompt length")]
    assert length.estimate > 0 and length.p_adjusted < 0.001


def test_surface_cue_check_is_not_estimable_without_within_condition_variation() -> None:
    table = _table()
    table["prompt_chars"] = 100
    out = surface_cue_check(table, ["harmful"])
    assert out.status == "not_estimable" and "prompt length" in out.note


def test_paraphrase_spread() -> None:
    table = _table()
    spread = paraphrase_spread(table, ["harmful"])
    assert spread.n_conditions == 6 and spread.n_with_paraphrases == 6 and spread.max_paraphrases == 4
    one = table[table["paraphrase"] == 0]
    assert paraphrase_spread(one, ["harmful"]).n_with_paraphrases == 0


def test_nested_factor_is_left_out_and_the_rest_estimated() -> None:
    table = _table()
    table["f_goal_value"] = table["f_goal_type"].map(
        {"explicit": "america", "latent": "america", "none": "none"}
    )
    (fit,) = factor_effects(table, ["harmful"], reference={"goal_type": "none", "urgency": "none"})
    assert fit.status == "ok"
    assert "goal_value=none" in fit.note and "collinear" in fit.note
    assert {(t.factor, t.level) for t in fit.terms} == {
        ("goal_type", "explicit"),
        ("goal_type", "latent"),
        ("urgency", "replacement"),
    }


def test_homogeneity_pvalues_equal_scipy_chi2_contingency() -> None:
    from scipy.stats import chi2_contingency

    from assay.evidence._robustness import homogeneity_pvalues

    tables = [
        [(3, 10), (7, 10)],
        [(5, 20), (9, 20), (2, 15)],
        [(0, 10), (4, 12), (1, 9), (6, 11)],
        [(0, 5), (0, 7)],
    ]
    k = np.array([c for t in tables for c, _ in t], dtype=float)
    n = np.array([m for t in tables for _, m in t], dtype=float)
    group = np.array([i for i, t in enumerate(tables) for _ in t], dtype=np.int64)
    got = homogeneity_pvalues(k, n, group)
    for i, t in enumerate(tables[:3]):
        counts = np.array([[c, m - c] for c, m in t])
        assert got[i] == pytest.approx(chi2_contingency(counts)[1], rel=1e-10)
    assert got[3] == 1.0


def _all_or_nothing(mixed: bool = False, seed: int = 1) -> pd.DataFrame:
    """12 conditions x 4 paraphrases of random length, 1-5 epochs each; each condition all harmful or none.

    With seed 1 the fit before the fix reported the length term at estimate 3e-15, p_holm 0.002.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(12):
        harmful = rng.random() < 0.5
        for para in range(4):
            length = int(rng.integers(300, 900))
            for epoch in range(int(rng.integers(1, 6))):
                y = harmful if not (mixed and c == 0) else (para + epoch) % 3 == 0
                rows.append(
                    {
                        "task": "t",
                        "model": "m",
                        "condition_id": f"c{c}",
                        "paraphrase": para,
                        "prompt_sha256": f"{c}-{para}",
                        "sample_id": f"{c}-{para}",
                        "epoch": epoch,
                        "prompt_chars": length,
                        "prompt_text": "x",
                        "outcome": "harmful" if y else "benign",
                    }
                )
    return validate_table(pd.DataFrame(rows))


def test_surface_cues_are_not_significant_on_floating_point_noise() -> None:
    """All-or-nothing outcomes per condition leave residuals of ~1e-17: no cue may come out significant."""
    check = surface_cue_check(_all_or_nothing(), ["harmful"])
    assert check.status == "ok" and "constant within every condition" in check.note
    assert all(t.p_adjusted == 1.0 and t.estimate == 0.0 for t in check.terms)
    mixed = surface_cue_check(_all_or_nothing(mixed=True), ["harmful"])
    assert mixed.status == "ok" and all(t.p_adjusted > 0.05 for t in mixed.terms)


def test_saturated_design_is_not_estimable_instead_of_dividing_by_zero() -> None:
    # One prompt per level of the only factor: as many parameters as clusters, so clustered SEs do not exist.
    rows = [
        {
            "task": "t",
            "model": "m",
            "condition_id": topic,
            "f_topic": topic,
            "paraphrase": 0,
            "prompt_sha256": topic,
            "sample_id": topic,
            "epoch": 1,
            "prompt_chars": 10,
            "prompt_text": "x",
            "outcome": "harmful" if i % 3 == 0 else "benign",
        }
        for i, topic in enumerate("abcdefgh")
    ]
    (fit,) = factor_effects(validate_table(pd.DataFrame(rows)), ["harmful"])
    assert fit.status == "not_estimable"
    assert fit.terms == []
    assert "8 prompts for 8 parameters" in fit.note
