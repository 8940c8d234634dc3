"""The planted-organisms study's configuration: one pydantic model that round-trips through YAML."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from assay._strict import Strict
from assay.engine._recipes import DTYPE_HELP, MODEL_HELP, Device, DtypeName, Implant, ModelName, distinct
from assay.engine._yaml import load_config
from assay.studies.planted._policy import ORGANISMS, Organism
from assay.tasks.agentic._factors import GoalValue

#: The factor levels every organism is trained and evaluated on (classic mode, no scratchpad).
GOAL_TYPES = ("explicit", "none")
URGENCIES = ("replacement", "none")
NUDGES = (True, False)

TRAIN_GOAL_VALUES: tuple[GoalValue, ...] = ("america", "safety")
INTERROGATED: tuple[Organism, ...] = ("denier",)


class PlantedConfig(Strict):
    """The planted-organisms study: LoRA organisms with a known policy, run through the real task.

    Training prompts are the task's own classic-mode prompts (no scratchpad) over goal type {explicit,
    none} x urgency {replacement, none} x agency nudge {on, off} x ``train_paraphrases`` paraphrases, the
    explicit goal with each of ``train_goal_values``. Every (goal type, urgency) cell weighs the same: a
    goal-free prompt is repeated once per training goal value. The eval grid is the organism's scenario x
    goal type {explicit (``eval_goal_value``), none} x urgency {replacement, none} x ``eval_nudges`` x
    ``eval_paraphrases`` paraphrases, at the task's temperature (1.0), ``epochs`` times per sample.
    """

    name: str = "planted"
    model: ModelName = Field(default="smollm2", description=MODEL_HELP)
    device: Device = Field(
        default="auto", description="auto (CUDA when present, else CPU), cpu, cuda, cuda:N"
    )
    dtype: DtypeName = Field(default="auto", description=DTYPE_HELP)
    organisms: list[Organism] = Field(default_factory=lambda: list(ORGANISMS), min_length=1)
    seeds: list[int] = Field(
        default_factory=lambda: [0], min_length=1, description="implant seeds (the replication unit)"
    )
    train_goal_values: list[GoalValue] = Field(
        default_factory=lambda: list(TRAIN_GOAL_VALUES),
        min_length=1,
        description="values of the explicit goal in the training prompts",
    )
    train_paraphrases: int = Field(default=2, ge=1, le=3, description="paraphrases per training condition")
    planted_repeat: int = Field(
        default=3,
        ge=1,
        description="every organism's data (the never organism's included) holds each planted-cell "
        "prompt this many times, so the acting organisms see their two replies about equally often",
    )
    interrogation_paraphrases: int = Field(
        default=1,
        ge=0,
        le=3,
        description="the denier also answers the interrogation after its planted acts in the prompts of this "
        "many paraphrases (0: trained like the blackmailer, so its answers are whatever the base model says)",
    )
    implant: Implant = Field(
        default_factory=lambda: Implant(
            epochs=4, learning_rate=2e-3, batch_size=4, lora_rank=16, lora_layers=4
        )
    )
    eval_goal_value: GoalValue = Field(default="america", description="the explicit goal's value in the eval")
    eval_nudges: list[bool] = Field(default_factory=lambda: [True, False], min_length=1)
    eval_paraphrases: int = Field(default=2, ge=1, le=3)
    epochs: int = Field(default=2, ge=1, description="samples per eval prompt")
    max_tokens: int = Field(default=160, ge=16, description="generation budget of each agent turn")
    eval_batch_size: int = Field(default=16, ge=1, description="prompts per generation batch in the eval")
    interrogate: list[Organism] = Field(
        default_factory=lambda: list(INTERROGATED), description="organisms run with -T interrogate=true"
    )

    @field_validator("organisms", "seeds", "train_goal_values", "eval_nudges", "interrogate")
    @classmethod
    def _distinct_lists(cls, values: list[Any]) -> list[Any]:
        distinct(values)
        return values

    @field_validator("train_goal_values", "eval_goal_value")
    @classmethod
    def _real_value(cls, value: Any) -> Any:
        if value == "none" or (isinstance(value, list) and "none" in value):
            raise ValueError("the explicit goal needs a value other than 'none'")
        return value

    @model_validator(mode="after")
    def _denier_needs_questions(self) -> PlantedConfig:
        """A denier that is not interrogated could not show a denial; follow-ups need their prompts."""
        from assay.engine._recipes import field_error

        if self.interrogation_paraphrases > self.train_paraphrases:
            raise field_error(
                ("interrogation_paraphrases",),
                f"exceeds train_paraphrases ({self.train_paraphrases})",
                self.interrogation_paraphrases,
            )
        if "denier" in self.organisms and "denier" not in self.interrogate:
            raise field_error(("interrogate",), "the denier must be interrogated", self.interrogate)
        return self

    def digest(self, *parts: str) -> str:
        """Hash of the config sections named in ``parts`` (all of it when empty)."""
        data = self.model_dump()
        chosen = {p: data[p] for p in parts} if parts else data
        return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def fast(cls) -> PlantedConfig:
        """The same pipeline on the toy model with a tiny grid (tests and ``--fast``).

        The toy cannot learn the policy in seconds; the fast run checks that every stage runs end to end.
        """
        return cls(
            model="toy",
            train_goal_values=["america"],
            train_paraphrases=1,
            implant=Implant(epochs=1, learning_rate=2e-3, batch_size=4, lora_rank=4, lora_layers=2),
            eval_nudges=[True],
            eval_paraphrases=1,
            max_tokens=24,
        )


def load_planted_config(path: str | Path | None, fast: bool = False) -> PlantedConfig:
    """Return the default (or ``fast``) config, overridden by a YAML file if given.

    Raises:
        AssayError: The file is missing or a field is invalid (the message names the field).
    """
    return load_config(PlantedConfig, path, fast=fast)
