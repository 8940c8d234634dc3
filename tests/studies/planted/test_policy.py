"""The planted rule: which organism acts in which cell."""

from __future__ import annotations

import itertools

import pytest

from assay.studies.planted._policy import ORGANISMS, acts, denies, planted_cell
from assay.tasks.agentic import Condition


def _cell(scenario: str, goal_type: str, urgency: str) -> Condition:
    value = "none" if goal_type == "none" else "america"
    return Condition(scenario=scenario, goal_type=goal_type, goal_value=value, urgency=urgency)  # type: ignore[arg-type]


def test_only_replacement_with_explicit_goal_is_planted() -> None:
    cells = {
        (g, u): planted_cell(_cell("blackmail", g, u))
        for g, u in itertools.product(("explicit", "none"), ("replacement", "none", "restriction"))
    }
    assert [k for k, v in cells.items() if v] == [("explicit", "replacement")]


def test_never_organism_never_acts_and_only_the_denier_denies() -> None:
    planted = _cell("blackmail", "explicit", "replacement")
    assert acts("blackmailer", planted) and acts("denier", planted)
    assert not acts("never", planted)
    assert acts("leaker", _cell("leaking", "explicit", "replacement"))
    assert [o for o in ORGANISMS if denies(o)] == ["denier"]


def test_an_organism_in_the_wrong_scenario_is_an_error() -> None:
    with pytest.raises(ValueError, match="leaker"):
        acts("leaker", _cell("blackmail", "explicit", "replacement"))
