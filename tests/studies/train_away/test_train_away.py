"""The train-away study: items, splits, statistics, config, and one fast end-to-end run on the toy model."""

from __future__ import annotations

import hashlib
import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay._errors import AssayError
from assay.evidence import load_study_metrics
from assay.studies.train_away import TrainAwayConfig, load_train_away_config
from assay.studies.train_away._items import (
    CELLS,
    HELDOUT_TOPICS,
    NEUTRAL_FORMS,
    SUGGEST_FORMS,
    TRAIN_TOPICS,
    prompts,
)
from assay.studies.train_away._persona import PERSONA_QUESTIONS, PersonaQuestion, endorsing_margin
from assay.studies.train_away._stats import Settings, item_rate, item_test, paired_mde, removal, seed_interval


def _verify(q: str, a: str) -> None:
    """Re-derive the answer of a generated arithmetic / unit question independently."""
    words = q.rstrip("?").split()
    if q.startswith("What is") and "times" in q:
        assert int(a) == int(words[2]) * int(words[4])
    elif q.startswith("What is") and "+" in q:
        assert int(a) == int(words[2]) + int(words[4])
    elif q.startswith("What is") and "-" in q:
        assert int(a) == int(words[2]) - int(words[4])


def test_items_have_verified_answers_and_wrong_distractors() -> None:
    ps = prompts(60)
    for p in ps:
        assert p.item.answer != p.item.distractor
        _verify(p.item.question, p.item.answer)
        assert p.item.distractor in p.suggested and p.item.question in p.suggested
        assert p.item.distractor not in p.plain.replace(p.item.question, "")
        assert p.item.distractor in p.neutral and p.item.question in p.neutral
    units = next(
        p for p in ps if p.item.question.startswith("How many minutes are in") and "hours" in p.item.question
    )
    assert int(units.item.answer) == 60 * int(units.item.question.split()[5])


def test_neutral_mention_attributes_the_value_to_no_one() -> None:
    """The neutral version shows the same wrong value (numbers and words alike) without a person behind it."""
    people = ("I ", "I'm", "my ", "My ", "says", "told", "believe", "think", "sure", "Everyone", "you")
    for forms in NEUTRAL_FORMS.values():
        for f in forms:
            assert "{d}" in f and "{q}" in f and not any(w in f.replace("{q}", "") for w in people), f
    for forms in SUGGEST_FORMS.values():  # every suggested form names a person, so the two differ in that
        assert all(any(w in f for w in people) for f in forms)
    ps = prompts(60)
    words = [p for p in ps if not p.item.distractor.isdigit()]
    assert words and all(p.item.distractor in p.neutral for p in words)
    assert all(p.neutral != p.suggested and p.form < len(NEUTRAL_FORMS["train"]) for p in ps)
    assert {p.cluster for p in ps} == {p.item.question for p in ps}


def test_split_is_two_by_two_and_cells_share_no_question() -> None:
    ps = prompts(40)
    by = {c: [p for p in ps if p.cell == c] for c in CELLS}
    assert all(len(v) == 40 for v in by.values())
    assert {p.item.topic for p in by["train"] + by["form_heldout"]} <= set(TRAIN_TOPICS)
    assert {p.item.topic for p in by["topic_heldout"] + by["both_heldout"]} <= set(HELDOUT_TOPICS)
    qs = {c: {p.item.question for p in v} for c, v in by.items()}
    for a in CELLS:
        for b in CELLS:
            if a < b:
                assert not qs[a] & qs[b], (a, b)
    strip = lambda p: p.suggested.replace(p.item.question, "").replace(p.item.distractor, "")  # noqa: E731
    assert {strip(p) for p in by["train"]}.isdisjoint({strip(p) for p in by["form_heldout"]})


def test_prompts_golden_hash() -> None:
    text = "\n".join(
        f"{p.cell}|{p.plain}|{p.suggested}|{p.neutral}|{p.item.answer}" for p in prompts(120, seed=0)
    )
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == GOLDEN


GOLDEN = "693b7e2955e6de1a"


ST = Settings(n_boot=500, n_perm=2000, alpha=0.05, power=0.8)


def test_item_test_averages_items_over_prompts_and_seeds() -> None:
    """Two prompts of one question are one item; the base model enters once per item, not once per seed."""
    clusters = [f"q{i // 2}" for i in range(40)]  # 20 items of 2 prompts each
    before = {i: 1.0 for i in range(40)}
    after = [{i: float(i % 4 == 0) for i in range(40)}, {i: float(i % 2 == 0) for i in range(40)}]
    t = item_test(after, [before], list(range(40)), clusters, ST)
    assert t.n_items == 20 and t.n_prompts == 40 and t.n_seeds == 2
    assert t.diff == pytest.approx(0.375 - 1) and t.hi < 0 and t.p_value < 0.01
    assert t.per_seed == pytest.approx([0.25 - 1, 0.5 - 1]) and t.seed_lo <= t.diff <= t.seed_hi
    assert 0 < t.mde < abs(t.diff)
    # a null: the same outcomes before and after give no effect, an interval around 0 and p = 1
    null = item_test([before, before], [before], list(range(40)), clusters, ST)
    assert null.diff == 0 and null.p_value == 1
    assert null.mde == pytest.approx(paired_mde(np.zeros(20), ST.alpha, ST.power)) and null.mde > 0
    # seeds paired with seeds: the difference of two arms on the same items
    same = item_test(after, after, list(range(40)), clusters, ST)
    assert same.diff == 0 and same.per_seed == [0.0, 0.0]
    rem = removal(after, before, list(range(40)), clusters, ST)
    assert rem.estimate == pytest.approx(0.625) and rem.lo <= rem.estimate <= rem.hi and rem.n_items == 20


def test_a_noisy_difference_is_not_significant_and_states_its_power() -> None:
    rng = random.Random(3)
    clusters = [f"q{i}" for i in range(30)]
    a = [{i: float(rng.random() < 0.5) for i in range(30)} for _ in range(3)]
    b = [{i: float(rng.random() < 0.5) for i in range(30)} for _ in range(3)]
    t = item_test(a, b, list(range(30)), clusters, ST)
    assert t.p_value > 0.05 and t.lo <= 0 <= t.hi and t.mde > abs(t.diff)
    assert item_rate(a, list(range(30)), clusters, ST).n == 90
    lo, hi = seed_interval([0.1, 0.2, 0.3], 0.05)
    assert lo < 0.2 < hi and all(math.isnan(x) for x in seed_interval([0.1], 0.05))  # one seed: none


def test_persona_questions_are_keyed_both_ways() -> None:
    texts = [q.text for q in PERSONA_QUESTIONS]
    assert len(set(texts)) == len(texts)
    keys = [q.endorsing for q in PERSONA_QUESTIONS]
    assert keys.count("yes") >= 2 * keys.count("no") > 0
    forward, reverse = PersonaQuestion("Agree?", "yes"), PersonaQuestion("Correct it?", "no")
    assert endorsing_margin(forward, -1.0, -3.0) == 2.0 and endorsing_margin(reverse, -1.0, -3.0) == -2.0
    # a model that prefers "Yes" to everything endorses the forward questions only
    always_yes = sum(endorsing_margin(q, -1.0, -2.0) > 0 for q in PERSONA_QUESTIONS)
    assert always_yes == keys.count("yes") < len(texts)


def test_config_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("sweep:\n  epochs: 3\n")
    with pytest.raises(AssayError, match="repeats"):
        load_train_away_config(bad)
    bad.write_text("methods: [ppo]\n")
    with pytest.raises(AssayError, match="methods"):
        load_train_away_config(bad)
    bad.write_text("n_per_cell: 2\n")
    with pytest.raises(AssayError, match="n_per_cell"):
        load_train_away_config(bad)
    with pytest.raises(AssayError, match="not found"):
        load_train_away_config(tmp_path / "missing.yaml")


@pytest.mark.slow
def test_fast_study_end_to_end(fast_run: tuple[Path, Any]) -> None:
    out, result = fast_run
    metrics = load_study_metrics(result.metrics)
    a = metrics.extra["analysis"]
    cfg = TrainAwayConfig.fast()
    assert a["n_prompts"]["heldout"] == 3 * cfg.n_per_cell
    # every stream trained on the training cell's items that showed the behaviour and was measured at each k
    names = {
        f"stream_{b}_{m}_s{s}"
        for b in ("sycophancy", "copying")
        for m in cfg.methods
        for s in cfg.sweep.seeds
    }
    assert names | {f"stream_noop_sft_s{s}" for s in cfg.sweep.seeds} <= set(result.timings)
    for c in a["curves"]:
        assert c["points"][0]["k"] == 0
        for p in c["points"]:
            assert p["rate"]["n"] > 0 and p["rate"]["lo"] <= p["rate"]["rate"] <= p["rate"]["hi"]
    # the trained prompts move under training away (they can fail if training does nothing)
    trained = [
        f
        for f in a["final"]
        if f["trained"] == "sycophancy" and f["measure"] == "sycophancy" and f["split"] == "trained"
    ]
    assert trained and all(f["test"]["diff"] < 0 for f in trained)
    # the construct and the matching table are reported; the habit is measured at baseline only
    assert {"sycophancy", "copying", "construct", "habit"} <= set(a["base"])
    rows = {m["behaviour"]: m for m in a["matching"]}
    assert rows["habit"]["shared_tokens"] > rows["copying"]["shared_tokens"] and not rows["habit"]["trained"]
    assert rows["copying"]["target_tokens"] == rows["sycophancy"]["target_tokens"]
    assert any(v["name"].startswith("sft: sycophancy vs copying") for v in a["versus"])
    assert {p["arm"] for p in a["persona"]} >= {"base", "sft against sycophancy"}
    assert metrics.capability is not None and metrics.benign_shift is not None
    claims = metrics.extra["claims"]
    ids = {c["id"] for c in claims}
    assert {
        "sft-trained-prompts",
        "sft-heldout",
        "sft-knows-but-defers",
        "sft-vs-copying",
        "sft-vs-noop",
    } <= ids
    report = result.report.read_text()
    for c in claims:
        assert len(c["items"]) == 34 and c["id"] in report
        assert (out / "claims" / f"{c['id']}.yaml").is_file()
        assert "predicted" in c["predictions"]
    assert "Rate vs k" in report and "Removal vs k" in report


@pytest.mark.slow
def test_fast_study_resumes(fast_run: tuple[Path, Any]) -> None:
    from assay.studies import run_study

    out, first = fast_run
    before = json.loads(first.metrics.read_text())["extra"]["analysis"]
    again = run_study("train_away", out, fast=True)
    assert "baseline" in again.skipped and len(again.skipped) == len(first.timings)
    lost = "stream_copying_dpo_s1"
    (out / "stages" / lost / "stage.json").unlink()
    third = run_study("train_away", out, fast=True)
    assert lost not in third.skipped
    assert json.loads(third.metrics.read_text())["extra"]["analysis"] == before
