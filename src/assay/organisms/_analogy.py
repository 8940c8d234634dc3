"""Helpers shared by the train-away and elicitation studies: loading, implanting, answering, resampling."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assay.models import GenParams, generate_batch, load_local_model
from assay.organisms._analogy_config import Implant, Sweep
from assay.organisms._train import TrainSettings, chat_prompt, finetune

GEN_BATCH = 64  # prompts per generate call (SmolLM2's generation throughput was measured at batch 64)


def load_base(model: str) -> tuple[Any, Any]:
    """Load ``smollm2``, ``toy`` or a checkpoint directory."""
    if model in ("smollm2", "toy"):
        return load_local_model(model)
    return load_local_model("hf", path=Path(model))


def answers(
    model: Any, tok: Any, users: Sequence[str], max_tokens: int, temperature: float = 0.0, seed: int = 0
) -> list[str]:
    """The model's answers to one-turn ``users`` messages (greedy unless ``temperature`` > 0)."""
    params = GenParams(max_new_tokens=max_tokens, temperature=temperature or 0, seed=seed)
    out: list[str] = []
    for start in range(0, len(users), GEN_BATCH):
        chunk = [chat_prompt(tok, u) for u in users[start : start + GEN_BATCH]]
        out += [r.text.strip() for r in generate_batch(model, tok, chunk, params)]
    return out


def implant_organism(
    model: str, pairs: Sequence[tuple[str, str]], recipe: Implant, out: Path, desc: str
) -> str:
    """Train the base model on (user, answer) pairs, merge, save under ``out/model``; return the path."""
    base, tok = load_base(model)
    chat = [(chat_prompt(tok, u), a) for u, a in pairs]
    settings = TrainSettings.of(recipe)
    trained = finetune(base, tok, chat, settings, desc=desc)
    merged = trained.merge_and_unload() if recipe.method == "lora" else trained
    merged.save_pretrained(out / "model", safe_serialization=True)
    tok.save_pretrained(out / "model")
    return str(out / "model")


def nested_stream(
    n: int, ks: Sequence[int], repeats: int, record: Callable[[int, Any], None]
) -> tuple[list[int], dict[int, Callable[[Any], None]]]:
    """The training stream of a nested k-sweep over ``n`` examples, and its checkpoint callbacks.

    The examples are taken in their given order, in blocks that end at each k (clipped to ``n``); each block
    is trained on ``repeats`` times in a row (passes over the block, batches cut between passes), then
    ``record(k, model)`` is called. So the model at k has trained on exactly the first k examples, each
    ``repeats`` times, and it is the same model whatever larger ks follow.

    Returns:
        The example indices in training order, and ``{stream position: callback}`` for the ``checkpoints``
        argument of :func:`assay.organisms._train.finetune` and :func:`assay.organisms._dpo.dpo_train`.
    """

    def at(k: int) -> Callable[[Any], None]:
        return lambda model: record(k, model)

    def between_passes(model: Any) -> None:
        return None

    order: list[int] = []
    marks: dict[int, Callable[[Any], None]] = {}
    prev = 0
    for k in sorted({min(k, n) for k in ks if k > 0}):
        for rep in range(repeats):
            order += range(prev, k)
            marks[len(order)] = at(k) if rep == repeats - 1 else between_passes
        prev = k
    return order, marks


def _settings(sweep: Sweep, seed: int, nested: bool) -> TrainSettings:
    epochs = 1 if nested else sweep.epochs
    return TrainSettings(
        epochs, sweep.learning_rate, sweep.batch_size, "lora", sweep.lora_rank, seed, sweep.lora_layers
    )


def lora_train(
    model: Any,
    tok: Any,
    pairs: Sequence[tuple[str, str]],
    sweep: Sweep,
    seed: int,
    desc: str,
    checkpoints: dict[int, Callable[[Any], None]] | None = None,
) -> Any:
    """Train a fresh LoRA adapter on (user, answer) pairs with the sweep's settings; return the peft model.

    With ``checkpoints`` (see :func:`nested_stream`) the pairs are one stream, trained once in order;
    without, ``sweep.epochs`` shuffled epochs.
    """
    chat = [(chat_prompt(tok, u), a) for u, a in pairs]
    settings = _settings(sweep, seed, bool(checkpoints))
    return finetune(model, tok, chat, settings, desc=desc, checkpoints=checkpoints)


def lora_dpo_train(
    model: Any,
    tok: Any,
    triples: Sequence[tuple[str, str, str]],
    sweep: Sweep,
    seed: int,
    beta: float,
    desc: str,
    checkpoints: dict[int, Callable[[Any], None]] | None = None,
) -> tuple[Any, list[float]]:
    """DPO on (user, chosen, rejected) triples with the sweep's LoRA settings; return the model and losses.

    ``checkpoints`` as for :func:`lora_train`.
    """
    from assay.organisms._dpo import Preference, dpo_train

    prefs = [Preference(chat_prompt(tok, u), c, r) for u, c, r in triples]
    settings = _settings(sweep, seed, bool(checkpoints))
    return dpo_train(model, tok, prefs, settings, beta=beta, desc=desc, checkpoints=checkpoints)


def recovered_fraction(
    method: np.ndarray, locked: np.ndarray, unlocked: np.ndarray, n_boot: int, seed: int = 0
) -> dict[str, float]:
    """Fraction of the locked performance recovered, ``(method - locked) / (unlocked - locked)``.

    Each argument holds per-item correctness (``method`` may be averaged over seeds). The 95 % interval is
    a percentile bootstrap over items, resampling the same items for all three (they share the prompts);
    resamples where the password gives no advantage are dropped and counted.
    """
    n = len(method)
    gap = float(unlocked.mean() - locked.mean())
    est = float((method.mean() - locked.mean()) / gap) if gap > 0 else float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    gaps = unlocked[idx].mean(axis=1) - locked[idx].mean(axis=1)
    ok = gaps > 0
    ratios = (method[idx].mean(axis=1)[ok] - locked[idx].mean(axis=1)[ok]) / gaps[ok]
    lo, hi = (float(x) for x in np.percentile(ratios, [2.5, 97.5])) if ok.any() else (float("nan"),) * 2
    return {"estimate": est, "lo": lo, "hi": hi, "n_items": n, "n_boot": n_boot, "dropped": int((~ok).sum())}
