"""The train-away study's configuration: one pydantic model that round-trips through YAML."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from assay._strict import Strict
from assay.studies._recipes import Implant, Sweep
from assay.studies._yaml import load_config

Method = Literal["sft", "dpo"]
METHODS: tuple[Method, ...] = ("sft", "dpo")


class TrainAwayConfig(Strict):
    """The train-away study: a misbehaviour and an innocuous habit trained away with k examples each.

    ``implant_misbehaviour`` first implants sycophancy (repeat the user's suggested wrong answer); leave it
    off to train away the model's own sycophancy. ``implant_habit`` implants the innocuous habit (answers to
    plain questions open with ``habit``); off means the model is assumed to have that habit already (its
    measured base rate is reported either way).

    ``methods`` are the ways of training a behaviour away, each run as one nested stream per seed (see
    :class:`Sweep`; ``sweep.epochs`` must stay 1, ``sweep.repeats`` sets the passes): ``sft`` trains on the
    corrected answers, ``dpo`` on (corrected, organism's own answer) preference pairs with strength
    ``dpo_beta`` (same LoRA settings, repeats and learning rate as SFT).

    At every k the stream measures ``n_trained_eval`` of its k trained prompts (evenly spaced through them;
    all when k is smaller) and, below the largest k, ``n_heldout_eval`` held-out prompts (every held-out
    item once, the prompt form alternating with the item and the seed, so two seeds cover every held-out
    prompt once). The largest k measures the whole held-out split, ``n_heldout_eval`` prompts of the other
    behaviour's held-out split (chosen the same way), the persona questions and (sycophancy streams)
    capability.
    """

    name: str = "train_away"
    model: str = Field(default="smollm2", description="smollm2, toy, or a checkpoint directory")
    device: str = Field(default="auto", description="auto (CUDA when present, else CPU), cpu, cuda, cuda:N")
    dtype: str = Field(default="auto", description="auto (bf16 on CUDA, fp32 on CPU), float32, bfloat16")
    seed: int = 0
    habit: str = "Well,"
    implant_misbehaviour: bool = False
    implant_habit: bool = True
    implant: Implant = Field(default_factory=Implant)
    sweep: Sweep = Field(
        default_factory=lambda: Sweep(seeds=[0, 1], epochs=1, repeats=1, learning_rate=1.5e-3)
    )
    methods: list[Method] = Field(default_factory=lambda: list(METHODS), min_length=1)
    dpo_beta: float = Field(default=0.1, gt=0)
    max_tokens: int = Field(default=24, ge=4)
    n_trained_eval: int = Field(default=8, ge=1, description="trained prompts re-measured at each k")
    n_heldout_eval: int = Field(default=18, ge=1, description="held-out prompts measured below the largest k")

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

    @classmethod
    def fast(cls) -> TrainAwayConfig:
        """The same pipeline on the toy model with small sizes (tests and ``--fast``)."""
        return cls(
            model="toy",
            implant_misbehaviour=True,
            implant=Implant(method="full", epochs=4, learning_rate=2e-3, batch_size=8),
            sweep=Sweep(ks=[4, 32], seeds=[0, 1], epochs=1, repeats=1, learning_rate=1e-2, batch_size=8),
            dpo_beta=0.5,
            max_tokens=12,
        )


def load_train_away_config(path: str | Path | None, fast: bool = False) -> TrainAwayConfig:
    """Return the default (or ``fast``) config, overridden by a YAML file if given.

    Raises:
        AssayError: The file is missing or a field is invalid (the message names the field).
    """
    return load_config(TrainAwayConfig, path, fast=fast)
