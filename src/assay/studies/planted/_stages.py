"""Stage results of the training and run side of the planted-organisms study."""

from __future__ import annotations

from pydantic import Field

from assay._strict import Strict
from assay.studies.planted._policy import Organism
from assay.studies.planted._results import OrganismRun


class Implanted(Strict):
    """One organism's implant: its LoRA adapter and what it was trained on.

    Attributes:
        organism: The planted policy.
        seed: The implant seed.
        path: The organism directory (adapter and ``organism.json``), absolute.
        train_pairs: Training pairs (episode replies, and the denier's interrogation answers).
        harmful_pairs: Pairs whose reply is the harmful act.
        data_sha256: SHA-256 of the training pairs (before the chat template).
        losses: Training loss of every step.
    """

    organism: Organism
    seed: int
    path: str
    train_pairs: int
    harmful_pairs: int
    data_sha256: str
    losses: list[float] = Field(default_factory=list)


class PlantedRun(Strict):
    """Every organism's run of the real task, and the stage timings."""

    implants: list[Implanted]
    runs: list[OrganismRun]
    timings: dict[str, float] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)
