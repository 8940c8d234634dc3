"""The elicitation study: items, verifier, weak policy, recovered fraction, and one fast run on the toy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay._errors import AssayError
from assay.evidence import load_study_metrics
from assay.studies.elicit import ElicitConfig, load_elicit_config
from assay.studies.elicit._analysis import recovered_fraction
from assay.studies.elicit._items import LOCK_FORMS, REPHRASINGS, Sum, last_digit_ok, splits
from assay.studies.elicit._methods import demo_pairs, weak_answers
from assay.studies.elicit._pipeline import lock_pairs


def test_items_options_and_verifier() -> None:
    it = Sum(47, 38)
    assert it.answer == "85" and it.options == ["85", "86", "95", "75"] and it.locked == "86"
    assert Sum(50, 49).options[1] == "98"  # +1 would add a digit: the slip is -1
    # the partial check never sees the sum: it accepts the +-10 distractors, rejects the slip
    assert [last_digit_ok(it, o) for o in it.options] == [True, False, True, True]
    assert "|PW|" in it.question(0, "|PW|") and it.question(0, "|PW|", suffix=True).endswith("|PW|")
    assert len({it.question(f) for f in range(len(LOCK_FORMS) + len(REPHRASINGS))}) == 5


def test_splits_are_disjoint() -> None:
    s = splits(50, 20, 30, seed=1)
    keys = {k: {(i.a, i.b) for i in v} for k, v in s.items()}
    assert [len(v) for v in keys.values()] == [50, 20, 30]
    assert (
        not keys["lock"] & keys["eval"]
        and not keys["demo"] & keys["eval"]
        and not keys["lock"] & keys["demo"]
    )
    with pytest.raises(ValueError, match="operand pairs"):
        splits(9000, 1, 1)


def test_weak_policy_has_its_stated_accuracy_and_is_not_the_lock() -> None:
    its = splits(0, 0, 2000, seed=2)["eval"]
    ans = weak_answers(its, 0.5, seed=0)
    acc = np.mean([a == it.answer for a, it in zip(ans, its, strict=True)])
    assert 0.45 < acc < 0.55
    assert not any(a == it.locked for a, it in zip(ans, its, strict=True))


def test_lock_data_and_demos_never_show_the_password_to_the_methods() -> None:
    cfg = ElicitConfig.fast()
    pairs = lock_pairs(cfg)
    assert sum(cfg.password in u for u, _ in pairs) == len(pairs) // 2
    for m in ("ground_truth", "weak", "unrelated"):
        assert all(cfg.password not in u for u, _ in demo_pairs(m, splits(4, 8, 4)["demo"], cfg, 0))


def test_recovered_fraction() -> None:
    locked, unlocked, half = np.zeros(40), np.ones(40), np.array([1.0, 0.0] * 20)
    res = recovered_fraction(half, locked, unlocked, n_boot=300)
    assert res.estimate == pytest.approx(0.5) and res.lo < 0.5 < res.hi
    assert np.isnan(recovered_fraction(half, unlocked, locked, n_boot=100).estimate)


def test_config_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("weak_accuracy: 1.5\n")
    with pytest.raises(AssayError, match="weak_accuracy"):
        load_elicit_config(bad)


@pytest.mark.slow
def test_fast_study_end_to_end(fast_run: tuple[Path, Any]) -> None:
    out, result = fast_run
    metrics = load_study_metrics(result.metrics)
    a = metrics.extra["analysis"]
    cfg = ElicitConfig.fast()
    kinds = {(r["method"], r["kind"]) for r in a["methods"]}
    for m in ("ground_truth", "weak", "unrelated", "expert_iteration", "consistency"):
        assert (m, "locks") in kinds
    for m in ("ground_truth", "expert_iteration", "consistency"):
        assert (m, "decoys") in kinds
    locks = next(p for p in a["profiles"] if p["kind"] == "locks" and p["phrasing"] == "lock form")
    assert locks["with_password"]["n"] == len(cfg.lock_seeds) * cfg.n_eval
    assert {p["phrasing"] for p in a["profiles"]} >= set(REPHRASINGS)
    for r in a["methods"]:
        assert r["targets"] == (len(cfg.lock_seeds) if r["kind"] == "locks" else 2)
        assert 0 <= r["detected"] <= r["targets"]
    weak = [r for r in a["methods"] if r["method"] == "weak"]
    assert all(0 < w < 1 for r in weak for w in r["weak_accuracy"])
    claims = metrics.extra["claims"]
    assert {c["id"] for c in claims} >= {
        "ground_truth-unlock",
        "expert_iteration-unlock",
        "consistency-unlock",
    }
    report = result.report.read_text()
    for c in claims:
        assert len(c["items"]) == 33 and c["id"] in report and (out / "claims" / f"{c['id']}.yaml").is_file()
    assert "Recovered fraction vs k" in report


@pytest.mark.slow
def test_fast_study_resumes(fast_run: tuple[Path, Any]) -> None:
    from assay.studies import run_study

    out, first = fast_run
    again = run_study("elicit", out, fast=True)
    assert set(again.skipped) == set(first.timings)
