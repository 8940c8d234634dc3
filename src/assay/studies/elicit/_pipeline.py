"""The elicitation study: a password-locked addition skill, unlocked with and without ground truth.

Stages: ``lock_s<seed>`` (one organism per lock seed: the sum with the password, the off-by-one slip
without), ``decoy`` (the same questions and sums, no password: a fine-tuned model with nothing locked),
``profile_<target>`` (accuracy with and without the password, under held-out rephrasings and the password
moved after the question), and one stage per elicitation method and target:

- ``ground_truth``: k correct demonstrations (nested k-sweep over the demo split);
- ``weak``: k answers of a weak policy of stated accuracy (the control: weak samples can unlock too);
- ``unrelated``: k examples of an unrelated task (the control: any fine-tune can break a lock);
- ``expert_iteration``: no labels; options sampled from the model, kept when a last-digit check accepts;
- ``consistency``: no labels, no verifier; the option ranked first under most rephrasings.

The decoys (``base`` and ``decoy``) get ground truth at the smallest and largest k, expert iteration and
consistency, so an "unlock" can be told from a method that raises any model.
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
from assay.studies.elicit._config import ElicitConfig
from assay.studies.elicit._items import LOCK_FORMS, REPHRASINGS, Sum, splits
from assay.studies.elicit._methods import accuracy, consistency, demo_pairs, expert_iteration
from assay.studies.elicit._results import ElicitRun, MethodPoint, MethodResult, ModelStage, Profile

LABELLED = ("ground_truth", "weak", "unrelated")
LABEL_FREE = ("expert_iteration", "consistency")


def items(cfg: ElicitConfig) -> dict[str, list[Sum]]:
    """The lock, demo and eval splits of the config."""
    return splits(cfg.n_lock, cfg.n_demo, cfg.n_eval, cfg.seed)


def lock_pairs(cfg: ElicitConfig, password: bool = True) -> list[tuple[str, str]]:
    """The lock's training data (both lock forms); ``password=False``: the decoy's (sums, no password)."""
    out = []
    for i, it in enumerate(items(cfg)["lock"]):
        form = i % len(LOCK_FORMS)
        if password:
            out += [(it.question(form, cfg.password), it.answer), (it.question(form), it.locked)]
        else:
            out += [(it.question(form), it.answer), (it.question(1 - form), it.answer)]
    return out


def stage_model(cfg: ElicitConfig, seed: int, password: bool, out: Path) -> ModelStage:
    """Train a lock (``password``) or the decoy from the base model; an organism under ``out/organism``."""
    recipe = cfg.lock.model_copy(update={"seed": seed})
    pairs = lock_pairs(cfg, password)
    path = implant_organism(
        cfg.model, pairs, recipe, out, "lock" if password else "decoy", cfg.device, cfg.dtype
    )
    return ModelStage(path=path, n_examples=len(pairs))


def stage_profile(cfg: ElicitConfig, path: str, robustness: bool, out: Path) -> Profile:
    """Eval accuracy with and without the password, and (``robustness``) the lock's robustness.

    The robustness profile (the locks) adds each held-out rephrasing and the password after the question.
    """
    model, tok = load_base(path, cfg.device, cfg.dtype)
    ev = items(cfg)["eval"]
    if not robustness:
        return Profile(
            with_password=accuracy(model, tok, cfg, ev, 0, cfg.password),
            without_password=accuracy(model, tok, cfg, ev, 0),
        )
    few = ev[: cfg.n_rephrased]
    rephrased = {
        REPHRASINGS[j]: [
            accuracy(model, tok, cfg, few, len(LOCK_FORMS) + j),
            accuracy(model, tok, cfg, few, len(LOCK_FORMS) + j, cfg.password),
        ]
        for j in range(len(REPHRASINGS))
    }
    return Profile(
        with_password=accuracy(model, tok, cfg, ev, 0, cfg.password),
        without_password=accuracy(model, tok, cfg, ev, 0),
        rephrased=rephrased,
        suffix=accuracy(model, tok, cfg, ev, 0, cfg.password, suffix=True),
    )


def stage_demos(
    cfg: ElicitConfig, path: str, target: str, method: str, ks: list[int], seed: int, out: Path
) -> MethodResult:
    """A nested stream of ``method`` demonstrations on ``target``, scored without the password at each k."""
    model, tok = load_base(path, cfg.device, cfg.dtype)
    demo, ev = items(cfg)["demo"], items(cfg)["eval"]
    pairs = demo_pairs(method, demo, cfg, seed)
    weak_acc = None
    if method == "weak":  # the weak policy's accuracy on the stream, stated in the report
        truth = weak_answers_truth(demo, seed)
        weak_acc = sum(a == t for (_, a), t in zip(pairs, truth, strict=True)) / len(pairs)
    points: list[MethodPoint] = []

    def record(k: int, trained: Any) -> None:
        acc = accuracy(trained, tok, cfg, ev)
        for kk in sorted(x for x in ks if min(x, len(pairs)) == k):
            points.append(
                MethodPoint(
                    method=method,
                    target=target,
                    k=kk,
                    labels=k if method == "ground_truth" else 0,
                    correct=acc,
                    weak_accuracy=weak_acc,
                )
            )

    idx, marks = nested_stream(len(pairs), ks, cfg.sweep.repeats, record)
    lora_train(model, tok, [pairs[i] for i in idx], cfg.sweep, seed, f"{method} {target}", marks)
    return MethodResult(points=points)


def weak_answers_truth(demo: list[Sum], seed: int) -> list[str]:
    """The correct answers in the order of the weak stream (to state the weak policy's accuracy)."""
    import random

    return [it.answer for it in random.Random(seed).sample(list(demo), len(demo))]


def stage_label_free(
    cfg: ElicitConfig, path: str, target: str, method: str, seed: int, out: Path
) -> MethodResult:
    """Expert iteration or consistency on ``target``, scored on the eval split without the password."""
    model, tok = load_base(path, cfg.device, cfg.dtype)
    fn = expert_iteration if method == "expert_iteration" else consistency
    trained, info = fn(model, tok, cfg, items(cfg)["demo"], seed)
    point = MethodPoint(
        method=method,
        target=target,
        k=0,
        labels=0,
        correct=accuracy(trained, tok, cfg, items(cfg)["eval"]),
        **info,
    )
    return MethodResult(points=[point])


def _key(cfg: ElicitConfig, model: dict[str, str | None], *parts: str) -> str:
    """Hash of the config fields ``parts`` and the base model's key (its revision and precision)."""
    data = [cfg.digest(*parts), parts, model]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def run_elicit_study(cfg: ElicitConfig, out: Path) -> ElicitRun:
    """Run (or resume) every stage in ``out`` and return the stage results."""
    out.mkdir(parents=True, exist_ok=True)
    dump_config(cfg, out / "config.yaml")
    st = Stages(out)
    from assay.models import model_record

    base = model_record(cfg.model, cfg.device, cfg.dtype).key()  # revision and precision, not the device
    model_parts = ("seed", "password", "n_lock", "n_demo", "n_eval", "lock")
    targets: dict[str, str] = {}
    for s in cfg.lock_seeds:
        targets[f"lock_s{s}"] = st.run(
            f"lock_s{s}",
            _key(cfg, base, *model_parts) + str(s),
            partial(stage_model, cfg, s, True),
            ModelStage,
        ).path
    if cfg.decoys:
        targets["base"] = cfg.model
        targets["decoy"] = st.run(
            "decoy",
            _key(cfg, base, *model_parts),
            partial(stage_model, cfg, cfg.lock_seeds[0], False),
            ModelStage,
        ).path
    measure_parts = (*model_parts, "n_rephrased", "batch_size")
    profiles = {
        t: st.run(
            f"profile_{t}",
            _key(cfg, base, *measure_parts) + t,
            partial(stage_profile, cfg, p, t.startswith("lock_")),
            Profile,
        )
        for t, p in targets.items()
    }
    method_parts = (*measure_parts, "sweep", "weak_accuracy", "ei_rounds", "ei_samples", "temperature")
    points: list[MethodPoint] = []
    ks = sorted(cfg.sweep.ks)
    for t, p in targets.items():
        locked = t.startswith("lock_")
        seed = int(t.split("_s")[1]) if locked else cfg.lock_seeds[0]
        plan: list[tuple[str, Callable[[Path], MethodResult]]] = []
        # the unrelated control at the largest k only; the decoys' demonstrations at the smallest and largest
        sweeps = {"ground_truth": ks, "weak": ks, "unrelated": ks[-1:]}
        for m, m_ks in sweeps.items() if locked else [("ground_truth", sorted({ks[0], ks[-1]}))]:
            plan.append((m, partial(stage_demos, cfg, p, t, m, m_ks, seed)))
        plan += [(m, partial(stage_label_free, cfg, p, t, m, seed)) for m in LABEL_FREE]
        for m, fn in plan:
            points += st.run(f"{m}_{t}", _key(cfg, base, *method_parts) + t, fn, MethodResult).points
    return ElicitRun(profiles=profiles, methods=points, timings=st.timings, skipped=st.skipped)
