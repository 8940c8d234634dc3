"""Many edits of one frozen-trunk cache in one pass: the edited copies stacked along the batch.

The causal test measures hundreds of edits (steering directions) of the same cached prompt sets. One edit
alone is a small pass whose cost is mostly reading the weights of blocks ``start ..``; stacking ``G`` edited
copies of the same rows reads them once for all ``G``. Variant ``g`` of a stacked batch of ``n`` rows is
rows ``g * n .. g * n + n - 1``.

The rows' shared prefix (the chat template's system turn) is run once per variant, at batch 1 as
:func:`assay.activations._trunk.shared_prefix` runs it (stacking the prefixes too changed the toy model's
fp32 results in the last bits: a matrix product of a few rows takes another kernel), through blocks
``start ..`` only: the keys and values of the blocks below ``start`` do not depend on an edit of block
``start - 1``'s output, so they are computed once per cache (kept in ``TrunkCache.below``) instead of once
per edit.

Edits here are edits of the cached states only; a forward hook on block ``start - 1`` would see the
injected states (as it does in :func:`assay.activations._trunk.from_block`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch

from assay._precision import no_grad_in_precision
from assay.activations._arch import trunk
from assay.activations._trunk import (
    Edit,
    SharedPrefix,
    TrunkCache,
    injected,
    model_device,
    right_padded,
    run_from_block,
    shared_prefix,
)


def _below(model: Any, cache: TrunkCache, length: int) -> Any:
    """The key/value cache of the blocks below ``cache.start`` over the first ``length`` tokens (memoised)."""
    if length not in cache.below:
        cache.below[length] = shared_prefix(model, cache, cache.states[0][:length]).key_values
    return cache.below[length]


def variant_prefix(model: Any, cache: TrunkCache, heads: Sequence[torch.Tensor]) -> SharedPrefix:
    """The rows' shared first tokens run once per variant, ``heads[g]`` as block ``start - 1``'s output there.

    Args:
        model: The model the cache was built from.
        cache: The trunk cache (its rows share their first ``len(heads[0])`` tokens).
        heads: Per variant, the edited cached states of those tokens (``[length, d_model]``), taken from a
            batch of the shape the edit is applied to (as for :func:`shared_prefix`).

    Returns:
        A prefix whose key/value cache has one row per variant (``rows = len(heads)``).
    """
    length = heads[0].shape[0]
    below = _below(model, cache, length)
    ids = torch.tensor([cache.seqs[0][:length]], device=model_device(model))
    caches = []
    with no_grad_in_precision(model):
        for head in heads:  # at batch 1, as shared_prefix: the same arithmetic as one edit alone
            with injected(model, cache, head[None]):
                kv = trunk(model)(input_ids=ids, use_cache=True).past_key_values
            kv.layers[: cache.start] = below.layers[: cache.start]  # those blocks passed their input on
            caches.append(kv)
    return SharedPrefix(length, _stacked(caches), torch.stack(list(heads)), rows=len(heads))


def _stacked(caches: Sequence[Any]) -> Any:
    """One key/value cache whose row ``g`` is ``caches[g]``'s (each of batch 1), the inputs unchanged."""
    out = copy.copy(caches[0])
    out.layers = [copy.copy(layer) for layer in caches[0].layers]
    for i, layer in enumerate(out.layers):
        layer.keys = torch.cat([c.layers[i].keys for c in caches])
        layer.values = torch.cat([c.layers[i].values for c in caches])
    return out


def from_block_variants(
    model: Any,
    cache: TrunkCache,
    rows: Sequence[int],
    edits: Sequence[Edit | None],
    prefix: SharedPrefix | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Final hidden states of cached ``rows`` under each edit, stacked: variant ``g`` is rows ``g * n ..``.

    Args:
        model: The model the cache was built from.
        cache: The trunk cache.
        rows: Rows of the cache to run (``n`` of them).
        edits: One edit per variant (``None``: the cached states), each applied to the states of the whole
            ``rows`` as :func:`assay.activations._trunk.from_block` applies one.
        prefix: The rows' shared prefix from :func:`variant_prefix` with these edits, or ``None``.

    Returns:
        ``(hidden [len(edits) * n, width, d_model], attention_mask [len(edits) * n, width])``.
    """
    ids, mask = right_padded([cache.seqs[r] for r in rows], pad=0)
    states = cache.batch(rows, ids.shape[1])
    stacked = torch.cat([states if edit is None else edit(states) for edit in edits])
    n = len(edits)
    return run_from_block(model, cache, ids.repeat(n, 1), mask.repeat(n, 1), stacked, prefix)
