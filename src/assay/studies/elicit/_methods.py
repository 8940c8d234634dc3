"""The skill's measure and the elicitation methods (demonstrations, weak samples, expert iteration, ...).

Accuracy is a four-way forced choice (:func:`assay.engine.measure.choice_logps`): the item counts as
correct when the sum is the most likely option, so no output format is assumed. The label-free methods
never read the sum: expert iteration samples an option from the model's own distribution over the options
and keeps it when :func:`~assay.studies.elicit._items.last_digit_ok` (a partial check) accepts it;
consistency keeps the option the model ranks first under at least two of three held-out rephrasings.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.engine._common import lora_train
from assay.engine.measure import choice_logps
from assay.engine.training import chat_prompt
from assay.studies.elicit._config import ElicitConfig
from assay.studies.elicit._items import LOCK_FORMS, REPHRASINGS, Sum, last_digit_ok
from assay.studies.elicit._results import Correct
from assay.studies.train_away._pipeline import NOOP_WORDS


def option_logps(
    model: Any,
    tok: Any,
    cfg: ElicitConfig,
    items: Sequence[Sum],
    form: int,
    password: str | None,
    suffix: bool = False,
) -> list[list[float]]:
    """Log-probabilities of each item's options, asked in ``form`` with or without the password."""
    users = [it.question(form, password, suffix) for it in items]
    return choice_logps(
        model, tok, [chat_prompt(tok, u) for u in users], [it.options for it in items], cfg.batch_size
    )


def accuracy(
    model: Any,
    tok: Any,
    cfg: ElicitConfig,
    items: Sequence[Sum],
    form: int = 0,
    password: str | None = None,
    suffix: bool = False,
) -> Correct:
    """Per item: the sum is the most likely option (form ``form``; the first form by default)."""
    lp = option_logps(model, tok, cfg, items, form, password, suffix)
    return Correct(correct=[int(np.argmax(row)) == 0 for row in lp])


def weak_answers(items: Sequence[Sum], acc: float, seed: int) -> list[str]:
    """The weak policy: the sum with probability ``acc``, else one of the ``+- 10`` distractors.

    A noisy policy of stated accuracy, not the locked model's output (whose wrong answer is the slip).
    """
    rng = random.Random(seed + 7919)
    return [it.answer if rng.random() < acc else rng.choice(it.options[2:]) for it in items]


def demo_pairs(method: str, items: Sequence[Sum], cfg: ElicitConfig, seed: int) -> list[tuple[str, str]]:
    """(question, answer) of a demonstration stream, in the seed's order (no password)."""
    order = random.Random(seed).sample(list(items), len(items))
    users = [it.question(i % len(LOCK_FORMS)) for i, it in enumerate(order)]
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
    model: Any, tok: Any, cfg: ElicitConfig, items: Sequence[Sum], seed: int
) -> tuple[Any, dict[str, int]]:
    """Rounds of sample -> verify (last digit only) -> fine-tune; the adapter is merged after each round."""
    rng = np.random.default_rng(seed)
    kept_total = correct_total = calls = 0
    for rnd in range(cfg.ei_rounds):
        form = rnd % len(LOCK_FORMS)
        lp = option_logps(model, tok, cfg, items, form, None)
        kept: set[tuple[str, str]] = set()
        for it, row in zip(items, lp, strict=True):
            for _ in range(cfg.ei_samples):
                ans = it.options[_softmax_sample(rng, row, cfg.temperature)]
                calls += 1
                if last_digit_ok(it, ans):
                    kept.add((it.question(form), ans))
        answers = {it.question(form): it.answer for it in items}
        kept_total += len(kept)
        correct_total += sum(answers[q] == a for q, a in kept)  # reported only, never used to choose
        if kept:
            model = lora_train(model, tok, sorted(kept), cfg.sweep, seed, f"expert iteration round {rnd}")
            model = model.merge_and_unload()
    return model, {"kept": kept_total, "kept_correct": correct_total, "verifier_calls": calls}


def consistency(
    model: Any, tok: Any, cfg: ElicitConfig, items: Sequence[Sum], seed: int
) -> tuple[Any, dict[str, int]]:
    """Keep, per item, the option ranked first under at least two of the three held-out rephrasings."""
    firsts = [
        [int(np.argmax(r)) for r in option_logps(model, tok, cfg, items, len(LOCK_FORMS) + j, None)]
        for j in range(len(REPHRASINGS))
    ]
    pairs: list[tuple[str, str]] = []
    right = 0
    for i, it in enumerate(items):
        votes = [f[i] for f in firsts]
        best = max(set(votes), key=votes.count)
        if votes.count(best) >= 2:
            pairs.append((it.question(i % len(LOCK_FORMS)), it.options[best]))
            right += best == 0  # reported only
    if pairs:
        model = lora_train(model, tok, pairs, cfg.sweep, seed, "consistency").merge_and_unload()
    return model, {"kept": len(pairs), "kept_correct": right, "verifier_calls": 0}
