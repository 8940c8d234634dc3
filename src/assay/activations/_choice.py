"""Forced choices by log-probability: ``log p(option | prompt)`` of every option of every prompt.

A forced choice counts every answer: the model "chooses" the option with the highest log-probability, so
no answer is unclear and no output format is assumed. With ``n`` options per prompt, scoring each
``prompt + option`` sequence on its own (:class:`~assay.engine.measure.ContinuationSet`) runs the prompt
``n`` times. :func:`choice_logps` runs it once: the shared prefix of all prompts (the chat template's
system turn) is computed once per call, each prompt once per batch with its key/value cache kept, and the
options (a few tokens each) continue from that cache with their own position ids. The numbers equal the
separate passes up to float rounding (a test checks it against :class:`ContinuationSet`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch

from assay._precision import no_grad_in_precision
from assay.activations._arch import output_head, trunk
from assay.activations._trunk import model_device, right_padded


def common_prefix(seqs: Sequence[Sequence[int]]) -> int:
    """How many leading tokens every sequence of ``seqs`` shares."""
    first, n = seqs[0], min(len(s) for s in seqs)
    for i in range(n):
        if any(s[i] != first[i] for s in seqs):
            return i
    return n


def _token_logps(model: Any, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    logits = output_head(model)(hidden).float()
    return torch.log_softmax(logits, dim=-1).gather(-1, targets[..., None]).squeeze(-1)


def choice_logps(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[str],
    options: Sequence[Sequence[str]],
    batch_size: int = 32,
) -> list[list[float]]:
    """Summed ``log p(option | prompt)`` (natural log) of each prompt's options.

    Args:
        model: A causal LM (or a peft wrapper of one).
        tokenizer: Its tokenizer.
        prompts: Chat-formatted prompts (template already applied).
        options: For each prompt, its options (the same number for every prompt; tokenised without
            special tokens, as the answer right after the prompt).
        batch_size: Prompts per forward pass.

    Returns:
        ``out[i][j] = log p(options[i][j] | prompts[i])``.

    Raises:
        ValueError: No prompts, options not given per prompt, unequal numbers of options, or an empty option.
    """
    if not prompts:
        raise ValueError("no prompts to score")
    if len(options) != len(prompts):
        raise ValueError(f"{len(options)} option lists for {len(prompts)} prompts")
    n_opt = len(options[0])
    if n_opt == 0 or any(len(o) != n_opt for o in options):
        raise ValueError("every prompt needs the same, non-zero number of options")

    def enc(text: str) -> tuple[int, ...]:
        return tuple(tokenizer(text, add_special_tokens=False)["input_ids"])

    ids = [enc(p) for p in prompts]
    opt_ids = [[enc(o) for o in opts] for opts in options]
    if any(not o for opts in opt_ids for o in opts):
        raise ValueError("an option has no tokens")
    pad = int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0)
    p = max(common_prefix(ids) - 1, 0)  # keep one token per prompt so every row has a last position
    device = model_device(model)
    body = trunk(model)
    out: list[list[float]] = []
    with no_grad_in_precision(model):
        prefix_kv = (
            body(input_ids=torch.tensor([ids[0][:p]], device=device), use_cache=True).past_key_values
            if p
            else None
        )
        for lo in range(0, len(ids), batch_size):
            rows = list(range(lo, min(lo + batch_size, len(ids))))
            out += _batch(
                model, body, [ids[r][p:] for r in rows], [opt_ids[r] for r in rows], prefix_kv, p, pad
            )
    return out


def _batch(
    model: Any,
    body: Any,
    prompts: list[tuple[int, ...]],
    opts: list[list[tuple[int, ...]]],
    prefix_kv: Any,
    p: int,
    pad: int,
) -> list[list[float]]:
    """One batch: the prompts' pass (continuing the prefix cache), then every option from their cache."""
    device = model_device(model)
    b, n_opt = len(prompts), len(opts[0])
    ids, mask = right_padded(prompts, pad)
    kwargs: dict[str, Any] = {"use_cache": True}
    full_mask = mask
    if prefix_kv is not None:
        cache = copy.deepcopy(prefix_kv)
        cache.batch_repeat_interleave(b)
        full_mask = torch.cat([torch.ones(b, p, dtype=mask.dtype), mask], dim=1)
        kwargs["past_key_values"] = cache
    res = body(input_ids=ids.to(device), attention_mask=full_mask.to(device), **kwargs)
    lengths = [len(s) for s in prompts]
    last = res.last_hidden_state[
        torch.arange(b), torch.tensor(lengths) - 1
    ]  # predicts each option's first token
    first = torch.tensor([[o[0] for o in row] for row in opts], device=device)  # [b, n_opt]
    first_logp = _token_logps(model, last[:, None, :].expand(b, n_opt, -1), first)
    flat = [o for row in opts for o in row]
    total = first_logp.reshape(-1).tolist()
    if max(len(o) for o in flat) > 1:
        cache = res.past_key_values
        cache.batch_repeat_interleave(n_opt)
        o_ids, o_mask = right_padded(flat, pad)
        prompt_mask = full_mask.repeat_interleave(n_opt, dim=0)
        start = torch.tensor([p + n for n in lengths]).repeat_interleave(n_opt)
        pos = start[:, None] + torch.arange(o_ids.shape[1])[None, :]
        hidden = body(
            input_ids=o_ids.to(device),
            attention_mask=torch.cat([prompt_mask, o_mask], dim=1).to(device),
            position_ids=pos.to(device),
            past_key_values=cache,
            use_cache=True,
        ).last_hidden_state
        # hidden at option position j predicts option token j + 1
        targets = torch.cat([o_ids[:, 1:], torch.full((len(flat), 1), pad)], dim=1).to(device)
        rest = _token_logps(model, hidden, targets) * torch.cat(
            [o_mask[:, 1:], torch.zeros(len(flat), 1, dtype=o_mask.dtype)], dim=1
        ).to(device)
        total = [t + r for t, r in zip(total, rest.sum(dim=1).tolist(), strict=True)]
    return [total[i * n_opt : (i + 1) * n_opt] for i in range(b)]
