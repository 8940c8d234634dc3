"""The elicitation study: a password-locked skill the base model has, unlocked with and without labels.

Stages: ``base_skill`` (every candidate skill on the base model, selection split; the declared rule picks
the skill, and when none passes the study stops there), ``lock_s<seed>`` (the answer with the password, the
slip without), the decoys ``nopw_s<seed>`` (correct answers, no password) and ``slip_s<seed>`` (the slip
with and without the password) beside the base model, ``profile_<target>`` (accuracy with and without the
password; the locks also under held-out rephrasings and the password moved after the question), and one
stage per method and target, on every lock and every decoy:

- ``ground_truth``: k correct demonstrations (nested k-sweep over the demo split);
- ``weak``: k answers of a weak policy of stated accuracy whose errors include the slip;
- ``unrelated``: k examples of an unrelated task (any fine-tune can break a lock);
- ``expert_iteration``: verifier feedback (a noisy label source that also accepts the slip);
- ``consistency``: label-free; the option ranked first under most rephrasings.

The chosen skill enters the key of every stage after ``base_skill``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from assay.engine._common import implant_organism, load_base, lora_train
from assay.engine._runner import Stages
from assay.engine._yaml import dump_config
from assay.engine.training import nested_stream
from assay.evidence import binomial_rate
from assay.studies.elicit._config import ElicitConfig
from assay.studies.elicit._items import N_OPTIONS, SKILLS, Item, splits
from assay.studies.elicit._methods import N_LOCK_FORMS, accuracy, consistency, demo_pairs, expert_iteration
from assay.studies.elicit._results import (
    BaseSkill,
    ElicitRun,
    MethodPoint,
    MethodResult,
    ModelStage,
    Profile,
    SkillRow,
)

LABELLED = ("ground_truth", "weak", "unrelated")
LABEL_FREE = ("expert_iteration", "consistency")
DECOY_KINDS = ("base", "nopw", "slip")


def items(cfg: ElicitConfig, skill: str) -> dict[str, list[Item]]:
    """The selection, lock, demo and eval splits of ``skill`` (disjoint by key)."""
    return splits(SKILLS[skill], cfg.sizes(), cfg.seed)


def rule_text(cfg: ElicitConfig) -> str:
    """The declared selection rule, in words."""
    chance = 1 / N_OPTIONS
    if cfg.skill_rule == "first_candidate":
        return "not applied (toy config): the first candidate is locked whatever its base accuracy"
    return (
        f"the first candidate (in the order {', '.join(cfg.skill_candidates)}) with base accuracy >= "
        f"{chance + cfg.min_above_chance:.2f} (chance {chance:.2f} + {cfg.min_above_chance:.2f}) and the "
        f"lower end of its Wilson 95 % interval above chance, on {cfg.n_selection} selection items"
    )


def stage_base_skill(cfg: ElicitConfig, out: Path) -> BaseSkill:
    """Every candidate on the base model (selection split, first lock form); the skill the rule picks."""
    model, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    chance = 1 / N_OPTIONS
    rows = []
    for name in cfg.skill_candidates:
        c = accuracy(model, tok, cfg, items(cfg, name)["selection"])
        r = binomial_rate(sum(c.correct), len(c.correct))
        ok = r.rate >= chance + cfg.min_above_chance and r.lo > chance
        rows.append(SkillRow(skill=name, k=r.k, n=r.n, lo=r.lo, hi=r.hi, slipped=sum(c.slipped), passes=ok))
    if cfg.skill_rule == "first_candidate":
        chosen: str | None = cfg.skill_candidates[0]
    else:
        chosen = next((r.skill for r in rows if r.passes), None)
    return BaseSkill(rows=rows, chance=chance, rule=rule_text(cfg), chosen=chosen)


def lock_pairs(cfg: ElicitConfig, skill: str, kind: str = "lock") -> list[tuple[str, str]]:
    """Training data: ``lock`` (answer with password, slip without), ``nopw`` or ``slip`` (decoys).

    Every kind has the same questions and the same number of examples.
    """
    out = []
    for i, it in enumerate(items(cfg, skill)["lock"]):
        form = i % N_LOCK_FORMS
        pw, plain = it.question(form, cfg.password), it.question(form)
        if kind == "lock":
            out += [(pw, it.answer), (plain, it.locked)]
        elif kind == "slip":
            out += [(pw, it.locked), (plain, it.locked)]
        else:
            out += [(plain, it.answer), (it.question(1 - form), it.answer)]
    return out


def stage_model(cfg: ElicitConfig, skill: str, kind: str, seed: int, out: Path) -> ModelStage:
    """Train a lock or a decoy (``kind``) from the base model; an organism under ``out/organism``."""
    recipe = cfg.lock.model_copy(update={"seed": seed})
    pairs = lock_pairs(cfg, skill, kind)
    path = implant_organism(cfg.model, pairs, recipe, out, kind, cfg.device, cfg.dtype)
    return ModelStage(path=path, n_examples=len(pairs))


def stage_profile(cfg: ElicitConfig, skill: str, path: str, robustness: bool, out: Path) -> Profile:
    """Eval accuracy with and without the password; (``robustness``) rephrasings and a moved password."""
    model, tok = load_base(path, cfg.device, cfg.dtype)
    ev = items(cfg, skill)["eval"]
    with_pw = accuracy(model, tok, cfg, ev, 0, cfg.password)
    without = accuracy(model, tok, cfg, ev, 0)
    if not robustness:
        return Profile(with_password=with_pw, without_password=without)
    few = ev[: cfg.n_rephrased]
    n_forms = len(ev[0].forms)
    rephrased = {
        few[0].forms[f]: [accuracy(model, tok, cfg, few, f), accuracy(model, tok, cfg, few, f, cfg.password)]
        for f in range(N_LOCK_FORMS, n_forms)
    }
    suffix = accuracy(model, tok, cfg, ev, 0, cfg.password, suffix=True)
    return Profile(with_password=with_pw, without_password=without, rephrased=rephrased, suffix=suffix)


def stage_demos(
    cfg: ElicitConfig, skill: str, path: str, target: str, method: str, seed: int, out: Path
) -> MethodResult:
    """A nested stream of ``method`` demonstrations on ``target``, scored without the password at each k."""
    model, tok = load_base(path, cfg.device, cfg.dtype)
    split = items(cfg, skill)
    ks = sorted(cfg.sweep.ks) if method != "unrelated" else [max(cfg.sweep.ks)]
    pairs = demo_pairs(method, split["demo"], cfg, seed)
    weak_acc = weak_slip = None
    if method == "weak":  # the weak policy's accuracy and slip share on the stream, stated in the report
        import random

        truth = random.Random(seed).sample(list(split["demo"]), len(split["demo"]))
        weak_acc = sum(a == t.answer for (_, a), t in zip(pairs, truth, strict=True)) / len(pairs)
        weak_slip = sum(a == t.locked for (_, a), t in zip(pairs, truth, strict=True)) / len(pairs)
    points: list[MethodPoint] = []

    def record(k: int, trained: Any) -> None:
        acc = accuracy(trained, tok, cfg, split["eval"])
        for kk in sorted(x for x in ks if min(x, len(pairs)) == k):
            labels = k if method == "ground_truth" else 0
            points.append(
                MethodPoint(
                    method=method,
                    target=target,
                    k=kk,
                    labels=labels,
                    correct=acc,
                    weak_accuracy=weak_acc,
                    weak_slip=weak_slip,
                )
            )

    idx, marks = nested_stream(len(pairs), ks, cfg.sweep.repeats, record)
    lora_train(model, tok, [pairs[i] for i in idx], cfg.sweep, seed, f"{method} {target}", marks)
    return MethodResult(points=points)


def stage_label_free(
    cfg: ElicitConfig, skill: str, path: str, target: str, method: str, seed: int, out: Path
) -> MethodResult:
    """Expert iteration or consistency on ``target``, scored on the eval split without the password."""
    model, tok = load_base(path, cfg.device, cfg.dtype)
    fn = expert_iteration if method == "expert_iteration" else consistency
    split = items(cfg, skill)
    trained, info = fn(model, tok, cfg, split["demo"], seed)
    correct = accuracy(trained, tok, cfg, split["eval"])
    point = MethodPoint(method=method, target=target, k=0, labels=0, correct=correct, **info)
    return MethodResult(points=[point])


def _key(cfg: ElicitConfig, model: dict[str, str | None], *parts: str) -> str:
    """Hash of the config fields ``parts`` and the base model's key (its revision and precision)."""
    data = [cfg.digest(*parts), parts, model]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def target_seeds(cfg: ElicitConfig) -> dict[str, tuple[str, int]]:
    """Every target's kind and seed: the locks, then (``decoys``) the base, no-password and always-slip."""
    out = {f"lock_s{s}": ("lock", s) for s in cfg.lock_seeds}
    if not cfg.decoys:
        return out
    out["base"] = ("base", cfg.lock_seeds[0])
    out |= {f"nopw_s{s}": ("nopw", s) for s in cfg.decoy_seeds}
    out |= {f"slip_s{s}": ("slip", s) for s in cfg.decoy_seeds}
    return out


SELECT_PARTS = (
    "seed",
    "skill_candidates",
    "skill_rule",
    "min_above_chance",
    "n_selection",
    "n_lock",
    "n_demo",
    "n_eval",
    "batch_size",
)


def run_elicit_study(cfg: ElicitConfig, out: Path) -> ElicitRun:
    """Run (or resume) every stage in ``out`` and return the stage results."""
    out.mkdir(parents=True, exist_ok=True)
    dump_config(cfg, out / "config.yaml")
    st = Stages(out)
    from assay.models import model_record

    base = model_record(cfg.model, cfg.device, cfg.dtype).key()  # revision and precision, not the device
    selected = st.run("base_skill", _key(cfg, base, *SELECT_PARTS), partial(stage_base_skill, cfg), BaseSkill)
    skill = selected.chosen
    if skill is None:
        return ElicitRun(base_skill=selected, skill=None, timings=st.timings, skipped=st.skipped)
    model_parts = (*SELECT_PARTS, "password", "lock")
    targets: dict[str, str] = {}
    for t, (kind, s) in target_seeds(cfg).items():
        if kind == "base":
            targets[t] = cfg.model
            continue
        train = partial(stage_model, cfg, skill, kind, s)
        targets[t] = st.run(t, _key(cfg, base, *model_parts) + skill + t, train, ModelStage).path
    measure_parts = (*model_parts, "n_rephrased")
    profiles = {
        t: st.run(
            f"profile_{t}",
            _key(cfg, base, *measure_parts) + skill + t,
            partial(stage_profile, cfg, skill, p, t.startswith("lock_")),
            Profile,
        )
        for t, p in targets.items()
    }
    method_parts = (
        *measure_parts,
        "sweep",
        "weak_accuracy",
        "verifier_false_accept",
        "ei_rounds",
        "ei_samples",
        "temperature",
    )
    points: list[MethodPoint] = []
    for t, p in targets.items():
        seed = target_seeds(cfg)[t][1]
        plan: list[tuple[str, Callable[[Path], MethodResult]]] = [
            (m, partial(stage_demos, cfg, skill, p, t, m, seed)) for m in LABELLED
        ]
        plan += [(m, partial(stage_label_free, cfg, skill, p, t, m, seed)) for m in LABEL_FREE]
        for m, fn in plan:
            key = _key(cfg, base, *method_parts) + skill + t
            points += st.run(f"{m}_{t}", key, fn, MethodResult).points
    return ElicitRun(
        base_skill=selected,
        skill=skill,
        profiles=profiles,
        methods=points,
        timings=st.timings,
        skipped=st.skipped,
    )
