"""Stage results of the planted-organisms study that the training side and the analysis side share."""

from __future__ import annotations

from assay._strict import Strict
from assay.studies.planted._policy import Organism


class OrganismRun(Strict):
    """One organism's run of the real task: where its Inspect log is and what was planted.

    Attributes:
        organism: Which planted policy (:data:`assay.studies.planted._policy.ORGANISMS`).
        seed: The implant seed (the replication unit of the organism).
        scenario: The scenario it was trained and evaluated in.
        log_path: The Inspect ``.eval`` log of the run, relative to the study's output folder.
        interrogated: Whether the run asked the agent afterwards what it did (``-T interrogate=true``).
        train_pairs: How many (prompt, reply) pairs it was trained on (equal across organisms).
    """

    organism: Organism
    seed: int
    scenario: str
    log_path: str
    interrogated: bool = False
    train_pairs: int
