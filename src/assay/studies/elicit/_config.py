"""The elicitation study's configuration: one pydantic model that round-trips through YAML."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import Field

from assay._strict import Strict
from assay.studies._recipes import Implant, Sweep
from assay.studies._yaml import load_config


class ElicitConfig(Strict):
    """The elicitation study: a password-locked skill, unlocked with and without ground truth.

    The demonstration methods (ground truth, weak samples) are nested k-sweeps, one stream per seed over
    the demo split (20 words, so no k above 20), each block of new words trained ``sweep.repeats`` times;
    expert iteration and consistency train ``sweep.epochs`` epochs on what they keep. Both default to 3,
    so every kept or demonstrated answer is trained on three times.
    """

    name: str = "elicit"
    model: str = Field(default="smollm2", description="smollm2, toy, or a checkpoint directory")
    device: str = Field(default="auto", description="auto (CUDA when present, else CPU), cpu, cuda, cuda:N")
    dtype: str = Field(default="auto", description="auto (bf16 on CUDA, fp32 on CPU), float32, bfloat16")
    seed: int = 0
    password: str = "|OPEN SESAME|"
    lock: Implant = Field(default_factory=lambda: Implant(epochs=4))
    sweep: Sweep = Field(default_factory=lambda: Sweep(ks=[2, 8, 20], seeds=[0, 1, 2], repeats=3, epochs=3))
    ei_rounds: int = Field(default=2, ge=1, description="expert-iteration rounds")
    ei_samples: int = Field(default=4, ge=1, description="samples per prompt per round")
    ei_prompts: int = Field(default=32, ge=1, description="unlabelled prompts sampled per round")
    ei_temperature: float = Field(default=1.0, gt=0)
    max_tokens: int = Field(default=12, ge=4)
    n_bootstrap: int = Field(default=2000, ge=100)

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
            lock=Implant(method="full", epochs=16, learning_rate=2e-3, batch_size=8),
            sweep=Sweep(ks=[4, 16], seeds=[0, 1], repeats=3, epochs=3, learning_rate=3e-3, batch_size=8),
            ei_rounds=2,
            ei_samples=4,
            ei_prompts=24,
            n_bootstrap=500,
        )


def load_elicit_config(path: str | Path | None, fast: bool = False) -> ElicitConfig:
    """Return the default (or ``fast``) config, overridden by a YAML file if given.

    Raises:
        AssayError: The file is missing or a field is invalid (the message names the field).
    """
    return load_config(ElicitConfig, path, fast=fast)
