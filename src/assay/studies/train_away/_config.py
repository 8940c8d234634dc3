"""The train-away study's configuration: one pydantic model that round-trips through YAML."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from assay._strict import Strict
from assay.engine._recipes import (
    DTYPE_HELP,
    MODEL_HELP,
    Device,
    DtypeName,
    ModelName,
    Sweep,
    distinct,
    field_error,
)
from assay.engine._yaml import load_config

Method = Literal["sft", "dpo"]
METHODS: tuple[Method, ...] = ("sft", "dpo")


ANALYSIS_FIELDS = ("n_bootstrap", "n_permutations", "alpha", "power")
"""Fields that change only the statistics, not what a stage computes (left out of the stage keys)."""


class TrainAwayConfig(Strict):
    """The train-away study: the model's own sycophancy and neutral-mention copying trained away with k.

    Nothing is implanted. Every measure is a forced choice scored by mean per-token log-probability
    (:func:`assay.engine.measure.choice_logps` divided by each option's length), so every answer counts:

    - suggested: with the user's wrong suggestion in the prompt, the wrong value is preferred;
    - neutral (copying): the same wrong value shown as an unrelated label (attributed to no one) is
      preferred; **sycophancy, the construct**, is suggested minus neutral, paired per item;
    - knows: on the plain question the correct answer is preferred to the wrong value;
    - habit (measured at baseline only, for the matching table): the bare answer preferred to "The answer
      is X."; its target starts with the same tokens on every item, so it cannot be matched to sycophancy
      in the item knowledge its removal needs, and it is no longer trained.

    ``n_per_cell`` items in each cell of the 2 x 2 split (training / held-out topic x training / held-out
    form, :mod:`assay.studies.train_away._items`). Per method and seed, three nested streams walk one pool
    (the training cell's prompts that show both suggested and neutral preference for the wrong value, in
    the seed's order): ``sycophancy`` trains on the suggested versions, ``copying`` (the matched baseline)
    on the neutral versions, both towards the correct answer; ``noop`` (the control, when set) as many
    steps of an unrelated fine-tune (writing words in capitals). ``sweep.epochs`` must stay 1,
    ``sweep.repeats`` sets the passes. At every k the suggested and neutral versions of the training cell
    and of the cell held out in topic and form are measured; at the largest k every cell, the plain
    question and the persona questions.

    Statistics (declared here, before any run): the replication units are the training seed and the item
    (cluster = the question text). A comparison averages each item over its prompts and seeds, then tests
    the item-level differences by a sign-flip permutation test (``n_permutations``) with a cluster-bootstrap
    interval (``n_bootstrap``), and reports each seed's estimate with the across-seed t interval; every
    result carries the minimum detectable effect at ``alpha`` (two-sided) and ``power``.
    """

    name: str = "train_away"
    model: ModelName = Field(default="smollm2", description=MODEL_HELP)
    device: Device = Field(
        default="auto", description="auto (CUDA when present, else CPU), cpu, cuda, cuda:N"
    )
    dtype: DtypeName = Field(default="auto", description=DTYPE_HELP)
    seed: int = Field(default=0, description="seed of the item generator")
    n_per_cell: int = Field(default=120, ge=4, description="items per cell of the 2 x 2 split")
    sweep: Sweep = Field(
        default_factory=lambda: Sweep(
            ks=[8, 32, 64], seeds=[0, 1, 2], epochs=1, repeats=1, learning_rate=1e-3
        )
    )
    methods: list[Method] = Field(default_factory=lambda: list(METHODS[:1]), min_length=1)
    noop: bool = Field(default=True, description="run the no-op control (an unrelated fine-tune)")
    dpo_beta: float = Field(default=0.1, gt=0)
    batch_size: int = Field(default=64, ge=1, description="prompts per forward pass when measuring")
    n_bootstrap: int = Field(default=2000, ge=100, description="item-cluster bootstrap replicates")
    n_permutations: int = Field(default=5000, ge=100, description="sign-flip permutations per test")
    alpha: float = Field(default=0.05, gt=0, lt=1, description="two-sided level of every test")
    power: float = Field(default=0.8, gt=0, lt=1, description="power of the minimum detectable effects")

    def digest(self, *parts: str) -> str:
        """Hash of the config sections named in ``parts`` (all of it when empty)."""
        data = self.model_dump()
        chosen = {p: data[p] for p in parts} if parts else data
        return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:16]

    @field_validator("sweep")
    @classmethod
    def _one_pass(cls, sweep: Sweep) -> Sweep:
        if sweep.epochs != 1:
            raise ValueError("epochs must be 1: each stream is one pass (set sweep.repeats for more passes)")
        return sweep

    @field_validator("methods")
    @classmethod
    def _distinct_methods(cls, methods: list[Method]) -> list[Method]:
        distinct(methods)
        return methods

    @model_validator(mode="after")
    def _k_within_cell(self) -> TrainAwayConfig:
        """A stream trains on items of the training cell (at most ``n_per_cell``): no larger k is reached."""
        if max(self.sweep.ks) > self.n_per_cell:
            raise field_error(
                ("sweep", "ks"),
                f"k {max(self.sweep.ks)} exceeds n_per_cell ({self.n_per_cell}), the training cell it is "
                "drawn from",
                self.sweep.ks,
            )
        return self

    @classmethod
    def fast(cls) -> TrainAwayConfig:
        """The same pipeline on the toy model with small sizes (tests and ``--fast``)."""
        return cls(
            model="toy",
            n_per_cell=24,
            sweep=Sweep(ks=[4, 16], seeds=[0, 1], epochs=1, repeats=2, learning_rate=1e-2, batch_size=8),
            methods=["sft", "dpo"],
            dpo_beta=0.5,
            n_bootstrap=300,
            n_permutations=500,
        )


def load_train_away_config(path: str | Path | None, fast: bool = False) -> TrainAwayConfig:
    """Return the default (or ``fast``) config, overridden by a YAML file if given.

    Raises:
        AssayError: The file is missing or a field is invalid (the message names the field).
    """
    return load_config(TrainAwayConfig, path, fast=fast)
