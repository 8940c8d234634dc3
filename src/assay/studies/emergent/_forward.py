"""Forward-pass scoring: summed answer log-probabilities, and the same from a cached intermediate layer.

The causal test scores every one of hundreds of random directions on the same sequences. Re-running the
whole model for each would cost the study's time budget many times over, so :class:`PartialForward` runs
the model once up to block ``layer``, keeps that block's output, and for each intervention runs only the
blocks above it (and the output head at the answer positions only). Sequences are right-padded, so plain
causal attention without a padding mask is exact for every real token (a test checks the result against
the full model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from assay.activations import decoder_layers
from assay.studies.training import make_batch as _batch

Intervention = Callable[[torch.Tensor], torch.Tensor]
"""Maps a block's output ``[batch, seq, d_model]`` to the changed output."""

BATCH = 16


def _pairs(prompts: Sequence[str], answers: Sequence[str]) -> list[tuple[str, str, bool]]:
    # answers are scored without the end-of-turn token: the text, not where the model would stop
    return [(p, a, False) for p, a in zip(prompts, answers, strict=True)]


def _sums(logits: torch.Tensor, batch: dict[str, torch.Tensor]) -> list[float]:
    """Per-row sums of answer-token log-probs from logits at the answer positions (row-major order)."""
    labels = batch["labels"][:, 1:]
    keep = labels != -100
    logp = torch.log_softmax(logits.float(), dim=-1).gather(1, labels[keep].unsqueeze(1)).squeeze(1)
    rows = torch.arange(labels.shape[0]).unsqueeze(1).expand_as(labels)[keep]
    out = torch.zeros(labels.shape[0]).index_add_(0, rows, logp)
    return [float(x) for x in out]


def answer_logprobs(model: Any, tok: Any, prompts: Sequence[str], answers: Sequence[str]) -> np.ndarray:
    """Summed log-probability of each answer after its (chat-formatted) prompt: ``array[n]``."""
    from assay.studies.training import answer_logits

    pairs = _pairs(prompts, answers)
    out: list[float] = []
    with torch.inference_mode():
        for start in range(0, len(pairs), BATCH):
            batch = _batch(tok, pairs[start : start + BATCH])
            logits, _ = answer_logits(model, batch)
            out += _sums(logits, batch)
    return np.asarray(out)


def _base(model: Any) -> Any:
    return model.get_base_model() if hasattr(model, "get_base_model") else model


class PartialForward:
    """Answer log-probs of fixed sequences with an intervention on block ``layer``'s output.

    Args:
        model: A LLaMA-style transformers causal LM (peft-wrapped models are unwrapped).
        tok: Its tokenizer.
        prompts: Chat-formatted prompts.
        answers: One answer per prompt.
        layer: The block whose output (``blocks.{layer}.resid_post``) is intervened on.
    """

    def __init__(self, model: Any, tok: Any, prompts: Sequence[str], answers: Sequence[str], layer: int):
        self.lm = _base(model)
        self.layer = layer
        blocks = decoder_layers(self.lm)
        if not 0 <= layer < len(blocks):
            raise ValueError(f"layer {layer} out of range for a model with {len(blocks)} blocks")
        self.upper = list(blocks[layer + 1 :])
        pairs = _pairs(prompts, answers)
        self.batches = [_batch(tok, pairs[s : s + BATCH]) for s in range(0, len(pairs), BATCH)]
        self.cached: list[torch.Tensor] = []
        captured: list[torch.Tensor] = []

        def hook(_m: Any, _i: Any, output: Any) -> None:
            captured.append((output[0] if isinstance(output, tuple) else output).detach())

        handle = blocks[layer].register_forward_hook(hook)
        try:
            with torch.inference_mode():
                for b in self.batches:
                    self.lm.model(input_ids=b["input_ids"], attention_mask=b["attention_mask"])
                    self.cached.append(captured.pop())
        finally:
            handle.remove()

    def resid(self) -> list[torch.Tensor]:
        """The cached block outputs, one ``[batch, seq, d_model]`` tensor per batch."""
        return self.cached

    def score(self, intervene: Intervention | None = None) -> np.ndarray:
        """Summed answer log-probs with ``intervene`` applied to the cached block output (None: as is)."""
        inner = self.lm.model
        out: list[float] = []
        with torch.inference_mode():
            for b, h in zip(self.batches, self.cached, strict=True):
                x = h if intervene is None else intervene(h)
                pos = torch.arange(x.shape[1]).unsqueeze(0).expand(x.shape[0], -1)
                emb = inner.rotary_emb(x, pos)
                for block in self.upper:
                    y = block(x, attention_mask=None, position_ids=pos, position_embeddings=emb)
                    x = y[0] if isinstance(y, tuple) else y
                x = inner.norm(x)
                labels = b["labels"][:, 1:]
                logits = self.lm.lm_head(x[:, :-1][labels != -100])
                out += _sums(logits, b)
        return np.asarray(out)


def ablate(direction: torch.Tensor) -> Intervention:
    """Remove the component along ``direction`` (normalised) at every position."""
    u = direction / direction.norm()

    def fn(h: torch.Tensor) -> torch.Tensor:
        unit = u.to(h.dtype)
        out: torch.Tensor = h - (h @ unit).unsqueeze(-1) * unit
        return out

    return fn


def add(vector: torch.Tensor) -> Intervention:
    """Add ``vector`` at every position."""

    def fn(h: torch.Tensor) -> torch.Tensor:
        return h + vector.to(h.dtype)

    return fn
