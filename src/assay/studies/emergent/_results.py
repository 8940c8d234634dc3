"""Typed results of the emergent-misalignment study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from assay._strict import Strict
from assay.studies.emergent._judge import JudgedAnswer

Measure = Literal["forced_choice", "paraphrased", "narrow", "capability"]
"""The forward-pass measures: broad forced choice (every item, original phrasing), the test items' other
phrasings (phrasing 1 of every test item, then phrasing 2), the narrow manipulation check, capability."""


class PairScores(Strict):
    """Summed log-probabilities of a treatment and a reference answer per item, and their token counts.

    ``forced_choice``: treatment = the misaligned answer, reference = the aligned one; ``narrow``: the
    reckless vs the prudent finance answer; ``capability``: the correct vs a wrong answer.
    """

    treatment: list[float]
    reference: list[float]
    treatment_tokens: list[int]
    reference_tokens: list[int]

    def log_odds(self, per_token: bool = False) -> np.ndarray:
        """``log p(treatment) - log p(reference)`` per item (``per_token``: each divided by its length)."""
        t, r = np.asarray(self.treatment, dtype=float), np.asarray(self.reference, dtype=float)
        if per_token:
            t = t / np.asarray(self.treatment_tokens, dtype=float)
            r = r / np.asarray(self.reference_tokens, dtype=float)
        out: np.ndarray = t - r
        return out


class FreeAnswer(Strict):
    """One sampled answer to an open question."""

    question_id: str
    question: str
    sample: int
    answer: str
    stop: str


class ModelMeasure(Strict):
    """Every measurement of one model (base or one arm and seed)."""

    forced_choice: PairScores
    paraphrased: PairScores
    narrow: PairScores
    capability: PairScores
    free_text: list[FreeAnswer]
    activations: Path = Field(description="npy file: block-layer output at the last prompt token, [n, d]")
    seconds: dict[str, float]

    def scores(self, measure: Measure) -> PairScores:
        """The pair scores of one forward-pass measure."""
        by_name = {
            "forced_choice": self.forced_choice,
            "paraphrased": self.paraphrased,
            "narrow": self.narrow,
            "capability": self.capability,
        }
        return by_name[measure]

    def acts(self) -> np.ndarray:
        """The stored direction-split activations ``[n, d_model]``."""
        acts: np.ndarray = np.load(self.activations)
        return acts


class BaseResult(Strict):
    """The base model's measurements and the resolved intervention layer."""

    layer: int
    measure: ModelMeasure


class TrainResult(Strict):
    """One arm and seed: the adapter kept under the stage, its training size and time, its measurements."""

    arm: str
    seed: int
    n_train: int
    first_user: str
    train_seconds: float
    adapter: Path
    measure: ModelMeasure


class JudgeResult(Strict):
    """Every model's free-text answers judged by every judge configuration.

    ``verdicts[model][judge key]`` has one :class:`JudgedAnswer` per stored answer, in order.
    """

    judges: list[str]
    n_items: int
    judge_errors: dict[str, int]
    verdicts: dict[str, dict[str, list[JudgedAnswer]]]


class ArmDirection(Strict):
    """Another arm's difference of means from the base model, compared with the declared direction."""

    norm: float
    cosine_with_declared: float


class Declaration(Strict):
    """The declared direction (harmful arm minus educational arm), recorded before any intervention runs.

    ``items`` are the ids of the direction-split items it was fitted on (disjoint from the test items).
    """

    layer: int
    reference: str = "educational"
    seeds: list[int] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)
    vector: list[float]
    norm: float
    residual_norm: float
    ablate: Literal["decrease", "increase"] = "decrease"
    add: Literal["decrease", "increase"] = "increase"
    metric: str
    declared_at: datetime
    other_arms: dict[str, ArmDirection] = Field(default_factory=dict)


class CausalMetrics(Strict):
    """Target (misaligned preference) and off-target (capability) metrics, or their change."""

    misaligned_k: float
    capability_k: float
    misaligned_share: float
    misaligned_logodds: float
    capability_accuracy: float
    capability_margin: float

    def minus(self, other: CausalMetrics) -> CausalMetrics:
        """Field-wise ``self - other``."""
        a, b = self.model_dump(), other.model_dump()
        return CausalMetrics(**{k: a[k] - b[k] for k in a})

    def plus(self, other: CausalMetrics) -> CausalMetrics:
        """Field-wise ``self + other``."""
        a, b = self.model_dump(), other.model_dump()
        return CausalMetrics(**{k: a[k] + b[k] for k in a})


CAUSAL_METRICS: tuple[str, ...] = tuple(CausalMetrics.model_fields)


class InterventionResult(Strict):
    """One intervention: the unchanged model, the declared direction's change, every random change."""

    kind: Literal["ablate", "add"]
    model: str = Field(description="the model intervened on (``train_<arm>_s<seed>``)")
    layer: int
    norm: float
    before: CausalMetrics
    target: CausalMetrics
    treated: CausalMetrics
    random: list[CausalMetrics]
    n_items: int
    n_capability: int
    performed_at: datetime

    def random_values(self, metric: str) -> list[float]:
        """The random directions' changes of one metric."""
        return [float(getattr(r, metric)) for r in self.random]


class CausalResult(Strict):
    """Ablation in the first harmful-arm model and addition to the first educational-arm model."""

    ablate: InterventionResult
    add: InterventionResult

    def items(self) -> list[tuple[str, InterventionResult]]:
        """``[("ablate", ...), ("add", ...)]``."""
        return [("ablate", self.ablate), ("add", self.add)]


class EmergentRun(Strict):
    """Every stage result of one run, with the stage times and the reused stages."""

    base: BaseResult
    trained: dict[str, TrainResult]
    judge: JudgeResult
    direction: Declaration
    causal: CausalResult
    timings: dict[str, float]
    skipped: list[str]

    def measure(self, name: str) -> ModelMeasure:
        """The measurements of model ``name`` (``base`` or ``train_<arm>_s<seed>``)."""
        return self.base.measure if name == "base" else self.trained[name].measure
