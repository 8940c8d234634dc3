"""Degenerate designs in the factor-effects regression: partial, constant and collinear factors, separation.

None of them may give a p-value the design cannot support: a factor missing in some rows is fitted on the
rows that have it (or left out, with a reason), and a term at floating-point noise is not estimable.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assay.evidence import EvidenceSummary, FactorEffects, factor_effects, summarize, validate_table
from assay.evidence._power import adjust_pvalues
from assay.evidence._regression import NOISE, _unidentified

REFERENCE = {"goal_type": "none", "urgency": "none"}


def _table(seed: int = 0, deterministic: bool = False) -> pd.DataFrame:
    """3 goals x 2 urgencies x 4 paraphrases x 20 epochs; ``deterministic``: harmful iff goal is explicit."""
    rng = np.random.default_rng(seed)
    rows = []
    for goal in ("explicit", "none", "latent"):
        for urgency in ("replacement", "none"):
            logit = -1.0 + {"explicit": 1.2, "none": 0.0, "latent": 0.6}[goal] + 0.8 * (urgency != "none")
            for para in range(4):
                for epoch in range(20):
                    y = goal == "explicit" if deterministic else rng.random() < 1 / (1 + np.exp(-logit))
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
                            "prompt_chars": 100,
                            "prompt_text": "x",
                            "outcome": "harmful" if y else "benign",
                        }
                    )
    return validate_table(pd.DataFrame(rows))


def _with_tool(table: pd.DataFrame, present: int, missing: object = "") -> pd.DataFrame:
    """Add ``f_tool`` (``shell``/``python`` by epoch) on paraphrases below ``present``, else ``missing``."""
    level = pd.Series(np.where(table["epoch"] % 2 == 0, "shell", "python"), index=table.index, dtype=object)
    return table.assign(f_tool=level.where(table["paraphrase"] < present, missing))


def _terms(fit: FactorEffects) -> dict[tuple[str, str], tuple[float, float]]:
    return {(t.factor, t.level): (t.estimate, t.se) for t in fit.terms}


def _assert_no_p_value_without_identification(fit: FactorEffects) -> None:
    for t in fit.terms:
        if t.estimable:
            assert t.se > NOISE and math.isfinite(t.p_value) and t.note == ""
        else:
            assert math.isnan(t.p_value) and math.isnan(t.se) and t.odds_ratio is None
            assert t.note.startswith("not estimable: ")


@pytest.mark.parametrize("missing", ["", None, np.nan])
def test_partial_factor_is_fitted_on_the_rows_that_have_it(missing: object) -> None:
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    table = _with_tool(_table(), present=3, missing=missing)
    (fit,) = factor_effects(table, ["harmful"], reference=REFERENCE)
    assert fit.status == "ok" and fit.n == 360 and fit.n_dropped == 120
    assert "120 of 480 rows dropped: no value for factor tool" in fit.note
    assert {t.reference for t in fit.terms} == {"none", "python"}  # no level made of the missing value
    kept = table[table["paraphrase"] < 3]
    data = kept.assign(y=(kept["outcome"] == "harmful").astype(float))
    ref = smf.glm(
        "y ~ C(f_goal_type, Treatment('none')) + C(f_tool) + C(f_urgency, Treatment('none'))",
        data=data,
        family=sm.families.Binomial(),
    ).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(data["prompt_sha256"])[0]})
    got = _terms(fit)
    assert got[("tool", "shell")][0] == pytest.approx(ref.params["C(f_tool)[T.shell]"], rel=1e-6)
    assert got[("tool", "shell")][1] == pytest.approx(ref.bse["C(f_tool)[T.shell]"], rel=1e-6)
    name = "C(f_goal_type, Treatment('none'))[T.explicit]"
    assert got[("goal_type", "explicit")][0] == pytest.approx(ref.params[name], rel=1e-6)


def test_the_issue_case_partial_factor_gives_no_significant_effect() -> None:
    """Harmful iff the goal is explicit, tool on 3 of 4 paraphrases: before the fix the fit was separated
    into a zero-residual linear model with effects of -1 and noise-level estimates at p ~ 0."""
    table = _with_tool(_table(deterministic=True), present=3)
    (fit,) = factor_effects(table, ["harmful"], reference=REFERENCE)
    assert fit.status == "not_estimable" and fit.model == "linear_probability"
    assert "120 of 480 rows dropped" in fit.note and "no term is estimable" in fit.note
    assert fit.terms and not any(t.estimable for t in fit.terms)
    _assert_no_p_value_without_identification(fit)
    assert {(t.factor, t.level): t.estimate for t in fit.terms} == {
        ("goal_type", "explicit"): pytest.approx(1.0),
        ("goal_type", "latent"): 0.0,
        ("tool", "shell"): 0.0,
        ("urgency", "replacement"): 0.0,
    }
    summary = summarize(table, ["harmful"], reference=REFERENCE)
    assert all(t.p_adjusted is not None and math.isnan(t.p_adjusted) for t in summary.factor_effects[0].terms)


def test_partial_factor_in_fewer_than_half_the_rows_is_left_out_and_the_rest_keep_every_row() -> None:
    base = _table()
    (full,) = factor_effects(base, ["harmful"], reference=REFERENCE)
    (fit,) = factor_effects(_with_tool(base, present=1, missing=None), ["harmful"], reference=REFERENCE)
    assert fit.n == 480 and fit.n_dropped == 0
    assert (
        fit.note
        == "factor tool left out: present in 120 of 480 rows, fitting it would drop more than half the rows"
    )
    assert _terms(fit) == _terms(full)


def test_partial_factor_with_one_level_is_left_out() -> None:
    table = _table().assign(f_tool=lambda t: np.where(t["paraphrase"] < 3, "shell", ""))
    (fit,) = factor_effects(table, ["harmful"], reference=REFERENCE)
    assert (
        fit.n == 480
        and "factor tool left out: present in 360 of 480 rows, all at one level (shell)" in fit.note
    )
    assert {t.factor for t in fit.terms} == {"goal_type", "urgency"}


def test_constant_factor_and_another_tasks_factor_change_nothing() -> None:
    base = _table()
    (full,) = factor_effects(base, ["harmful"], reference=REFERENCE)
    other = base.assign(task="u", f_goal_type="none", f_urgency="none", f_only_u=base["f_goal_type"])
    table = pd.concat([base.assign(f_const="x", f_only_u=""), other.assign(f_const="x")], ignore_index=True)
    fit, _ = factor_effects(table, ["harmful"], reference=REFERENCE)
    assert fit.scope == "task t" and fit.note == "" and _terms(fit) == _terms(full)


def test_perfect_separation_on_complete_factors_is_not_estimable() -> None:
    (fit,) = factor_effects(_table(deterministic=True), ["harmful"], reference=REFERENCE)
    assert fit.status == "not_estimable" and fit.model == "linear_probability"
    assert "goal_type=explicit" in fit.note and "no term is estimable" in fit.note
    _assert_no_p_value_without_identification(fit)
    assert not any(t.estimable for t in fit.terms)


def test_collinear_pair_keeps_the_first_and_names_the_second() -> None:
    base = _table()
    (full,) = factor_effects(base, ["harmful"], reference=REFERENCE)
    table = base.assign(
        f_goal_type_copy=base["f_goal_type"].map({"explicit": "e", "latent": "l", "none": "n"})
    )
    (fit,) = factor_effects(table, ["harmful"], reference=REFERENCE)
    assert fit.status == "ok" and "left out as collinear with earlier factors" in fit.note
    assert "goal_type_copy=l, goal_type_copy=n" in fit.note and "goal_type=" not in fit.note
    assert _terms(fit) == _terms(full)
    _assert_no_p_value_without_identification(fit)


def test_correction_counts_only_estimable_terms() -> None:
    good = _table()
    bad = _table(deterministic=True).assign(task="u")
    summary: EvidenceSummary = summarize(pd.concat([good, bad], ignore_index=True), ["harmful"])
    fit_t, fit_u = summary.factor_effects
    assert all(t.estimable for t in fit_t.terms) and not any(t.estimable for t in fit_u.terms)
    expected = adjust_pvalues([t.p_value for t in fit_t.terms], "holm")
    assert [t.p_adjusted for t in fit_t.terms] == pytest.approx(expected)
    assert all(t.p_adjusted is not None and math.isnan(t.p_adjusted) for t in fit_u.terms)


@pytest.mark.parametrize(
    ("estimate", "se", "why"),
    [
        (0.5, 0.1, ""),
        (-1.02e-15, 1.5e-16, "standard error zero"),
        (-1.0, 7.7e-16, "standard error zero"),
        (0.3, 0.0, "standard error zero"),
        (0.3, math.nan, "standard error is not finite"),
        (0.3, math.inf, "standard error is not finite"),
        (math.nan, 0.1, "estimate is not finite"),
    ],
)
def test_unidentified_terms(estimate: float, se: float, why: str) -> None:
    got = _unidentified(estimate, se)
    assert (why in got) if why else got == ""


def test_report_table_marks_not_estimable_terms_without_a_p_value() -> None:
    from assay.report._content import effects_section

    table = _with_tool(_table(deterministic=True), present=3)
    section = effects_section(summarize(table, ["harmful"], reference=REFERENCE), {})
    (shown,) = section.tables
    assert shown.columns[-3:] == ["p", "p corrected", "note"]
    assert all(row[-3:-1] == ["n/a", "n/a"] and row[-1].startswith("not estimable") for row in shown.rows)
    assert any("120 of 480 rows dropped" in p for p in section.paragraphs)
