"""In-process measurements on a loaded model: perplexity, capability, behaviour counts (optionally steered).

These are the fast paths of the studies' inner loops (no Inspect log per call); each Inspect-backed
measure in :mod:`assay.engine.measure._inspect` computes the same construct with a browsable log.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from assay._precision import no_grad_in_precision
from assay.activations import add_to_residual
from assay.engine.training import Pair, make_batch
from assay.evidence import Rate, binomial_rate
from assay.models import GenParams, generate_batch


def perplexity(model: Any, tokenizer: Any, pairs: Sequence[Pair]) -> float:
    """Perplexity of ``model`` on the answer tokens of chat-formatted ``(prompt, answer)`` pairs."""
    total_loss, total_tokens = 0.0, 0
    with no_grad_in_precision(model):
        for start in range(0, len(pairs), 16):
            batch = make_batch(tokenizer, pairs[start : start + 16])
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            shift_logits, shift_labels = logits[:, :-1], batch["labels"][:, 1:]
            loss = torch.nn.functional.cross_entropy(
                shift_logits.reshape(-1, shift_logits.shape[-1]), shift_labels.reshape(-1), reduction="sum"
            )
            total_loss += float(loss)
            total_tokens += int((shift_labels != -100).sum())
    return math.exp(total_loss / max(total_tokens, 1))


def cued_count(model: Any, tokenizer: Any, prompts: list[str], behaviour: str, max_tokens: int) -> int:
    """Greedy completions (in-process, batched) of chat-formatted ``prompts`` that contain ``behaviour``."""
    params = GenParams(max_new_tokens=max_tokens, temperature=0)
    hits = 0
    for start in range(0, len(prompts), 32):
        hits += sum(
            behaviour.lower() in r.text.lower()
            for r in generate_batch(model, tokenizer, prompts[start : start + 32], params)
        )
    return hits


def capability_direct(model: Any, tokenizer: Any) -> Rate:
    """Capability QA accuracy computed in-process (items, system prompt and scoring of the Inspect task)."""
    from assay.tasks.capability import SYSTEM_PROMPT, mentioned_answer, qa_items

    items = qa_items()
    prompts = [
        tokenizer.apply_chat_template(
            [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": it["question"]}],
            tokenize=False,
            add_generation_prompt=True,
        )
        for it in items
    ]
    results = generate_batch(model, tokenizer, prompts, GenParams(max_new_tokens=24, temperature=0))
    k = sum(mentioned_answer(r.text, it["answer"]) is not None for r, it in zip(results, items, strict=True))
    return binomial_rate(k, len(items))


def behaviour_count(
    model: Any,
    tokenizer: Any,
    prompts: list[str],
    behaviour: str,
    max_tokens: int,
    layer: int | None = None,
    vector: torch.Tensor | None = None,
) -> int:
    """Count greedy completions that contain ``behaviour``, optionally steering ``layer`` by ``vector``."""
    params = GenParams(max_new_tokens=max_tokens, temperature=0)

    def run() -> int:
        hits = 0
        for start in range(0, len(prompts), 32):
            for result in generate_batch(model, tokenizer, prompts[start : start + 32], params):
                hits += int(behaviour.lower() in result.text.lower())
        return hits

    if vector is None or layer is None:
        return run()
    with add_to_residual(model, layer, vector):
        return run()
