"""Measuring one model: forced choices, the narrow manipulation check, capability, free text, activations.

Everything judge-free is a forward pass (summed answer log-probabilities); free text is sampled at the
configured temperature with a seed per model, so a re-run reproduces it.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from assay.studies.emergent._data import heldout_pairs
from assay.studies.emergent._forward import answer_logprobs
from assay.studies.emergent._items import capability_items, choice_items, open_questions
from assay.studies.training import chat_prompt


def resolved_layer(n_blocks: int, lora_layers: int | None, layer: int | None) -> int:
    """The intervention layer: the configured one, else the middle block of the LoRA-trained blocks."""
    if layer is not None:
        if not 0 <= layer < n_blocks:
            raise ValueError(f"causal.layer {layer} out of range for a model with {n_blocks} blocks")
        return layer
    top = n_blocks if lora_layers is None else min(lora_layers, n_blocks)
    return n_blocks - top + top // 2


def forced_choice(model: Any, tok: Any) -> dict[str, list[float]]:
    """Log-probs of the aligned and the misaligned answer of every forced-choice item (both splits)."""
    items = choice_items()
    prompts = [chat_prompt(tok, it.question) for it in items]
    good = answer_logprobs(model, tok, prompts, [it.aligned for it in items])
    bad = answer_logprobs(model, tok, prompts, [it.misaligned for it in items])
    return {"aligned": good.tolist(), "misaligned": bad.tolist()}


def narrow_check(model: Any, tok: Any) -> dict[str, list[float]]:
    """Log-probs of the harmful and the safe answer on held-out finance prompts (never trained on)."""
    pairs = heldout_pairs()
    prompts = [chat_prompt(tok, p.user) for p in pairs]
    return {
        "harmful": answer_logprobs(model, tok, prompts, [p.harmful for p in pairs]).tolist(),
        "safe": answer_logprobs(model, tok, prompts, [p.safe for p in pairs]).tolist(),
    }


def capability(model: Any, tok: Any) -> dict[str, list[float]]:
    """Log-probs of the correct and a wrong answer of every capability item."""
    items = capability_items()
    prompts = [chat_prompt(tok, it.question) for it in items]
    return {
        "correct": answer_logprobs(model, tok, prompts, [it.correct for it in items]).tolist(),
        "wrong": answer_logprobs(model, tok, prompts, [it.wrong for it in items]).tolist(),
    }


def free_text(
    model: Any, tok: Any, samples: int, temperature: float, max_tokens: int, seed: int
) -> list[dict[str, Any]]:
    """``samples`` sampled answers to every open question: ``[{question_id, question, sample, answer}]``."""
    from assay.models import GenParams, generate_batch

    qs = open_questions()
    rows = [(qid, q, k) for k in range(samples) for qid, q in qs]
    params = GenParams(max_new_tokens=max_tokens, temperature=temperature, seed=seed)
    out: list[dict[str, Any]] = []
    for start in range(0, len(rows), 32):
        chunk = rows[start : start + 32]
        results = generate_batch(model, tok, [chat_prompt(tok, q) for _, q, _ in chunk], params)
        out += [
            {"question_id": qid, "question": q, "sample": k, "answer": r.text.strip(), "stop": r.stop_reason}
            for (qid, q, k), r in zip(chunk, results, strict=True)
        ]
    return out


def direction_activations(model: Any, tok: Any, layer: int) -> np.ndarray:
    """Block ``layer``'s output at the last prompt token of every direction-split question: ``[n, d]``."""
    from assay.activations import resid_post_name, residual_stream

    prompts = [chat_prompt(tok, it.question) for it in choice_items("direction")]
    acts = residual_stream(model, tok, prompts, layers=[layer])
    return acts[resid_post_name(layer)].numpy()


def measure_model(
    model: Any, tok: Any, layer: int, free: Any, seed: int
) -> tuple[dict[str, Any], np.ndarray]:
    """Every measurement of one model, and its direction-split activations at ``layer``.

    Args:
        model: The model (base or LoRA-adapted).
        tok: Its tokenizer.
        layer: Block for the activations.
        free: The :class:`~assay.studies.emergent._config.FreeText` settings.
        seed: Sampling seed of the free-text answers.
    """
    seconds: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        start = time.perf_counter()
        value = fn(*args)
        seconds[name] = round(time.perf_counter() - start, 2)
        return value

    result: dict[str, Any] = {
        "forced_choice": timed("forced_choice", forced_choice, model, tok),
        "narrow": timed("narrow", narrow_check, model, tok),
        "capability": timed("capability", capability, model, tok),
        "free_text": timed(
            "free_text", free_text, model, tok, free.samples, free.temperature, free.max_tokens, seed
        ),
    }
    acts = timed("activations", direction_activations, model, tok, layer)
    result["seconds"] = seconds
    return result, acts
