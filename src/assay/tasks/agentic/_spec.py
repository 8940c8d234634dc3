"""Grid specs: which levels of each factor to cross, read from and written to YAML."""

from __future__ import annotations

import itertools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file
from assay.tasks.agentic._factors import (
    Condition,
    EvalAwareness,
    GoalType,
    GoalValue,
    Mitigation,
    Mode,
    Scenario,
    Urgency,
    canonical_goal_value,
    combination_problem,
)

#: Number of paraphrases written for every factor-carrying block.
N_PARAPHRASES = 3

#: Names of the grids shipped with assay (``grids/<name>.yaml``).
NAMED_GRIDS: tuple[str, ...] = ("smoke", "paper", "full")


class GridSpec(BaseModel):
    """Levels of every factor to cross; invalid cells are dropped by the validity rule.

    Factor order here is the enumeration order (the last field varies fastest).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = "custom"
    description: str = ""
    scenarios: list[Scenario] = Field(min_length=1)
    goal_types: list[GoalType] = Field(min_length=1)
    goal_values: list[GoalValue] = Field(min_length=1)
    urgencies: list[Urgency] = Field(min_length=1)
    modes: list[Mode] = Field(default_factory=lambda: list[Mode](["classic"]), min_length=1)
    scratchpad: list[bool] = Field(default_factory=lambda: [True], min_length=1)
    mitigations: list[Mitigation] = Field(default_factory=lambda: list[Mitigation](["none"]), min_length=1)
    agency_nudge: list[bool] = Field(default_factory=lambda: [True], min_length=1)
    eval_awareness: list[EvalAwareness] = Field(
        default_factory=lambda: list[EvalAwareness](["off"]), min_length=1
    )
    paraphrases: int = Field(default=1, ge=1, le=N_PARAPHRASES)

    @field_validator("eval_awareness", mode="before")
    @classmethod
    def _yaml_off(cls, value: Any) -> Any:
        # YAML 1.1 reads a bare `off` as False
        if isinstance(value, list):
            return ["off" if v is False else v for v in value]
        return value

    def conditions(self) -> list[Condition]:
        """Enumerate the valid conditions of this grid, in order, without duplicates."""
        seen: set[str] = set()
        out: list[Condition] = []
        for combo in itertools.product(
            self.scenarios,
            self.goal_types,
            self.goal_values,
            self.urgencies,
            self.modes,
            self.scratchpad,
            self.mitigations,
            self.agency_nudge,
            self.eval_awareness,
        ):
            scenario, goal_type, raw_value, urgency, mode, sp, mit, nudge, ev = combo
            goal_value = canonical_goal_value(goal_type, raw_value)
            if combination_problem(goal_type, goal_value) is not None:
                continue
            cond = Condition.model_validate(
                {
                    "scenario": scenario,
                    "goal_type": goal_type,
                    "goal_value": goal_value,
                    "urgency": urgency,
                    "mode": mode,
                    "scratchpad": sp,
                    "mitigation": mit,
                    "agency_nudge": nudge,
                    "eval_awareness": ev,
                }
            )
            if cond.condition_id not in seen:
                seen.add(cond.condition_id)
                out.append(cond)
        return out

    def to_yaml(self) -> str:
        """Serialise to YAML (read back with :func:`grid_from_yaml`)."""
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False)


def grid_from_yaml(text: str, source: str = "grid spec") -> GridSpec:
    """Parse a grid spec from YAML text.

    Raises:
        AssayError: The YAML is malformed or a field is invalid (the message names the field).
    """
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as ex:
        raise AssayError(f"malformed {source}: {str(ex).splitlines()[0]}") from None
    if not isinstance(raw, dict):
        raise AssayError(f"malformed {source}: expected a mapping of factor lists")
    try:
        return GridSpec.model_validate(raw)
    except ValidationError as ex:
        raise AssayError(f"invalid {source}: {validation_problem(ex, 'spec')}") from None


def load_grid(grid: str) -> GridSpec:
    """Return a named grid (``smoke``, ``paper``, ``full``) or the grid in a YAML file.

    Raises:
        AssayError: ``grid`` is neither a known name nor a readable, valid YAML spec file.
    """
    if grid in NAMED_GRIDS:
        text = (
            resources.files(__package__)
            .joinpath("grids")
            .joinpath(f"{grid}.yaml")
            .read_text(encoding="utf-8")
        )
        return grid_from_yaml(text, f"built-in grid {grid!r}")
    path = Path(grid)
    if not path.is_file():
        known = ", ".join(NAMED_GRIDS)
        raise AssayError(f"grid {grid!r} is neither a named grid ({known}) nor a YAML file")
    text = read_text_file(path, "grid file")
    return grid_from_yaml(text, f"grid file {path}")
