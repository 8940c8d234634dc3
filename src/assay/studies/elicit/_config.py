"""The elicitation study's configuration: one pydantic model that round-trips through YAML."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from assay._strict import Strict
from assay.engine._recipes import (
    DTYPE_HELP,
    MODEL_HELP,
    Device,
    DtypeName,
    Implant,
    ModelName,
    Sweep,
    distinct,
    field_error,
)
from assay.engine._yaml import load_config
from assay.tasks import Cue


class ElicitConfig(Strict):
    """The elicitation study: a password-locked skill (two-digit addition), unlocked with and without labels.

    ``lock_seeds`` are the locks (one organism each, trained on the ``lock`` split: with the password the
    sum, without it the sum plus ten). Every accuracy is a four-way forced choice scored by log-probability
    on the ``eval`` split. Per lock, the demonstration methods (ground truth, weak samples, the unrelated
    fine-tune) are nested k-sweeps over the ``demo`` split (each new block ``sweep.repeats`` times); expert
    iteration and consistency train ``sweep.epochs`` epochs on what they keep. The decoys (the base model
    and a model fine-tuned on the lock split's questions and sums without any password) get the same
    elicitation (ground truth at the smallest and largest k, expert iteration, consistency).
    """

    name: str = "elicit"
    model: ModelName = Field(default="smollm2", description=MODEL_HELP)
    device: Device = Field(
        default="auto", description="auto (CUDA when present, else CPU), cpu, cuda, cuda:N"
    )
    dtype: DtypeName = Field(default="auto", description=DTYPE_HELP)
    seed: int = Field(default=0, description="seed of the item split")
    password: Cue = "|OPEN SESAME|"
    n_lock: int = Field(default=120, ge=4, description="items that train the lock")
    n_demo: int = Field(default=64, ge=4, description="items the elicitation methods may use")
    n_eval: int = Field(default=200, ge=4, description="items every accuracy is measured on")
    n_rephrased: int = Field(default=60, ge=4, description="eval items asked in each held-out rephrasing")
    lock: Implant = Field(default_factory=lambda: Implant(epochs=2, learning_rate=2e-3, batch_size=8))
    lock_seeds: list[int] = Field(default_factory=lambda: [0, 1], min_length=1)
    sweep: Sweep = Field(
        default_factory=lambda: Sweep(ks=[4, 16, 64], seeds=[0], repeats=1, epochs=1, learning_rate=1e-3)
    )
    weak_accuracy: float = Field(default=0.5, ge=0, le=1, description="the weak policy's stated accuracy")
    ei_rounds: int = Field(default=2, ge=1, description="expert-iteration rounds")
    ei_samples: int = Field(default=2, ge=1, description="answers sampled per prompt per round")
    temperature: float = Field(default=1.0, gt=0, description="sampling temperature over the options")
    decoys: bool = Field(default=True, description="run the elicitation on models with no lock")
    batch_size: int = Field(default=64, ge=1, description="prompts per forward pass when measuring")
    n_bootstrap: int = Field(default=2000, ge=100)

    @field_validator("lock_seeds")
    @classmethod
    def _distinct_locks(cls, seeds: list[int]) -> list[int]:
        distinct(seeds)
        return seeds

    @model_validator(mode="after")
    def _split_sizes(self) -> ElicitConfig:
        """The splits are disjoint operand pairs; rephrasings and demonstrations are cut from their splits."""
        from assay.studies.elicit._items import N_PAIRS

        total = self.n_lock + self.n_demo + self.n_eval
        if total > N_PAIRS:
            raise field_error(
                ("n_eval",),
                f"n_lock + n_demo + n_eval = {total} exceeds the {N_PAIRS} distinct two-digit operand pairs",
                self.n_eval,
            )
        if self.n_rephrased > self.n_eval:
            raise field_error(
                ("n_rephrased",), f"{self.n_rephrased} exceeds n_eval ({self.n_eval})", self.n_rephrased
            )
        if max(self.sweep.ks) > self.n_demo:
            raise field_error(
                ("sweep", "ks"),
                f"k {max(self.sweep.ks)} exceeds n_demo ({self.n_demo}), the demonstrations it is drawn from",
                self.sweep.ks,
            )
        return self

    def digest(self, *parts: str) -> str:
        """Hash of the config sections named in ``parts`` (all of it when empty)."""
        data = self.model_dump()
        chosen = {p: data[p] for p in parts} if parts else data
        return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def fast(cls) -> ElicitConfig:
        """The same pipeline on the toy model with small sizes (tests and ``--fast``)."""
        return cls(
            model="toy",
            n_lock=48,
            n_demo=16,
            n_eval=32,
            n_rephrased=16,
            lock=Implant(method="full", epochs=6, learning_rate=2e-3, batch_size=8),
            sweep=Sweep(ks=[4, 16], seeds=[0], repeats=2, epochs=2, learning_rate=3e-3, batch_size=8),
            n_bootstrap=300,
        )


def load_elicit_config(path: str | Path | None, fast: bool = False) -> ElicitConfig:
    """Return the default (or ``fast``) config, overridden by a YAML file if given.

    Raises:
        AssayError: The file is missing or a field is invalid (the message names the field).
    """
    return load_config(ElicitConfig, path, fast=fast)
