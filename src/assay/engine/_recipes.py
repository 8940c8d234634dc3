"""How to fine-tune: one run's settings, and the recipe models that study configs embed (no torch)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from assay._strict import Strict


@dataclass(frozen=True)
class TrainSettings:
    """How to fine-tune.

    ``lora_layers`` puts LoRA on the top that many transformer blocks only (``None``: every block).
    """

    epochs: int = 3
    learning_rate: float = 1e-3
    batch_size: int = 8
    method: Literal["lora", "full"] = "lora"
    lora_rank: int = 16
    seed: int = 0
    lora_layers: int | None = None

    @classmethod
    def of(cls, recipe: Any) -> TrainSettings:
        """The settings of an implant recipe (any object with these fields, e.g. :class:`Implant`)."""
        return cls(
            recipe.epochs,
            recipe.learning_rate,
            recipe.batch_size,
            recipe.method,
            recipe.lora_rank,
            recipe.seed,
            recipe.lora_layers,
        )


class Implant(Strict):
    """Fine-tune that builds an organism (LoRA adapters are merged into the weights afterwards)."""

    method: Literal["lora", "full"] = "lora"
    epochs: int = Field(default=3, ge=1)
    learning_rate: float = Field(default=1e-3, gt=0)
    batch_size: int = Field(default=16, ge=1)
    lora_rank: int = Field(default=16, ge=1)
    lora_layers: int | None = Field(default=15, ge=1, description="LoRA on the top blocks (None: all)")
    seed: int = 0


class Sweep(Strict):
    """Training on k examples (LoRA), swept over k and seeds.

    The k-sweeps are nested: per seed, one stream over a seed-shuffled pool, trained once in order, with a
    measurement once the first k examples have been trained on (every k of ``ks``). Each new block of
    examples (those between one k and the next) is trained on ``repeats`` times in a row before the
    measurement, so "k examples" means k distinct examples, each seen ``repeats`` times. ``epochs`` is for
    the trainings that are not k-sweeps (the elicitation study's expert iteration and consistency runs).
    """

    ks: list[Annotated[int, Field(ge=1)]] = Field(default_factory=lambda: [1, 4, 16, 64], min_length=1)
    seeds: list[int] = Field(default_factory=lambda: [0, 1, 2], min_length=1)
    repeats: int = Field(default=1, ge=1, description="passes over each new block of a nested k-sweep")
    epochs: int = Field(default=3, ge=1, description="epochs of the trainings that are not k-sweeps")
    learning_rate: float = Field(default=5e-4, gt=0)
    lora_rank: int = Field(default=8, ge=1)
    lora_layers: int | None = Field(default=15, ge=1, description="LoRA on the top blocks (None: all)")
    batch_size: int = Field(default=8, ge=1)

    def settings(self, seed: int, nested: bool) -> TrainSettings:
        """LoRA settings of one run of this sweep (one epoch when ``nested``: a k-sweep stream)."""
        epochs = 1 if nested else self.epochs
        return TrainSettings(
            epochs, self.learning_rate, self.batch_size, "lora", self.lora_rank, seed, self.lora_layers
        )
