"""Factors, the validity rule, grid specs (YAML round-trip, named grids, overrides)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from assay._errors import AssayError
from assay.tasks.agentic import (
    GOAL_TYPES,
    GOAL_VALUES,
    Condition,
    GridSpec,
    build_grid,
    combination_problem,
    counterpart,
    grid_from_yaml,
    load_grid,
)


def test_validity_rule_table() -> None:
    valid = {
        (t, v) for t, v in itertools.product(GOAL_TYPES, GOAL_VALUES) if combination_problem(t, v) is None
    }
    real_values = [v for v in GOAL_VALUES if v != "none"]
    expected = {(t, v) for t in ("explicit", "latent", "swap") for v in real_values}
    expected |= {("none", "none"), ("ambiguous", "none")}
    assert valid == expected
    assert len(valid) == 26


def test_condition_rejects_invalid_combinations() -> None:
    with pytest.raises(ValidationError, match="moot"):
        Condition(goal_type="none", goal_value="america")
    with pytest.raises(ValidationError, match="needs a goal_value"):
        Condition(goal_type="swap", goal_value="none")


def test_counterparts_are_an_involution() -> None:
    for v in GOAL_VALUES:
        if v != "none":
            assert counterpart(counterpart(v)) == v != counterpart(v)
    with pytest.raises(ValueError):
        counterpart("none")


@pytest.mark.parametrize(
    ("grid", "count", "paraphrases"), [("smoke", 12, 1), ("paper", 234, 1), ("full", 11232, 3)]
)
def test_named_grid_counts(grid: str, count: int, paraphrases: int) -> None:
    spec = load_grid(grid)
    conditions = spec.conditions()
    assert len(conditions) == count
    assert spec.paraphrases == paraphrases
    ids = [c.condition_id for c in conditions]
    assert len(set(ids)) == len(ids)


def test_paper_grid_structure() -> None:
    conditions = load_grid("paper").conditions()
    # 3 scenarios x (8 explicit + 8 latent + 8 swap + none + ambiguous) x 3 urgencies, original switches
    assert len(conditions) == 3 * 26 * 3
    assert {c.mode for c in conditions} == {"classic"}
    assert all(c.scratchpad and c.agency_nudge and c.mitigation == "none" for c in conditions)
    assert all(c.eval_awareness == "off" for c in conditions)
    assert sum(1 for c in conditions if c.goal_type == "none") == 9


def test_full_grid_is_the_product_of_the_paper_grid_and_the_switches() -> None:
    assert len(load_grid("full").conditions()) == 234 * 2 * 2 * 3 * 2 * 2


def test_yaml_round_trip() -> None:
    spec = load_grid("full")
    again = grid_from_yaml(spec.to_yaml())
    assert again == spec
    assert [c.condition_id for c in again.conditions()] == [c.condition_id for c in spec.conditions()]


def test_yaml_bare_off_and_on_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "scenarios: [leaking]\ngoal_types: [none]\ngoal_values: [none]\nurgencies: [none]\n"
        "scratchpad: [on, off]\neval_awareness: [off, ask]\n"
    )
    spec = load_grid(str(path))
    assert spec.scratchpad == [True, False]
    assert spec.eval_awareness == ["off", "ask"]
    assert len(spec.conditions()) == 4


def test_bad_spec_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "scenarios": ["blackmail"],
                "goal_types": ["sneaky"],
                "goal_values": ["none"],
                "urgencies": ["none"],
            }
        )
    )
    with pytest.raises(AssayError, match=r"goal_types\.0"):
        load_grid(str(path))
    with pytest.raises(AssayError, match="neither a named grid"):
        load_grid(str(tmp_path / "missing.yaml"))
    path.write_text("scenarios: [blackmail\n")
    with pytest.raises(AssayError, match="malformed"):
        load_grid(str(path))


def test_enumeration_canonicalises_moot_goal_values() -> None:
    spec = GridSpec(
        scenarios=["blackmail"],
        goal_types=["none", "explicit"],
        goal_values=["america", "safety"],
        urgencies=["none"],
    )
    ids = [c.condition_id for c in spec.conditions()]
    assert len(ids) == 3
    assert sum("none-none" in i for i in ids) == 1


def test_build_grid_overrides() -> None:
    assert len(build_grid().conditions()) == 1
    spec = build_grid("paper", scenario="lethal", urgency="none,replacement", mode=["agentic"])
    assert len(spec.conditions()) == 26 * 2
    assert {c.mode for c in spec.conditions()} == {"agentic"}
    spec = build_grid(None, scratchpad="on,off", agency_nudge="off", eval_awareness=False)
    assert [c.scratchpad for c in spec.conditions()] == [True, False]
    assert all(not c.agency_nudge and c.eval_awareness == "off" for c in spec.conditions())
    with pytest.raises(AssayError, match="task parameter mitigation"):
        build_grid(mitigation="pray")
    with pytest.raises(AssayError, match="no valid condition"):
        build_grid(goal_value="none")
    with pytest.raises(AssayError, match="unknown factor"):
        build_grid(colour="red")
