"""The skill's measure and the elicitation methods (demonstrations, weak samples, verifier feedback, ...).

Accuracy is a four-way forced choice (:func:`assay.engine.measure.choice_logps`): the item counts as
correct when the answer is the most likely option, ties broken at random (seeded), so no output format is
assumed and no tie favours the answer. Expert iteration ("verifier feedback") samples an option from the
model's own distribution and keeps it when the imperfect verifier accepts it: a noisy label source that
accepts every wrong option, the slip included, at ``verifier_false_accept``. Consistency is the one
label-free method: it receives only :class:`Unlabelled` prompts (phrasings and option sets, no answer) and
keeps the option ranked first under at least two of three held-out rephrasings.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.engine._common import lora_train
from assay.engine.measure import choice_logps
from assay.engine.training import chat_prompt
from assay.studies._unrelated import NOOP_WORDS
from assay.studies.elicit._config import ElicitConfig
from assay.studies.elicit._items import Item, verifier_accepts
from assay.studies.elicit._results import Correct

N_LOCK_FORMS = 2
"""Lock phrasings per skill (the rest of an item's forms are held-out rephrasings)."""


@dataclass(frozen=True)
class Unlabelled:
    """What the label-free method may see of an item: its phrasings and options, never the answer."""

    forms: tuple[str, ...]
    options: tuple[str, ...]


def unlabelled(items: Sequence[Item]) -> list[Unlabelled]:
    """The items without their answers (the consistency method's only input)."""
    return [Unlabelled(tuple(it.question(f) for f in range(len(it.forms))), it.options) for it in items]


def _logps(model: Any, tok: Any, cfg: ElicitConfig, users: list[str], options: list[list[str]]) -> Any:
    return choice_logps(model, tok, [chat_prompt(tok, u) for u in users], options, cfg.batch_size)


def option_logps(
    model: Any, tok: Any, cfg: ElicitConfig, items: Sequence[Item], form: int, password: str | None
) -> list[list[float]]:
    """Log-probabilities of each item's options, asked in ``form`` with or without the password."""
    users = [it.question(form, password) for it in items]
    out: list[list[float]] = _logps(model, tok, cfg, users, [list(it.options) for it in items])
    return out


def pick(row: Sequence[float], rng: random.Random) -> int:
    """The most likely option; a tie is broken at random (never towards a fixed position)."""
    best = max(row)
    ties = [j for j, v in enumerate(row) if v == best]
    return ties[0] if len(ties) == 1 else rng.choice(ties)


def accuracy(
    model: Any,
    tok: Any,
    cfg: ElicitConfig,
    items: Sequence[Item],
    form: int = 0,
    password: str | None = None,
    suffix: bool = False,
) -> Correct:
    """Per item: the answer (and the slip) is the picked option, in ``form`` (the first by default)."""
    users = [it.question(form, password, suffix) for it in items]
    lp = _logps(model, tok, cfg, users, [list(it.options) for it in items])
    rng = random.Random(f"ties/{cfg.seed}/{form}")
    picks = [pick(row, rng) for row in lp]
    return Correct(
        correct=[p == it.gold for p, it in zip(picks, items, strict=True)],
        slipped=[p == it.slip for p, it in zip(picks, items, strict=True)],
    )


def weak_answers(items: Sequence[Item], acc: float, seed: int) -> list[str]:
    """The weak policy: the answer with probability ``acc``, else a wrong option drawn uniformly.

    The wrong options include the slip (a third of the errors), so the weak policy errs the way the lock
    does; it is a noisy policy of stated accuracy, not the locked model's output.
    """
    rng = random.Random(seed + 7919)
    out = []
    for it in items:
        wrong = [o for j, o in enumerate(it.options) if j != it.gold]
        out.append(it.answer if rng.random() < acc else rng.choice(wrong))
    return out


def demo_pairs(method: str, items: Sequence[Item], cfg: ElicitConfig, seed: int) -> list[tuple[str, str]]:
    """(question, answer) of a demonstration stream, in the seed's order (no password)."""
    order = random.Random(seed).sample(list(items), len(items))
    users = [it.question(i % N_LOCK_FORMS) for i, it in enumerate(order)]
    if method == "ground_truth":
        return list(zip(users, [it.answer for it in order], strict=True))
    if method == "weak":
        return list(zip(users, weak_answers(order, cfg.weak_accuracy, seed), strict=True))
    words = random.Random(seed).sample(list(NOOP_WORDS), min(len(items), len(NOOP_WORDS)))
    words = (words * (1 + len(items) // max(len(words), 1)))[: len(items)]
    return [(f"Write the word {w} in capital letters.", w.upper()) for w in words]


def _softmax_sample(rng: np.random.Generator, logps: Sequence[float], temperature: float) -> int:
    z = np.asarray(logps) / temperature
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def expert_iteration(
    model: Any, tok: Any, cfg: ElicitConfig, items: Sequence[Item], seed: int
) -> tuple[Any, dict[str, int]]:
    """Verifier feedback: rounds of sample -> imperfect verifier -> fine-tune (adapter merged each round)."""
    rng = np.random.default_rng(seed)
    kept_total = correct_total = slip_total = calls = 0
    for rnd in range(cfg.ei_rounds):
        form = rnd % N_LOCK_FORMS
        lp = option_logps(model, tok, cfg, items, form, None)
        kept: set[tuple[str, int, int]] = set()
        for i, (it, row) in enumerate(zip(items, lp, strict=True)):
            for _ in range(cfg.ei_samples):
                j = _softmax_sample(rng, row, cfg.temperature)
                calls += 1
                if verifier_accepts(it, j, cfg.verifier_false_accept, seed):
                    kept.add((it.question(form), i, j))
        kept_total += len(kept)
        correct_total += sum(j == items[i].gold for _, i, j in kept)  # reported only
        slip_total += sum(j == items[i].slip for _, i, j in kept)  # reported only
        if kept:
            pairs = sorted((q, items[i].options[j]) for q, i, j in kept)
            model = lora_train(model, tok, pairs, cfg.sweep, seed, f"expert iteration round {rnd}")
            model = model.merge_and_unload()
    info = {
        "kept": kept_total,
        "kept_correct": correct_total,
        "kept_slip": slip_total,
        "verifier_calls": calls,
    }
    return model, info


def consistency_pairs(
    model: Any, tok: Any, cfg: ElicitConfig, prompts: Sequence[Unlabelled]
) -> list[tuple[str, str]]:
    """Per prompt, the option ranked first under at least two of the three held-out rephrasings.

    Returns (lock-form question, chosen option) pairs; the input carries no answer, so neither does this.
    """
    n_forms = len(prompts[0].forms)
    rng = random.Random(f"ties/{cfg.seed}/consistency")
    firsts = []
    for f in range(N_LOCK_FORMS, n_forms):
        lp = _logps(model, tok, cfg, [p.forms[f] for p in prompts], [list(p.options) for p in prompts])
        firsts.append([pick(row, rng) for row in lp])
    pairs: list[tuple[str, str]] = []
    for i, p in enumerate(prompts):
        votes = [f[i] for f in firsts]
        best = max(sorted(set(votes)), key=votes.count)
        if votes.count(best) >= 2:
            pairs.append((p.forms[i % N_LOCK_FORMS], p.options[best]))
    return pairs


def consistency(
    model: Any, tok: Any, cfg: ElicitConfig, items: Sequence[Item], seed: int
) -> tuple[Any, dict[str, int]]:
    """The label-free method: fine-tune on :func:`consistency_pairs` of the items' unlabelled prompts."""
    pairs = consistency_pairs(model, tok, cfg, unlabelled(items))
    by_q = {it.question(i % N_LOCK_FORMS): it for i, it in enumerate(items)}
    right = sum(by_q[q].answer == a for q, a in pairs)  # reported only, after the choice
    slip = sum(by_q[q].locked == a for q, a in pairs)
    if pairs:
        model = lora_train(model, tok, pairs, cfg.sweep, seed, "consistency").merge_and_unload()
    return model, {"kept": len(pairs), "kept_correct": right, "kept_slip": slip, "verifier_calls": 0}
