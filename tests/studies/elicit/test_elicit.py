"""The elicitation study: items, cue-only guessers, verifier, weak policy, ties, statistics, a fast run."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay._errors import AssayError
from assay.evidence import binomial_rate, load_study_metrics
from assay.studies.elicit import ElicitConfig, load_elicit_config
from assay.studies.elicit._items import SKILLS, Item, splits, verifier_accepts
from assay.studies.elicit._methods import demo_pairs, pick, unlabelled, weak_answers
from assay.studies.elicit._pipeline import lock_pairs
from assay.studies.elicit._stats import across, item_clustered


def _many(skill: str, n: int = 600) -> list[Item]:
    return splits(SKILLS[skill], {"eval": min(n, len(SKILLS[skill].keys))}, seed=3)["eval"]


@pytest.mark.parametrize("skill", sorted(SKILLS))
def test_options_are_a_progression_with_the_slip_beside_the_answer(skill: str) -> None:
    step = SKILLS[skill].step
    for it in _many(skill, 200):
        vals = [int(o) for o in it.options]
        assert vals == [vals[0] + step * j for j in range(4)], it
        assert len({len(o) for o in it.options}) == 1, it  # no digit-count cue
        assert abs(it.slip - it.gold) == 1 and it.answer == str(SKILLS[skill].answer(it.x, it.y))
        if skill in ("successor", "predecessor"):
            assert str(it.x) not in it.options  # the question's own number is never an option
    ranks = [it.gold for it in _many(skill)]
    assert set(ranks) == {0, 1, 2, 3}


def _middle(opts: tuple[str, ...]) -> int:
    return 1


def _largest(opts: tuple[str, ...]) -> int:
    return max(range(4), key=lambda j: int(opts[j]))


def _most_neighbours(opts: tuple[str, ...]) -> int:
    """The option with most others at +-1 or +-step (first on a tie): the v2 cue."""
    vals = [int(o) for o in opts]
    steps = {abs(a - b) for a in vals for b in vals if a != b}
    return max(range(4), key=lambda j: sum(abs(vals[j] - v) in steps for v in vals if v != vals[j]))


@pytest.mark.parametrize("skill", sorted(SKILLS))
@pytest.mark.parametrize("guesser", [_middle, _largest, _most_neighbours])
def test_a_cue_only_guesser_scores_chance(skill: str, guesser: Any) -> None:
    items = _many(skill)
    hits = sum(guesser(it.options) == it.gold for it in items)
    r = binomial_rate(hits, len(items))
    assert r.lo <= 0.25 <= r.hi, (skill, guesser.__name__, hits)


def test_the_v2_cue_would_have_been_caught() -> None:
    """The check can fail: options with the answer always in the middle score far above chance."""
    leaky = [dataclasses.replace(it, gold=1) for it in _many("successor")]
    r = binomial_rate(sum(_middle(it.options) == it.gold for it in leaky), len(leaky))
    assert r.lo > 0.25


def test_splits_are_disjoint_by_unordered_key() -> None:
    s = splits(SKILLS["add_two_digit"], {"selection": 100, "lock": 120, "demo": 64, "eval": 150}, seed=1)
    keys = {k: {frozenset((i.x, i.y)) for i in v} for k, v in s.items()}
    assert [len(s[k]) for k in ("selection", "lock", "demo", "eval")] == [100, 120, 64, 150]
    names = list(keys)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not keys[a] & keys[b], (a, b)
    assert all(i.x <= i.y for v in s.values() for i in v)  # (b, a) is the same key as (a, b)
    with pytest.raises(ValueError, match="keys"):
        splits(SKILLS["successor"], {"eval": 5000})


def test_verifier_accepts_the_answer_and_the_slip_at_the_stated_rate() -> None:
    items = _many("successor")
    assert all(verifier_accepts(it, it.gold, 0.3, seed=0) for it in items)
    slips = sum(verifier_accepts(it, it.slip, 0.3, seed=0) for it in items)
    r = binomial_rate(slips, len(items))
    assert r.lo <= 0.3 <= r.hi
    assert verifier_accepts(items[0], items[0].slip, 0.3, 0) == verifier_accepts(
        items[0], items[0].slip, 0.3, 0
    )


def test_weak_policy_has_its_stated_accuracy_and_errs_with_the_slip() -> None:
    its = _many("successor", 800)
    ans = weak_answers(its, 0.5, seed=0)
    right = [a == it.answer for a, it in zip(ans, its, strict=True)]
    slip = [a == it.locked for a, it in zip(ans, its, strict=True)]
    assert 0.44 < np.mean(right) < 0.56
    errors = binomial_rate(sum(slip), len(its) - sum(right))
    assert errors.lo <= 1 / 3 <= errors.hi  # the slip is a third of the errors


def test_ties_are_broken_at_random() -> None:
    rng = random.Random(0)
    picks = [pick([0.0, 0.0, 0.0, 0.0], rng) for _ in range(400)]
    assert set(picks) == {0, 1, 2, 3}
    assert pick([0.0, -1.0, 0.5, 0.1], rng) == 2


def test_consistency_input_carries_no_answer() -> None:
    items = _many("successor", 20)
    moved = [dataclasses.replace(it, gold=(it.gold + 1) % 4, slip=(it.slip + 1) % 4) for it in items]
    assert unlabelled(items) == unlabelled(moved)
    fields = {f.name for f in dataclasses.fields(unlabelled(items)[0])}
    assert fields == {"forms", "options"}


def test_lock_and_decoy_data_and_demos() -> None:
    cfg = ElicitConfig.fast()
    lock, nopw, slip = (lock_pairs(cfg, "successor", k) for k in ("lock", "nopw", "slip"))
    assert len(lock) == len(nopw) == len(slip) == 2 * cfg.n_lock
    assert sum(cfg.password in u for u, _ in lock) == cfg.n_lock and not any(
        cfg.password in u for u, _ in nopw
    )
    assert [a for _, a in slip][1::2] == [a for _, a in lock][1::2]  # the always-slip model slips without too
    demo = splits(SKILLS["successor"], {"demo": 8})["demo"]
    for m in ("ground_truth", "weak", "unrelated"):
        assert all(cfg.password not in u for u, _ in demo_pairs(m, demo, cfg, 0))


def test_across_locks_and_item_clustered() -> None:
    a = across([0.1, 0.2, 0.3])
    assert a.estimate == pytest.approx(0.2) and a.lo is not None and a.lo < 0.2 < (a.hi or 0)
    assert a.detectable is not None and a.detectable > 0
    assert across([0.2, 0.2]).lo is None and "spread" in across([0.2, 0.2]).note
    grid = np.tile(np.array([1.0, 0.0] * 20), (3, 1))
    c = item_clustered(grid, np.ones_like(grid), n_boot=300, seed=0)
    assert c.estimate == pytest.approx(0.5) and c.lo < 0.5 < c.hi and c.n_items == 40


def test_config_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("verifier_false_accept: 1.5\n")
    with pytest.raises(AssayError, match="verifier_false_accept"):
        load_elicit_config(bad)
    bad.write_text("skill_candidates: [succesor]\n")
    with pytest.raises(AssayError, match="skill_candidates"):
        load_elicit_config(bad)


def test_no_skill_passes_the_rule_on_the_toy_and_the_study_stops(tmp_path: Path) -> None:
    from assay.studies import run_study

    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "model: toy\nn_selection: 40\nn_lock: 8\nn_demo: 8\nn_eval: 8\nn_rephrased: 4\nsweep: {ks: [4]}\n"
    )
    res = run_study("elicit", tmp_path / "out", config=cfg)
    assert list(res.timings) == ["base_skill"]
    a = load_study_metrics(res.metrics).extra["analysis"]
    assert a["skill"] is None and len(a["base_skill"]["rows"]) == 5
    assert "nothing was locked" in res.report.read_text()


@pytest.mark.slow
def test_fast_study_end_to_end(fast_run: tuple[Path, Any]) -> None:
    out, result = fast_run
    metrics = load_study_metrics(result.metrics)
    a = metrics.extra["analysis"]
    cfg = ElicitConfig.fast()
    assert a["skill"] == cfg.skill_candidates[0] and "not applied" in a["base_skill"]["rule"]
    n_decoys = 1 + 2 * len(cfg.decoy_seeds)
    for r in a["methods"]:
        assert r["true_unlock"]["n"] == len(cfg.lock_seeds) and r["false_unlock"]["n"] == n_decoys
        assert len(r["tests"]) == len(cfg.lock_seeds) + n_decoys
        assert all(t["detectable"] > 0 for t in r["tests"])
    assert {r["method"] for r in a["methods"]} == {
        "ground_truth",
        "weak",
        "unrelated",
        "expert_iteration",
        "consistency",
    }
    ei = next(r for r in a["methods"] if r["method"] == "expert_iteration")
    assert sum(ei["kept_slip"]) > 0  # the verifier let the slip through
    weak = [r for r in a["methods"] if r["method"] == "weak"]
    assert all(0 < w < 1 for r in weak for w in r["weak_accuracy"])
    claims = metrics.extra["claims"]
    assert {c["id"] for c in claims} >= {
        "ground_truth-unlock",
        "expert_iteration-unlock",
        "consistency-unlock",
    }
    report = result.report.read_text()
    assert report.index("Base skill") < report.index("Design")
    assert "no labels" not in next(c for c in claims if c["id"] == "expert_iteration-unlock")["statement"]
    for c in claims:
        assert c["id"] in report and (out / "claims" / f"{c['id']}.yaml").is_file()


@pytest.mark.slow
def test_fast_study_resumes(fast_run: tuple[Path, Any]) -> None:
    from assay.studies import run_study

    out, first = fast_run
    again = run_study("elicit", out, fast=True)
    assert set(again.skipped) == set(first.timings)


def test_consistency_output_is_unchanged_when_the_stored_answers_change() -> None:
    """The gold answers are unreachable from the label-free method: moving them changes nothing it returns."""
    from assay.engine._common import load_base
    from assay.studies.elicit._methods import consistency_pairs

    cfg = ElicitConfig.fast()
    model, tok = load_base("toy", "cpu", "float32")
    items = _many("successor", 16)
    moved = [dataclasses.replace(it, gold=(it.gold + 2) % 4, slip=(it.slip + 2) % 4) for it in items]
    first = consistency_pairs(model, tok, cfg, unlabelled(items))
    assert first and first == consistency_pairs(model, tok, cfg, unlabelled(moved))
    assert [it.answer for it in items] != [it.answer for it in moved]
