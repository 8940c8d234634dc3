"""Chat prompts, (prompt, answer) batches and the log-probabilities of answers given prompts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from assay._precision import precision_context
from assay.activations import output_head, trunk
from assay.activations._trunk import TrunkCache, build_trunk_cache, from_block, model_device

Pair = tuple[str, str] | tuple[str, str, bool]
"""``(prompt, answer)`` or ``(prompt, answer, complete)``: an incomplete answer (cut at a token limit) is
trained as a prefix, without the end-of-turn token, so the model does not learn to stop mid-sentence."""


def chat_prompt(tokenizer: Any, user: str) -> str:
    """Return ``user`` as a one-turn chat prompt, ready for the assistant's answer (the model's template)."""
    text: str = tokenizer.apply_chat_template(
        [{"role": "user", "content": user}], tokenize=False, add_generation_prompt=True
    )
    return text


def encode_pairs(tokenizer: Any, pairs: Sequence[Pair]) -> tuple[list[list[int]], list[list[int]]]:
    """Token ids of each pair's prompt and of its answer (with the end-of-turn token unless incomplete)."""
    eos = tokenizer.eos_token
    prompts = [tokenizer(p[0], add_special_tokens=False)["input_ids"] for p in pairs]
    answers = [
        tokenizer(p[1] + (eos if len(p) < 3 or p[2] else ""), add_special_tokens=False)["input_ids"]
        for p in pairs
    ]
    return prompts, answers


def pair_sequences(tokenizer: Any, pairs: Sequence[Pair]) -> list[tuple[int, ...]]:
    """Each pair as one token sequence, prompt then answer (what :func:`make_batch` lays out)."""
    prompts, answers = encode_pairs(tokenizer, pairs)
    return [tuple(p + a) for p, a in zip(prompts, answers, strict=True)]


def make_batch(tokenizer: Any, pairs: Sequence[Pair]) -> dict[str, torch.Tensor]:
    """Right-padded ``input_ids``, ``attention_mask`` and ``labels`` (-100 outside the answers) of pairs."""
    prompts, answers = encode_pairs(tokenizer, pairs)
    width = max(len(p) + len(a) for p, a in zip(prompts, answers, strict=True))
    pad = tokenizer.pad_token_id
    ids = torch.full((len(pairs), width), pad, dtype=torch.long)
    mask = torch.zeros((len(pairs), width), dtype=torch.long)
    labels = torch.full((len(pairs), width), -100, dtype=torch.long)
    for row, (p, a) in enumerate(zip(prompts, answers, strict=True)):
        seq = p + a
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
        labels[row, len(p) : len(seq)] = torch.tensor(a)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


class FrozenTrunk:
    """A trunk cache of training sequences: rows of a batch are looked up by their token sequence."""

    def __init__(self, cache: TrunkCache) -> None:
        self.cache = cache
        self.rows = cache.index()

    @classmethod
    def build(cls, model: Any, tokenizer: Any, pairs: Sequence[Pair], start: int) -> FrozenTrunk:
        """Cache the output of blocks ``< start`` for every distinct sequence of ``pairs``."""
        seqs = list(dict.fromkeys(pair_sequences(tokenizer, pairs)))
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        return cls(build_trunk_cache(model, seqs, start, pad))

    def hidden(self, model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Final hidden states of a :func:`make_batch` batch, computed from the first trainable block."""
        mask = batch["attention_mask"]
        seqs = [
            tuple(row[: int(n)].tolist()) for row, n in zip(batch["input_ids"], mask.sum(dim=1), strict=True)
        ]
        hidden, _ = from_block(model, self.cache, [self.rows[s] for s in seqs])
        return hidden


def answer_logits(
    model: Any, batch: dict[str, torch.Tensor], frozen: FrozenTrunk | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits at the positions that predict an answer token, and those tokens (the head runs there only).

    With ``frozen``, the blocks below the first trainable one are not run: their cached output is used.
    """
    device = model_device(model)
    labels = batch["labels"][:, 1:].to(device)
    keep = labels != -100
    with precision_context(model):  # the backward pass runs outside it, in the dtypes the forward used
        if frozen is not None:
            hidden = frozen.hidden(model, batch)
        else:
            hidden = trunk(model)(
                input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device)
            ).last_hidden_state
        return output_head(model)(hidden[:, :-1][keep]), labels[keep]


def answer_loss(
    model: Any, batch: dict[str, torch.Tensor], frozen: FrozenTrunk | None = None
) -> torch.Tensor:
    """Mean cross-entropy over the answer tokens of a batch made by :func:`make_batch`."""
    logits, targets = answer_logits(model, batch, frozen)
    return torch.nn.functional.cross_entropy(logits.float(), targets)


def answer_logps(
    model: Any, tokenizer: Any, pairs: Sequence[tuple[str, str]], frozen: FrozenTrunk | None = None
) -> torch.Tensor:
    """Summed log-probability of each answer given its prompt (one value per pair, shape ``[len(pairs)]``).

    Args:
        model: A causal LM (or a peft wrapper of one).
        tokenizer: Its tokenizer.
        pairs: ``(chat-formatted prompt, answer)``; the answer is scored with the end-of-sequence token, as
            SFT trains it.
        frozen: A trunk cache holding these sequences (the frozen blocks are then not run).
    """
    batch = make_batch(tokenizer, pairs)
    logits, targets = answer_logits(model, batch, frozen)
    token_logps = torch.log_softmax(logits.float(), dim=-1).gather(1, targets[:, None]).squeeze(1)
    lengths = (batch["labels"][:, 1:] != -100).sum(dim=1).tolist()
    return torch.stack([part.sum() for part in torch.split(token_logps, lengths)])
