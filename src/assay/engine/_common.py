"""Helpers shared by studies: loading a model by name, greedy answers, implanting an organism, LoRA runs."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assay.engine._recipes import Implant, Sweep, TrainSettings
from assay.engine.training import Preference, chat_prompt, dpo_train, finetune
from assay.models import GenParams, generate_batch, load_local_model, save_organism

GEN_BATCH = 64  # prompts per generate call (SmolLM2's generation throughput was measured at batch 64)
ORGANISM_DIR = "organism"  # an organism's directory in its stage directory


def load_base(model: str | Path, device: str = "auto", dtype: str = "auto") -> tuple[Any, Any]:
    """Load ``smollm2``, ``toy``, a checkpoint or an organism directory on ``device`` in ``dtype``."""
    if str(model) in ("smollm2", "toy"):
        return load_local_model(str(model), device=device, dtype=dtype)
    return load_local_model("hf", path=Path(model), device=device, dtype=dtype)


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
    model: str,
    pairs: Sequence[tuple[str, str]],
    recipe: Implant,
    out: Path,
    desc: str,
    device: str = "auto",
    dtype: str = "auto",
) -> str:
    """Train the base model on (user, answer) pairs; return the organism directory saved in ``out``.

    See :func:`keep_organism`.
    """
    base, tok = load_base(model, device, dtype)
    chat = [(chat_prompt(tok, u), a) for u, a in pairs]
    settings = TrainSettings.of(recipe)
    trained = finetune(base, tok, chat, settings, desc=desc)
    return str(keep_organism(trained, tok, out, model))


def keep_organism(trained: Any, tok: Any, out: Path, on: str | Path) -> Path:
    """Save a trained model as the organism directory ``out/organism`` and return it.

    LoRA keeps its adapter, unmerged (merged in memory when loaded); a full fine-tune the whole model
    (:func:`assay.models.save_organism`). A merged checkpoint that an earlier version of a stage wrote to
    ``out/model`` is removed, so a rerun stage does not keep both.

    Args:
        trained: The trained model.
        tok: Its tokenizer.
        out: The stage directory.
        on: What it was trained on: the base model's name or an organism directory.
    """
    shutil.rmtree(out / "model", ignore_errors=True)
    return save_organism(trained, tok, out / ORGANISM_DIR, on)


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
    settings = sweep.settings(seed, bool(checkpoints))
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
    prefs = [Preference(chat_prompt(tok, u), c, r) for u, c, r in triples]
    settings = sweep.settings(seed, bool(checkpoints))
    return dpo_train(model, tok, prefs, settings, beta=beta, desc=desc, checkpoints=checkpoints)
