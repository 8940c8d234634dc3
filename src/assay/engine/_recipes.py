"""How to fine-tune: one run's settings, the recipe models study configs embed, and their field checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from assay._strict import Strict

DTYPE_NAMES = ("auto", "bf16-autocast", "autocast", "float32", "fp32", "bfloat16", "bf16", "float16", "fp16")
"""The dtype names :func:`assay.models.resolve_precision` accepts."""

DTYPE_HELP = (
    "auto (bf16 autocast on CUDA and on CPUs with bf16 matrix units (AMX), fp32 elsewhere), "
    "bf16-autocast, float32 (no autocast), bfloat16 (weights cast)"
)
"""The description of a study config's ``dtype`` field."""


def field_error(loc: Sequence[str | int], message: str, value: object) -> ValidationError:
    """A pydantic error located at field ``loc`` (relative to the model), for a ``model_validator``.

    A cross-field bound is checked once every field is known; raising this there names the field at
    fault (``safety.ks: ...``) instead of the whole model.

    Args:
        loc: The field's path inside the model that raises it (nested models prefix their own path).
        message: What is wrong, shown after the path.
        value: The refused value.
    """
    kind = PydanticCustomError("config_bound", message)
    return ValidationError.from_exception_data(
        "config", [InitErrorDetails(type=kind, loc=tuple(loc), input=value)]
    )


def distinct(values: Sequence[object]) -> None:
    """Refuse a list with a repeated value (a repeated seed or k would count one run twice).

    Raises:
        ValueError: Naming the first repeated value.
    """
    seen: set[object] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{v!r} appears twice (each value may appear once)")
        seen.add(v)


MODEL_HELP = (
    "smollm2, toy, a checkpoint directory, or a Hugging Face hub id already in the local cache "
    "(nothing is downloaded)"
)
"""The description of a study config's ``model`` field."""


def _model_name(model: str) -> str:
    """An embedded model's short name (``assay/toy`` -> ``toy``); any other name as given."""
    from assay.models._resolve import embedded_name

    return embedded_name(model) or model


def _device_name(device: str) -> str:
    if not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", device.strip().lower()):
        raise ValueError(f"must be auto, cpu, cuda, cuda:N or mps, got {device!r}")
    return device


def _dtype_name(dtype: str) -> str:
    if dtype.strip().lower() not in DTYPE_NAMES:
        raise ValueError(f"must be one of {', '.join(DTYPE_NAMES)}, got {dtype!r}")
    return dtype


ModelName = Annotated[str, AfterValidator(_model_name)]
"""A model name (:data:`MODEL_HELP`); whether it is available offline is checked when the config is loaded."""
Device = Annotated[str, AfterValidator(_device_name)]
"""A device name (``auto``, ``cpu``, ``cuda``, ``cuda:N``, ``mps``); whether it exists is checked on use."""
DtypeName = Annotated[str, AfterValidator(_dtype_name)]
"""A dtype name of :data:`DTYPE_NAMES`."""


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
    """Fine-tune that builds an organism (LoRA: stored as its adapter, merged in memory when loaded)."""

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

    @field_validator("ks", "seeds")
    @classmethod
    def _distinct(cls, values: list[int]) -> list[int]:
        distinct(values)
        return values

    def settings(self, seed: int, nested: bool) -> TrainSettings:
        """LoRA settings of one run of this sweep (one epoch when ``nested``: a k-sweep stream)."""
        epochs = 1 if nested else self.epochs
        return TrainSettings(
            epochs, self.learning_rate, self.batch_size, "lora", self.lora_rank, seed, self.lora_layers
        )
