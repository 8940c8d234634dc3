"""Exact forward-pass verdicts: does greedy decoding begin with a fixed continuation X, and log p(X | prompt).

Greedy decoding emits, at each step, the argmax of the next-token logits given everything before it. So
greedy decoding of a prompt begins with X's tokens ``x_1 .. x_m`` exactly when, in ONE teacher-forced pass
over ``prompt + X``, the argmax at the position before each ``x_j`` is ``x_j``. The same logits give
``log p(X | prompt) = sum_j log softmax(logits)[x_j]``, a continuous measure at no extra cost. A property
test checks the verdict against real greedy generation on every prompt of a test set (toy model and
SmolLM2). The output head runs only at the ``m`` positions that predict X.

Two ways to compute less:

- a **shared prefix** (the chat template's system turn): its key/value cache is computed once per call and
  every batch continues from it (:meth:`ContinuationSet.verdicts`);
- a **frozen trunk**: the output of the blocks below ``start`` is cached once per sequence
  (:meth:`ContinuationSet.cache_trunk`) and later passes run only blocks ``start ..``
  (:meth:`ContinuationSet.verdicts_from_trunk`) — for LoRA on the top blocks, or steering / ablation /
  patching at block ``start - 1`` (``edit``).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from assay._precision import no_grad_in_precision
from assay.activations import output_head, trunk
from assay.activations._choice import common_prefix
from assay.activations._trunk import (
    Edit,
    SharedPrefix,
    TrunkCache,
    build_trunk_cache,
    build_trunk_caches,
    from_block,
    model_device,
    prefix_matches,
    right_padded,
    shared_prefix,
)
from assay.activations._variants import from_block_variants, variant_prefix


@dataclass(frozen=True)
class Verdict:
    """One prompt's forward-pass measurement of a continuation.

    Attributes:
        starts: Greedy decoding begins with the continuation's tokens.
        log_p: ``log p(continuation | prompt)`` (natural log, summed over its tokens).
        matched: How many leading continuation tokens greedy decoding reproduces.
    """

    starts: bool
    log_p: float
    matched: int


@dataclass
class ContinuationSet:
    """Chat-formatted prompts, each followed by a continuation (one for all, or one each), tokenised once.

    Build with :meth:`of`; measure with :meth:`verdicts` (full model, shared-prefix cache) or
    :meth:`verdicts_from_trunk` after :meth:`cache_trunk`.
    """

    prompts: list[tuple[int, ...]]
    continuations: list[tuple[int, ...]]
    pad: int
    trunk_cache: TrunkCache | None = field(default=None, repr=False)

    @classmethod
    def of(cls, tokenizer: Any, prompts: Sequence[str], continuation: str | Sequence[str]) -> ContinuationSet:
        """Tokenise ``prompts`` (chat template already applied) and the continuation(s) (no special tokens).

        Args:
            tokenizer: The model's tokenizer.
            prompts: Chat-formatted prompts.
            continuation: One continuation for every prompt, or one per prompt.

        Raises:
            ValueError: No prompts, an empty continuation, or as many continuations as prompts not given.
        """
        if not prompts:
            raise ValueError("no prompts to measure")
        conts = [continuation] * len(prompts) if isinstance(continuation, str) else list(continuation)
        if len(conts) != len(prompts):
            raise ValueError(f"{len(conts)} continuations for {len(prompts)} prompts")
        cont_ids = [tuple(tokenizer(c, add_special_tokens=False)["input_ids"]) for c in conts]
        if not all(cont_ids):
            raise ValueError("a continuation has no tokens")
        ids = [tuple(tokenizer(p, add_special_tokens=False)["input_ids"]) for p in prompts]
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        return cls(ids, cont_ids, int(pad))

    @property
    def sequences(self) -> list[tuple[int, ...]]:
        """Every prompt followed by its continuation."""
        return [p + c for p, c in zip(self.prompts, self.continuations, strict=True)]

    def _score(self, model: Any, hidden: torch.Tensor, rows: Sequence[int], offset: int) -> list[Verdict]:
        """Verdicts from final hidden states whose position 0 is token ``offset`` of every sequence."""
        lengths = [len(self.continuations[r]) for r in rows]
        row_idx = torch.tensor([i for i, m in enumerate(lengths) for _ in range(m)])
        pos = torch.tensor(
            [
                len(self.prompts[r]) - 1 - offset + j
                for r, m in zip(rows, lengths, strict=True)
                for j in range(m)
            ]
        )
        logits = output_head(model)(hidden[row_idx.to(hidden.device), pos.to(hidden.device)]).float()
        target = torch.tensor([t for r in rows for t in self.continuations[r]], device=logits.device)
        logp = torch.log_softmax(logits, dim=-1).gather(1, target[:, None]).squeeze(1)
        hit = (logits.argmax(dim=-1) == target).tolist()
        out, at = [], 0
        for m in lengths:
            row_hits = hit[at : at + m]
            matched = row_hits.index(False) if False in row_hits else m
            out.append(Verdict(starts=matched == m, log_p=float(logp[at : at + m].sum()), matched=matched))
            at += m
        return out

    def verdicts(self, model: Any, batch_size: int = 32, shared_prefix: bool = True) -> list[Verdict]:
        """One teacher-forced pass per batch; the shared token prefix's key/value cache is computed once."""
        seqs = self.sequences
        p = common_prefix(self.prompts) - 1 if shared_prefix else 0
        p = max(p, 0)
        device = model_device(model)
        body = trunk(model)
        out: list[Verdict] = []
        with no_grad_in_precision(model):
            prefix_kv = None
            if p > 0:
                prefix = torch.tensor([seqs[0][:p]], device=device)
                prefix_kv = body(input_ids=prefix, use_cache=True).past_key_values
            for rows in _batches(len(seqs), batch_size):
                ids, mask = right_padded([seqs[r][p:] for r in rows], self.pad)
                kwargs: dict[str, Any] = {"use_cache": prefix_kv is not None}
                if prefix_kv is not None:
                    cache = copy.deepcopy(prefix_kv)
                    cache.batch_repeat_interleave(len(rows))
                    mask = torch.cat([torch.ones(len(rows), p, dtype=mask.dtype), mask], dim=1)
                    kwargs["past_key_values"] = cache
                hidden = body(input_ids=ids.to(device), attention_mask=mask.to(device), **kwargs)
                out += self._score(model, hidden.last_hidden_state, rows, offset=p)
        return out

    def cache_trunk(self, model: Any, start: int, batch_size: int = 32) -> TrunkCache:
        """Cache the output of blocks ``< start`` for every sequence (see :meth:`verdicts_from_trunk`)."""
        self.trunk_cache = build_trunk_cache(model, self.sequences, start, self.pad, batch_size)
        return self.trunk_cache

    def trunk_caches(self, model: Any, starts: Sequence[int], batch_size: int = 32) -> list[TrunkCache]:
        """Trunk caches of every sequence at each of ``starts``, from one pass; set one as ``trunk_cache``."""
        return build_trunk_caches(model, self.sequences, starts, self.pad, batch_size)

    def verdicts_from_trunk(
        self, model: Any, edit: Edit | None = None, batch_size: int = 32, shared_prefix: bool = True
    ) -> list[Verdict]:
        """Verdicts computed from the cached trunk: only blocks ``start ..`` run (``edit`` changes the cache).

        With ``shared_prefix`` the tokens every sequence shares (the chat template's system turn) are run
        once per call and each batch computes only the tokens after them, when the edited states at those
        tokens are the same in every row (steering and ablation keep them so; an edit that makes them
        differ, such as patching a prefix position from another run, falls back to whole sequences).

        Raises:
            RuntimeError: :meth:`cache_trunk` was not called.
        """
        cache = self.trunk_cache
        if cache is None:
            raise RuntimeError("call cache_trunk(model, start) first")
        batches = _batches(len(self.prompts), batch_size)
        prefix = self.trunk_prefix(model, edit, batch_size) if shared_prefix else None
        out: list[Verdict] = []
        with no_grad_in_precision(model):
            for rows in batches:
                hidden, _ = from_block(model, cache, rows, edit, prefix)
                out += self._score(model, hidden, rows, offset=prefix.length if prefix else 0)
        return out

    def variant_verdicts(
        self, model: Any, edits: Sequence[Edit | None], batch_size: int = 32
    ) -> list[list[Verdict]]:
        """:meth:`verdicts_from_trunk` under each of ``edits``, the edited copies of a batch run in one pass.

        One list of verdicts per edit, the same as one :meth:`verdicts_from_trunk` call each (with the
        shared prefix, run once per edit; see :mod:`assay.activations._variants`). ``batch_size`` counts
        prompts: a pass runs ``len(edits)`` times as many rows.

        Raises:
            RuntimeError: :meth:`cache_trunk` was not called.
        """
        cache = self._cached()
        prefix = self.variant_prefix(model, edits, batch_size)
        out: list[list[Verdict]] = [[] for _ in edits]
        with no_grad_in_precision(model):
            for rows in _batches(len(self.prompts), batch_size):
                hidden, _ = from_block_variants(model, cache, rows, edits, prefix)
                n = len(rows)
                for g, verdicts in enumerate(out):
                    offset = prefix.length if prefix else 0
                    verdicts += self._score(model, hidden[g * n : (g + 1) * n], rows, offset)
        return out

    def variant_prefix(
        self, model: Any, edits: Sequence[Edit | None], batch_size: int = 32
    ) -> SharedPrefix | None:
        """The shared token prefix run once per edit, for :func:`from_block_variants`.

        ``None`` when there is no shared prefix or an edit makes the rows differ there.

        Raises:
            RuntimeError: :meth:`cache_trunk` was not called.
        """
        cache = self._cached()
        p = max(common_prefix(self.prompts) - 1, 0)
        if p == 0:
            return None
        batches = _batches(len(self.prompts), batch_size)
        heads = []
        for edit in edits:
            head = _edited(cache, edit, batches[0])[0, :p]
            if edit is not None and not all(prefix_matches(head, _edited(cache, edit, b)) for b in batches):
                return None
            heads.append(head)
        return variant_prefix(model, cache, heads)

    def _cached(self) -> TrunkCache:
        if self.trunk_cache is None:
            raise RuntimeError("call cache_trunk(model, start) first")
        return self.trunk_cache

    def trunk_prefix(self, model: Any, edit: Edit | None = None, batch_size: int = 32) -> SharedPrefix | None:
        """The cached sequences' shared token prefix, run once from the trunk, for ``from_block``.

        ``None`` when there is no shared prefix or ``edit`` makes the rows differ there.

        Raises:
            RuntimeError: :meth:`cache_trunk` was not called.
        """
        if self.trunk_cache is None:
            raise RuntimeError("call cache_trunk(model, start) first")
        p = max(common_prefix(self.prompts) - 1, 0)
        batches = _batches(len(self.prompts), batch_size)
        return _trunk_prefix(model, self.trunk_cache, p, edit, batches) if p > 0 else None


def _batches(n: int, batch_size: int) -> list[list[int]]:
    """Row indices ``0 .. n-1`` in consecutive batches of ``batch_size``."""
    return [list(range(lo, min(lo + batch_size, n))) for lo in range(0, n, batch_size)]


def _trunk_prefix(
    model: Any, cache: TrunkCache, p: int, edit: Edit | None, batches: list[list[int]]
) -> SharedPrefix | None:
    """The shared prefix of the cached rows, or ``None`` when ``edit`` makes the rows differ there.

    ``edit`` is applied to whole batches, as :func:`from_block` applies it, so an edit built for a batch's
    shape works here too.
    """
    prefix = shared_prefix(model, cache, _edited(cache, edit, batches[0])[0, :p])
    if edit is None:
        return prefix
    return prefix if all(prefix.matches(_edited(cache, edit, rows)) for rows in batches) else None


def _edited(cache: TrunkCache, edit: Edit | None, rows: list[int]) -> torch.Tensor:
    """The cached states of ``rows`` as one batch (as :func:`from_block` builds it), edited."""
    states = cache.batch(rows, max(len(cache.seqs[r]) for r in rows))
    return states if edit is None else edit(states)


def verdict_summary(verdicts: Sequence[Verdict]) -> tuple[int, float]:
    """Number of prompts whose greedy decoding begins with the continuation, and the mean ``log_p``."""
    hits = sum(v.starts for v in verdicts)
    return hits, sum(v.log_p for v in verdicts) / max(len(verdicts), 1)
