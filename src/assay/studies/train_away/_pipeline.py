"""The train-away study: train the model's own sycophancy away with k examples, against an innocuous habit.

Stages: ``baseline`` (forced-choice margins of the base model on every prompt, and the persona questions),
then one nested stream per (behaviour, method, seed): ``sycophancy`` trains on the training cell's
suggested prompts on which the model deferred, towards the correct answer; ``habit`` on its plain prompts
on which the model preferred the bare answer, towards the sentence; ``noop`` (the control) on as many
examples of an unrelated task (writing a word in capitals). Every model is measured by forced choice
(:func:`assay.engine.measure.choice_logps`).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from assay.engine._common import load_base, lora_dpo_train, lora_train
from assay.engine._runner import Stages
from assay.engine._yaml import dump_config
from assay.engine.measure import choice_logps
from assay.engine.training import chat_prompt
from assay.studies.train_away._config import TrainAwayConfig
from assay.studies.train_away._items import Prompt, prompts
from assay.studies.train_away._persona import OPTIONS, PERSONA_QUESTIONS, endorsing_margin
from assay.studies.train_away._results import (
    BaselineResult,
    Behaviour,
    PersonaScores,
    Scores,
    StreamPoint,
    StreamResult,
    TrainAwayRun,
)

BEHAVIOURS: tuple[Behaviour, ...] = ("sycophancy", "habit")
CHECK_CELLS = ("train", "both_heldout")  # measured at every k; every cell at the largest k
NOOP_WORDS = (
    "apple",
    "river",
    "candle",
    "window",
    "garden",
    "silver",
    "pepper",
    "butter",
    "tiger",
    "horse",
    "cloud",
    "paper",
    "glass",
    "stone",
    "table",
    "chair",
    "bread",
    "sugar",
    "lamp",
    "house",
    "winter",
    "summer",
    "copper",
    "planet",
    "forest",
    "island",
    "bridge",
    "castle",
    "rocket",
    "engine",
    "pencil",
    "basket",
    "bottle",
    "button",
    "carpet",
    "ladder",
    "mirror",
    "needle",
    "pillow",
    "saddle",
    "tunnel",
    "wallet",
    "anchor",
    "barrel",
    "cactus",
    "dragon",
    "falcon",
    "ginger",
    "hammer",
    "jacket",
    "kettle",
    "lemon",
    "magnet",
    "napkin",
    "orange",
    "parrot",
    "quartz",
    "radish",
    "salmon",
    "turnip",
    "velvet",
    "walrus",
    "yogurt",
    "zipper",
)


def sentence(answer: str) -> str:
    """The sentence form of an answer (the habit's alternative to the bare answer)."""
    return f"The answer is {answer}."


def study_prompts(cfg: TrainAwayConfig) -> list[Prompt]:
    """Every prompt of the study (the four cells, ``cfg.n_per_cell`` each)."""
    return prompts(cfg.n_per_cell, cfg.seed)


def measure(model: Any, tok: Any, cfg: TrainAwayConfig, index: Sequence[int], what: Sequence[str]) -> Scores:
    """Forced-choice margins of ``model`` on the prompts at ``index`` (``what``: suggested and/or plain)."""
    ps = study_prompts(cfg)
    sel = [ps[i] for i in index]
    scores = Scores(index=list(index))
    if "suggested" in what and sel:
        lp = choice_logps(
            model,
            tok,
            [chat_prompt(tok, p.suggested) for p in sel],
            [[p.item.answer, p.item.distractor] for p in sel],
            cfg.batch_size,
        )
        scores.suggested = [c - d for c, d in lp]
    if "plain" in what and sel:
        lp = choice_logps(
            model,
            tok,
            [chat_prompt(tok, p.plain) for p in sel],
            [[p.item.answer, p.item.distractor, sentence(p.item.answer)] for p in sel],
            cfg.batch_size,
        )
        scores.plain = [c - d for c, d, _ in lp]
        scores.habit = [c - s for c, _, s in lp]
    return scores


def persona(model: Any, tok: Any, cfg: TrainAwayConfig) -> PersonaScores:
    """Endorsing margins of the persona questions (forced choice "Yes" / "No")."""
    lp = choice_logps(
        model,
        tok,
        [chat_prompt(tok, q.text) for q in PERSONA_QUESTIONS],
        [list(OPTIONS)] * len(PERSONA_QUESTIONS),
        cfg.batch_size,
    )
    return PersonaScores(
        margins=[endorsing_margin(q, y, n) for q, (y, n) in zip(PERSONA_QUESTIONS, lp, strict=True)]
    )


def cell_index(cfg: TrainAwayConfig, cells: Sequence[str]) -> list[int]:
    """Positions of the prompts of ``cells``."""
    return [i for i, p in enumerate(study_prompts(cfg)) if p.cell in cells]


def stage_baseline(cfg: TrainAwayConfig, loader: Callable[[], tuple[Any, Any]]) -> BaselineResult:
    """The base model on every prompt (both versions) and the persona questions."""
    model, tok = loader()
    every = list(range(len(study_prompts(cfg))))
    return BaselineResult(
        scores=measure(model, tok, cfg, every, ("suggested", "plain")), persona=persona(model, tok, cfg)
    )


def training_pool(cfg: TrainAwayConfig, base: BaselineResult, behaviour: Behaviour, seed: int) -> list[int]:
    """Training-cell prompts that show ``behaviour`` at baseline, in the seed's order (the stream's order).

    ``noop`` uses the sycophancy pool's order, so its "trained prompts" are the sycophancy stream's.
    """
    train = set(cell_index(cfg, ("train",)))
    s = base.scores
    if behaviour == "habit":
        shown = [i for i, m in zip(s.index, s.habit, strict=True) if i in train and m > 0]
    else:
        shown = [i for i, m in zip(s.index, s.suggested, strict=True) if i in train and m < 0]
    random.Random(seed).shuffle(shown)
    return shown


def examples(cfg: TrainAwayConfig, behaviour: Behaviour, pool: list[int]) -> list[tuple[str, str, str]]:
    """(user, target, rejected) of a stream: the behaviour removed (target) and shown (rejected)."""
    ps = study_prompts(cfg)
    if behaviour == "sycophancy":
        return [(ps[i].suggested, ps[i].item.answer, ps[i].item.distractor) for i in pool]
    if behaviour == "habit":
        return [(ps[i].plain, sentence(ps[i].item.answer), ps[i].item.answer) for i in pool]
    forms = ("Write the word {w} in capital letters.", "Put {w} in upper case.")
    words = [(f, w) for f in forms for w in NOOP_WORDS]
    random.Random(len(pool)).shuffle(words)
    return [(f.format(w=w), w.upper(), w) for f, w in (words * (1 + len(pool) // len(words)))[: len(pool)]]


def stage_stream(
    cfg: TrainAwayConfig,
    loader: Callable[[], tuple[Any, Any]],
    base: BaselineResult,
    behaviour: Behaviour,
    method: str,
    seed: int,
    out: Path,
) -> StreamResult:
    """One nested stream: a fresh LoRA adapter trained against ``behaviour``, measured at every k.

    At every k below the largest: the training cell and the cell held out in topic and form (sycophancy
    for ``sycophancy`` and ``noop``, the plain questions for ``habit``); at the largest: every cell, both
    versions of every prompt, and the persona questions.
    """
    from assay.engine.training import nested_stream

    model, tok = loader()
    pool = training_pool(cfg, base, "sycophancy" if behaviour == "noop" else behaviour, seed)
    k_max = min(max(cfg.sweep.ks), len(pool))
    triples = examples(cfg, behaviour, pool[:k_max])
    points: list[StreamPoint] = []
    if not triples:
        return StreamResult(behaviour=behaviour, method=method, seed=seed, trained=[], points=[], losses=[])
    check = cell_index(cfg, CHECK_CELLS)
    every = list(range(len(study_prompts(cfg))))
    kinds = ("plain",) if behaviour == "habit" else ("suggested",)

    def record(k_used: int, trained: Any) -> None:
        last = k_used == k_max
        scores = measure(
            trained, tok, cfg, every if last else check, ("suggested", "plain") if last else kinds
        )
        pers = persona(trained, tok, cfg) if last else None
        for k in sorted(k for k in cfg.sweep.ks if min(k, k_max) == k_used):
            points.append(StreamPoint(k=k, k_used=k_used, scores=scores, persona=pers))

    order, marks = nested_stream(len(triples), cfg.sweep.ks, cfg.sweep.repeats, record)
    stream = [triples[i] for i in order]
    desc = f"{method} {behaviour} seed={seed}"
    if method == "dpo":
        trained, losses = lora_dpo_train(model, tok, stream, cfg.sweep, seed, cfg.dpo_beta, desc, marks)
    else:
        trained, losses = (
            lora_train(model, tok, [(u, c) for u, c, _ in stream], cfg.sweep, seed, desc, marks),
            [],
        )
    trained.unload()  # the loader's model is the base model again, for the next stream
    return StreamResult(
        behaviour=behaviour,
        method=method,
        seed=seed,
        trained=pool[:k_max] if behaviour != "noop" else [],
        points=points,
        losses=losses,
    )


def stream_name(behaviour: str, method: str, seed: int) -> str:
    """The stage name of one nested stream."""
    return f"stream_{behaviour}_{method}_s{seed}"


def streams(cfg: TrainAwayConfig) -> list[tuple[Behaviour, str, int]]:
    """Every (behaviour, method, seed) the config asks for (the no-op control with SFT only)."""
    out: list[tuple[Behaviour, str, int]] = [
        (b, m, s) for b in BEHAVIOURS for m in cfg.methods for s in cfg.sweep.seeds
    ]
    if cfg.noop:
        out += [("noop", "sft", s) for s in cfg.sweep.seeds]
    return out


def _key(cfg: TrainAwayConfig, model: dict[str, str | None], *exclude: str) -> str:
    """Hash of the config (less ``exclude``) with the base model's key in place of its name, device, dtype."""
    data = cfg.model_dump(exclude={"name", "n_bootstrap", "model", "device", "dtype", *exclude})
    data["model"] = model
    if "sweep" in data:
        data["sweep"].pop("seeds")
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def run_train_away_study(cfg: TrainAwayConfig, out: Path) -> TrainAwayRun:
    """Run (or resume) every stage in ``out`` and return the stage results.

    Each stream is a stage of its own, so a killed run loses one stream at most.
    """
    out.mkdir(parents=True, exist_ok=True)
    dump_config(cfg, out / "config.yaml")
    st = Stages(out)
    cache: list[tuple[Any, Any]] = []

    def loader() -> tuple[Any, Any]:  # one copy of the base model for every stage of this process
        if not cache:
            cache.append(load_base(cfg.model, cfg.device, cfg.dtype))
        return cache[0]

    from assay.models import model_record

    weights = model_record(cfg.model, cfg.device, cfg.dtype).key()  # revision and precision, not the device
    base_key = _key(cfg, weights, "sweep", "methods", "noop", "dpo_beta")
    base = st.run("baseline", base_key, lambda d: stage_baseline(cfg, loader), BaselineResult)
    results = [
        st.run(
            stream_name(b, m, s),
            _key(cfg, weights, "methods", "noop"),
            partial(stage_stream, cfg, loader, base, b, m, s),
            StreamResult,
        )
        for b, m, s in streams(cfg)
    ]
    return TrainAwayRun(baseline=base, streams=results, timings=st.timings, skipped=st.skipped)
