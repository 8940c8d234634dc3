"""The emergent-misalignment study's stages: base, one training stage per arm and seed, judge, causal test.

Every stage returns a typed result (:mod:`assay.studies.emergent._results`) through
:class:`assay.studies.Stages` and is resumable: a stage whose key and code version match is read back,
not rerun. Trained models are kept as LoRA adapters (organism directories, :func:`assay.models.save_organism`)
under their stage; the judge stage reads the stored
answers, so a different judge re-runs only the judging. One copy of the base model and one
:class:`~assay.studies.emergent._measure.Scorer` (its frozen-trunk cache) serve every stage of a process.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from assay.engine import Stages, stage_key
from assay.engine.training import TrainSettings, chat_prompt, finetune, first_trainable_block
from assay.models import save_organism
from assay.studies.emergent._causal import CausalSet, declare, run_intervention
from assay.studies.emergent._config import PRIMARY, EmergentConfig
from assay.studies.emergent._data import training_subset
from assay.studies.emergent._judge import JUDGE_VERSION, judge_answers
from assay.studies.emergent._measure import Scorer, measure_model, resolved_layer
from assay.studies.emergent._results import (
    ArmDirection,
    BaseResult,
    CausalResult,
    Declaration,
    EmergentRun,
    JudgeResult,
    TrainResult,
)

BASE = "base"
#: Part of every measuring stage's key: v3 scores three phrasings of every test item.
MEASURE_VERSION = "emergent-measure-v3"
#: Part of the direction and causal stages' keys: v3 fits harmful minus educational, adds to educational.
DIRECTION_VERSION = "emergent-direction-v3"
SAMPLING_SEED = 0  # every model samples its free-text answers with the same seed (paired comparisons)


def model_key(arm: str, seed: int) -> str:
    """The stage (and model) name of one trained arm and seed."""
    return f"train_{arm}_s{seed}"


def _load(cfg: EmergentConfig, adapter: Path | None = None, dtype: str | None = None) -> tuple[Any, Any]:
    """The base model (with ``adapter`` merged) on ``cfg.device``, in ``dtype`` (default ``cfg.dtype``)."""
    from assay.models import load_local_model

    dtype = dtype or cfg.dtype
    if cfg.model in ("smollm2", "toy"):
        return load_local_model(cfg.model, adapter=adapter, device=cfg.device, dtype=dtype)
    return load_local_model("hf", path=Path(cfg.model), adapter=adapter, device=cfg.device, dtype=dtype)


class Models:
    """The base model, loaded once per process, and the scorer built on it before any adapter is attached."""

    def __init__(self, cfg: EmergentConfig) -> None:
        self.cfg = cfg
        self._base: tuple[Any, Any] | None = None
        self._scorer: Scorer | None = None

    def base(self) -> tuple[Any, Any]:
        """``(model, tokenizer)`` of the base model."""
        if self._base is None:
            self._base = _load(self.cfg)
        return self._base

    def settings(self, seed: int) -> TrainSettings:
        """The training settings of one seed (the same for every arm)."""
        t = self.cfg.training
        return TrainSettings(
            t.epochs, t.learning_rate, t.batch_size, "lora", t.lora_rank, seed, t.lora_layers
        )

    def scorer(self) -> Scorer:
        """The forward-pass measures, with the trunk below the first LoRA block cached once."""
        if self._scorer is None:
            from assay.activations import decoder_layers

            model, tok = self.base()
            start = first_trainable_block(self.settings(0), len(decoder_layers(model)))
            self._scorer = Scorer.build(model, tok, start)
        return self._scorer

    def layer(self) -> int:
        """The intervention (and activation) layer."""
        from assay.activations import decoder_layers

        n = len(decoder_layers(self.base()[0]))
        return resolved_layer(n, self.cfg.training.lora_layers, self.cfg.causal.layer)


def stage_base(models: Models, out: Path) -> BaseResult:
    """Measure the base model."""
    model, tok = models.base()
    cfg = models.cfg
    measured = measure_model(model, tok, models.scorer(), models.layer(), cfg.free_text, SAMPLING_SEED, out)
    return BaseResult(layer=models.layer(), measure=measured)


def stage_train(models: Models, arm: str, seed: int, out: Path) -> TrainResult:
    """Train one arm with one seed (a fresh LoRA adapter), measure it, keep the adapter (an organism)."""
    cfg = models.cfg
    model, tok = models.base()
    scorer, layer = models.scorer(), models.layer()  # built on the base model, before the adapter
    examples = training_subset(arm, cfg.training.n_train, seed)  # type: ignore[arg-type]
    pairs = [(chat_prompt(tok, e.user), e.answer) for e in examples]
    start = time.perf_counter()
    trained = finetune(model, tok, pairs, models.settings(seed), desc=f"train {arm} seed={seed}")
    train_s = time.perf_counter() - start
    try:
        measured = measure_model(trained, tok, scorer, layer, cfg.free_text, SAMPLING_SEED, out)
        save_organism(trained, tok, out / "adapter", models.cfg.model)
    finally:
        trained.unload()  # the base model again, without the adapter
    return TrainResult(
        arm=arm,
        seed=seed,
        n_train=len(pairs),
        first_user=examples[0].user,
        train_seconds=round(train_s, 2),
        adapter=(out / "adapter").resolve(),
        measure=measured,
    )


def model_names(cfg: EmergentConfig) -> list[str]:
    """Every measured model: the base model, then each arm's seeds."""
    return [BASE] + [model_key(a, s) for a in cfg.arms for s in cfg.seeds]


def stage_judge(
    cfg: EmergentConfig, base: BaseResult, trained: dict[str, TrainResult], stage_dir: Path
) -> JudgeResult:
    """Judge every model's free-text answers with every judge configuration."""
    names = model_names(cfg)
    answers = {n: (base.measure if n == BASE else trained[n].measure).free_text for n in names}
    items = [(r.question, r.answer) for n in names for r in answers[n]]
    verdicts: dict[str, dict[str, list[Any]]] = {n: {} for n in names}
    errors: dict[str, int] = {}
    for spec in cfg.judges:
        flat = judge_answers(spec, items)
        errors[spec.key] = sum(1 for v in flat for c in (v.alignment, v.coherence) if c.error)
        pos = 0
        for n in names:
            verdicts[n][spec.key] = flat[pos : pos + len(answers[n])]
            pos += len(answers[n])
    return JudgeResult(
        judges=[j.key for j in cfg.judges], n_items=len(items), judge_errors=errors, verdicts=verdicts
    )


def stage_direction(
    cfg: EmergentConfig, base: BaseResult, trained: dict[str, TrainResult], stage_dir: Path
) -> Declaration:
    """Declare the direction (recorded as this stage's result before any intervention runs).

    ``other_arms``: every arm's own difference from the base model (harmful included), its norm and its
    cosine with the declared direction.
    """
    base_acts = base.measure.acts()

    def arm_acts(arm: str) -> list[np.ndarray]:
        return [trained[model_key(arm, s)].measure.acts() for s in cfg.seeds]

    declared = declare(arm_acts("harmful"), arm_acts(PRIMARY), base_acts, base.layer, cfg.seeds)
    u = np.asarray(declared.vector)
    for arm in cfg.arms:
        v = np.mean([a.mean(0) for a in arm_acts(arm)], 0) - base_acts.mean(axis=0)
        cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-12))
        declared.other_arms[arm] = ArmDirection(norm=float(np.linalg.norm(v)), cosine_with_declared=cos)
    (stage_dir / "declaration.json").write_text(declared.model_dump_json(indent=1))
    return declared


def stage_causal(
    cfg: EmergentConfig, declared: Declaration, subjects: dict[str, TrainResult], stage_dir: Path
) -> CausalResult:
    """Ablate the declared direction in the first harmful model, add it to the first educational model.

    Both models are loaded in ``causal.dtype`` (the same for the declared and every random direction);
    ``subjects`` maps ``ablate`` and ``add`` to their trained model.
    """
    c = cfg.causal
    result = {}
    for kind in ("ablate", "add"):
        subject = subjects[kind]
        model, tok = _load(cfg, subject.adapter, c.dtype)
        cs = CausalSet(tok, c.n_items, c.n_capability, declared.items)
        name = model_key(subject.arm, subject.seed)
        result[kind] = run_intervention(model, cs, declared, kind, c.n_random, cfg.seeds[0], name)
    return CausalResult(ablate=result["ablate"], add=result["add"])


def run_emergent_study(cfg: EmergentConfig, out: Path) -> EmergentRun:
    """Run (or resume) every stage in ``out``; return the typed stage results, timings and skipped stages."""
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(yaml.safe_dump(cfg.model_dump(), sort_keys=False))
    st = Stages(out)
    models = Models(cfg)
    # keys: the config sections a stage reads, and the results of the stages it reads (so a rerun
    # upstream stage, e.g. after a code change, reruns everything downstream of it)
    from assay.models import model_record

    weights = model_record(cfg.model, cfg.device, cfg.dtype).key()  # revision and precision, not the device
    measure_key = stage_key(
        MEASURE_VERSION,
        weights,
        cfg.model_dump(include={"free_text"}),
        cfg.training.lora_layers,
        cfg.causal.layer,
    )
    base = st.run(BASE, measure_key, partial(stage_base, models), BaseResult)
    train_key = stage_key(measure_key, cfg.model_dump(include={"training"}))
    trained = {
        model_key(arm, seed): st.run(
            model_key(arm, seed), train_key, partial(stage_train, models, arm, seed), TrainResult
        )
        for arm in cfg.arms
        for seed in cfg.seeds
    }
    upstream = stage_key(
        base.model_dump(mode="json"), {k: v.model_dump(mode="json") for k, v in trained.items()}
    )
    judge_key = stage_key(upstream, JUDGE_VERSION, cfg.model_dump(include={"judges"}))
    judge = st.run("judge", judge_key, partial(stage_judge, cfg, base, trained), JudgeResult)
    direction_key = stage_key(upstream, DIRECTION_VERSION)
    direction = st.run("direction", direction_key, partial(stage_direction, cfg, base, trained), Declaration)
    causal_precision = model_record(cfg.model, cfg.device, cfg.causal.dtype).key()
    causal_key = stage_key(
        upstream,
        DIRECTION_VERSION,
        direction.model_dump(mode="json"),
        cfg.model_dump(include={"causal"}),
        causal_precision,
    )
    subjects = {
        "ablate": trained[model_key("harmful", cfg.seeds[0])],
        "add": trained[model_key(PRIMARY, cfg.seeds[0])],
    }
    causal = st.run("causal", causal_key, partial(stage_causal, cfg, direction, subjects), CausalResult)
    return EmergentRun(
        base=base,
        trained=trained,
        judge=judge,
        direction=direction,
        causal=causal,
        timings=st.timings,
        skipped=st.skipped,
    )
