"""The emergent-misalignment study's stages: base, one training stage per arm and seed, judge, causal test.

Every stage is resumable (a stage whose key matches is skipped). Trained models are kept as LoRA adapters
under their stage; the judge stage reads the stored answers, so a different judge re-runs only the judging.
"""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from assay.studies import Stages
from assay.studies.emergent._causal import CausalSet, declare, run_intervention
from assay.studies.emergent._config import EmergentConfig
from assay.studies.emergent._data import training_subset
from assay.studies.emergent._judge import judge_answers
from assay.studies.emergent._measure import measure_model, resolved_layer
from assay.studies.training import TrainSettings, chat_prompt, finetune

STAGE_VERSION = "v1"
BASE = "base"
SAMPLING_SEED = 0  # every model samples its free-text answers with the same seed (paired comparisons)


def model_key(arm: str, seed: int) -> str:
    """The stage (and model) name of one trained arm and seed."""
    return f"train_{arm}_s{seed}"


def _load(cfg: EmergentConfig, adapter: Path | None = None) -> tuple[Any, Any]:
    from assay.models import load_local_model

    if cfg.model in ("smollm2", "toy"):
        return load_local_model(cfg.model, adapter=adapter)
    return load_local_model("hf", path=Path(cfg.model), adapter=adapter)


def _layer(cfg: EmergentConfig, model: Any) -> int:
    from assay.activations import decoder_layers

    return resolved_layer(len(decoder_layers(model)), cfg.training.lora_layers, cfg.causal.layer)


def _save(out: Path, measured: dict[str, Any], acts: np.ndarray) -> None:
    (out / "measure.json").write_text(json.dumps(measured))
    np.save(out / "acts.npy", acts)


def stage_base(cfg: EmergentConfig, loader: Any, out: Path) -> dict[str, Any]:
    """Measure the base model."""
    model, tok = loader()
    layer = _layer(cfg, model)
    measured, acts = measure_model(model, tok, layer, cfg.free_text, SAMPLING_SEED)
    _save(out, measured, acts)
    return {"layer": layer, "n_answers": len(measured["free_text"]), "seconds": measured["seconds"]}


def stage_train(cfg: EmergentConfig, loader: Any, arm: str, seed: int, out: Path) -> dict[str, Any]:
    """Train one arm with one seed (a fresh LoRA adapter), measure it, keep the adapter."""
    model, tok = loader()
    t = cfg.training
    examples = training_subset(arm, t.n_train, seed)  # type: ignore[arg-type]
    pairs = [(chat_prompt(tok, e.user), e.answer) for e in examples]
    settings = TrainSettings(
        t.epochs, t.learning_rate, t.batch_size, "lora", t.lora_rank, seed, t.lora_layers
    )
    start = time.perf_counter()
    trained = finetune(model, tok, pairs, settings, desc=f"train {arm} seed={seed}")
    train_s = time.perf_counter() - start
    try:
        measured, acts = measure_model(trained, tok, _layer(cfg, model), cfg.free_text, SAMPLING_SEED)
        trained.save_pretrained(out / "adapter")
    finally:
        trained.unload()  # the loader's model is the base model again
    _save(out, measured, acts)
    return {
        "n_train": len(pairs),
        "first_user": examples[0].user,
        "seconds": {"train": round(train_s, 2), **measured["seconds"]},
    }


def model_names(cfg: EmergentConfig) -> list[str]:
    """Every measured model: the base model, then each arm's seeds."""
    return [BASE] + [model_key(a, s) for a in cfg.arms for s in cfg.seeds]


def read_measure(out: Path, name: str) -> dict[str, Any]:
    """The stored measurements of model ``name``."""
    data: dict[str, Any] = json.loads((out / "stages" / name / "measure.json").read_text())
    return data


def stage_judge(cfg: EmergentConfig, out: Path, stage_dir: Path) -> dict[str, Any]:
    """Judge every model's free-text answers with every judge configuration; store the verdicts."""
    names = model_names(cfg)
    answers = {n: read_measure(out, n)["free_text"] for n in names}
    items = [(r["question"], r["answer"]) for n in names for r in answers[n]]
    verdicts: dict[str, dict[str, list[Any]]] = {n: {} for n in names}
    errors: dict[str, int] = {}
    for spec in cfg.judges:
        flat = judge_answers(spec, items)
        errors[spec.key] = sum(1 for v in flat for c in v.values() if c.error)
        pos = 0
        for n in names:
            chunk = flat[pos : pos + len(answers[n])]
            verdicts[n][spec.key] = [{c: v.model_dump() for c, v in row.items()} for row in chunk]
            pos += len(answers[n])
    (stage_dir / "verdicts.json").write_text(json.dumps(verdicts))
    return {"judges": [j.key for j in cfg.judges], "n_items": len(items), "judge_errors": errors}


def stage_direction(cfg: EmergentConfig, out: Path, layer: int, stage_dir: Path) -> dict[str, Any]:
    """Declare the direction (written to ``declaration.json`` before any intervention runs)."""
    harm = [np.load(out / "stages" / model_key("harmful", s) / "acts.npy") for s in cfg.seeds]
    base = np.load(out / "stages" / BASE / "acts.npy")
    declared = declare(harm, base, layer)
    others = {}
    u = np.asarray(declared["vector"])
    for arm in cfg.arms:
        if arm == "harmful":
            continue
        v = np.mean([np.load(out / "stages" / model_key(arm, s) / "acts.npy").mean(0) for s in cfg.seeds], 0)
        v = v - base.mean(axis=0)
        cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-12))
        others[arm] = {"norm": float(np.linalg.norm(v)), "cosine_with_harmful": cos}
    declared["other_arms"] = others
    (stage_dir / "declaration.json").write_text(json.dumps(declared))
    return {k: v for k, v in declared.items() if k != "vector"}


def stage_causal(cfg: EmergentConfig, out: Path, stage_dir: Path) -> dict[str, Any]:
    """Ablate the declared direction in the first harmful model and add it to the base; random baselines."""
    declared = json.loads((out / "stages" / "direction" / "declaration.json").read_text())
    c = cfg.causal
    first = out / "stages" / model_key("harmful", cfg.seeds[0]) / "adapter"
    result: dict[str, Any] = {}
    for kind, adapter in (("ablate", first), ("add", None)):
        model, tok = _load(cfg, adapter)
        cs = CausalSet(tok, c.n_items, c.n_capability)
        result[kind] = run_intervention(model, tok, cs, declared, kind, c.n_random, seed=cfg.seeds[0])
    (stage_dir / "causal.json").write_text(json.dumps(result))
    return {k: {kk: v[kk] for kk in ("before", "target", "norm", "layer")} for k, v in result.items()}


def run_emergent_study(cfg: EmergentConfig, out: Path) -> dict[str, Any]:
    """Run (or resume) every stage in ``out``; return the stage results, timings and skipped stages."""
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(yaml.safe_dump(cfg.model_dump(), sort_keys=False))
    st = Stages(out)
    cache: list[tuple[Any, Any]] = []

    def loader() -> tuple[Any, Any]:  # one copy of the base model for every stage of this process
        if not cache:
            cache.append(_load(cfg))
        return cache[0]

    measure_key = f"{cfg.digest('model', 'free_text', 'causal')}-{STAGE_VERSION}"
    res: dict[str, Any] = {"base": st.run(BASE, measure_key, partial(stage_base, cfg, loader))}
    train_key = f"{measure_key}-{cfg.digest('training')}"
    for arm in cfg.arms:
        for seed in cfg.seeds:
            name = model_key(arm, seed)
            res[name] = st.run(name, train_key, partial(stage_train, cfg, loader, arm, seed))
    everything = f"{train_key}-{cfg.digest('arms', 'seeds')}"
    judge_key = f"{everything}-{cfg.digest('judges')}"
    res["judge"] = st.run("judge", judge_key, partial(stage_judge, cfg, out))
    layer = int(res["base"]["layer"])
    res["direction"] = st.run("direction", everything, partial(stage_direction, cfg, out, layer))
    causal_key = f"{everything}-{cfg.digest('causal')}-c2"
    res["causal"] = st.run("causal", causal_key, partial(stage_causal, cfg, out))
    return {"stages": res, "timings": st.timings, "skipped": st.skipped}
