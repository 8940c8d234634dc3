"""Frozen-trunk caches: hidden states entering a block, stored once, and forward passes from that block.

When the blocks below ``start`` never change (LoRA on the top blocks only, or an intervention at block
``start - 1`` of a fixed model), their output for a given token sequence never changes either. A
:class:`TrunkCache` stores that output per sequence; :func:`from_block` then runs the model's own forward
with the lower blocks replaced by a pass-through and block ``start - 1`` returning the cached states
(optionally edited: steering, ablation, patching), so masks, rotary embeddings, the final norm and the head
are the architecture's own and only blocks ``start ..`` are computed. Sequences are right-padded: a token
never attends to the padding after it, so a row's states do not depend on the batch it was computed in.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import torch

from assay._precision import no_grad_in_precision, precision_context
from assay.activations._arch import decoder_layers, trunk

Edit = Callable[[torch.Tensor], torch.Tensor]
"""An edit of the cached states ``[batch, seq, d_model]`` (the output of block ``start - 1``)."""


class _Stop(Exception):
    pass


def model_device(model: Any) -> torch.device:
    """The device of the model's first parameter."""
    return next(model.parameters()).device  # type: ignore[no-any-return]


def right_padded(seqs: Sequence[Sequence[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``input_ids`` and ``attention_mask`` of right-padded sequences."""
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, s in enumerate(seqs):
        ids[row, : len(s)] = torch.tensor(list(s), dtype=torch.long)
        mask[row, : len(s)] = 1
    return ids, mask


@dataclass
class TrunkCache:
    """Output of block ``start - 1`` for every sequence (``[len_i, d_model]`` each), on the model's device.

    Attributes:
        start: The first block that is computed from the cache (``1 <= start <= n_blocks``).
        seqs: The token sequences, in order.
        states: Their cached states.
        tuple_output: Whether the architecture's blocks return a tuple (older transformers) or a tensor.
        below: Key/value caches of the blocks below ``start`` over the rows' first tokens, by token count
            (:func:`assay.activations._variants.variant_prefix` fills it on first use).
    """

    start: int
    seqs: list[tuple[int, ...]]
    states: list[torch.Tensor]
    tuple_output: bool
    below: dict[int, Any] = field(default_factory=dict, repr=False)

    def index(self) -> dict[tuple[int, ...], int]:
        """Row of each sequence."""
        return {s: i for i, s in enumerate(self.seqs)}

    def batch(self, rows: Sequence[int], width: int) -> torch.Tensor:
        """Right-padded (zeros) states of ``rows``: ``[len(rows), width, d_model]``."""
        first = self.states[rows[0]]
        out = torch.zeros((len(rows), width, first.shape[-1]), dtype=first.dtype, device=first.device)
        for i, r in enumerate(rows):
            out[i, : self.states[r].shape[0]] = self.states[r]
        return out


def build_trunk_cache(
    model: Any, seqs: Sequence[Sequence[int]], start: int, pad: int, batch_size: int = 32
) -> TrunkCache:
    """Run the blocks below ``start`` once over ``seqs`` and keep their output (no gradient).

    Raises:
        ValueError: ``start`` is not in ``1 .. n_blocks``.
    """
    return build_trunk_caches(model, seqs, [start], pad, batch_size)[0]


def build_trunk_caches(
    model: Any, seqs: Sequence[Sequence[int]], starts: Sequence[int], pad: int, batch_size: int = 32
) -> list[TrunkCache]:
    """:func:`build_trunk_cache` for each of ``starts``, from one pass per batch (up to the highest start).

    Raises:
        ValueError: A start is not in ``1 .. n_blocks``.
    """
    blocks = decoder_layers(model)
    for start in starts:
        if not 1 <= start <= len(blocks):
            raise ValueError(f"start block {start} out of range 1..{len(blocks)}")
    rows = [tuple(s) for s in seqs]
    states: dict[int, list[torch.Tensor]] = {start: [] for start in starts}
    captured: dict[int, torch.Tensor] = {}
    is_tuple: list[bool] = []

    def hook_for(start: int) -> Callable[..., None]:
        def hook(_m: Any, _i: Any, output: Any) -> None:
            is_tuple[:] = [isinstance(output, tuple)]
            captured[start] = output[0] if isinstance(output, tuple) else output
            if start == max(states):  # nothing above is kept: end the pass
                raise _Stop

        return hook

    handles = [blocks[start - 1].register_forward_hook(hook_for(start)) for start in states]
    device = model_device(model)
    try:
        with no_grad_in_precision(model):
            for lo in range(0, len(rows), batch_size):
                chunk = rows[lo : lo + batch_size]
                ids, mask = right_padded(chunk, pad)
                with suppress(_Stop):
                    trunk(model)(input_ids=ids.to(device), attention_mask=mask.to(device), use_cache=False)
                for start, kept in states.items():
                    kept += [captured[start][i, : len(s)].clone() for i, s in enumerate(chunk)]
    finally:
        for handle in handles:
            handle.remove()
    return [TrunkCache(start, rows, states[start], bool(is_tuple and is_tuple[0])) for start in starts]


@contextmanager
def injected(model: Any, cache: TrunkCache, states: torch.Tensor) -> Iterator[None]:
    """While open, the model's forward skips blocks ``< cache.start`` and uses ``states`` as their output.

    ``states`` must match the batch that is run (``[batch, seq, d_model]``, right-padded).
    """
    blocks = decoder_layers(model)
    start = cache.start

    def passthrough(*args: Any, **kwargs: Any) -> Any:
        hidden = args[0] if args else kwargs["hidden_states"]
        return (hidden,) if cache.tuple_output else hidden

    def inject(*args: Any, **kwargs: Any) -> Any:
        hidden = args[0] if args else kwargs["hidden_states"]
        out = states.to(dtype=hidden.dtype, device=hidden.device)
        return (out,) if cache.tuple_output else out

    saved = [blocks[i].forward for i in range(start)]
    try:
        for i in range(start - 1):
            blocks[i].forward = passthrough
        blocks[start - 1].forward = inject
        yield
    finally:
        for i in range(start):
            blocks[i].forward = saved[i]


def from_block(
    model: Any,
    cache: TrunkCache,
    rows: Sequence[int],
    edit: Edit | None = None,
    prefix: SharedPrefix | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Final hidden states (after the final norm) of cached ``rows``, computed from block ``cache.start``.

    Args:
        model: The model the cache was built from (blocks ``start ..`` may have changed since).
        cache: The trunk cache.
        rows: Rows of the cache to run.
        edit: Applied to the cached states of the whole rows before the pass.
        prefix: The rows' shared first ``prefix.length`` tokens, already run (:func:`shared_prefix`): only
            the tokens after it are computed, and position 0 of the result is token ``prefix.length``.

    Returns:
        ``(hidden [len(rows), width, d_model], attention_mask [len(rows), width])``; gradients flow into the
        blocks from ``start`` (train LoRA there), not into the cached states.
    """
    seqs = [cache.seqs[r] for r in rows]
    ids, mask = right_padded(seqs, pad=0)
    states = cache.batch(rows, ids.shape[1])
    if edit is not None:
        states = edit(states)
    return run_from_block(model, cache, ids, mask, states, prefix)


def run_from_block(
    model: Any,
    cache: TrunkCache,
    ids: torch.Tensor,
    mask: torch.Tensor,
    states: torch.Tensor,
    prefix: SharedPrefix | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The pass of :func:`from_block` on prepared right-padded ``ids``, ``mask`` and (edited) ``states``.

    ``prefix``'s key/value cache holds one row per group of ``len(ids) / prefix batch`` consecutive rows
    (one row for all of them, or one per variant of :func:`assay.activations._variants.from_block_variants`).
    """
    device = model_device(model)
    kwargs: dict[str, Any] = {"use_cache": False}
    if prefix is not None:
        p = prefix.length
        ids, mask, states = ids[:, p:], mask[:, p:], states[:, p:]
        kv = copy.deepcopy(prefix.key_values)
        kv.batch_repeat_interleave(len(ids) // prefix.rows)
        full_mask = torch.cat([torch.ones(len(ids), p, dtype=mask.dtype), mask], dim=1)
        kwargs = {"use_cache": True, "past_key_values": kv, "attention_mask": full_mask.to(device)}
    else:
        kwargs["attention_mask"] = mask.to(device)
    with injected(model, cache, states), precision_context(model):
        out = trunk(model)(input_ids=ids.to(device), **kwargs)
    return out.last_hidden_state, mask


@dataclass
class SharedPrefix:
    """The key/value cache of the first ``length`` tokens that every row shares, with their edited states.

    Attributes:
        length: Number of shared tokens.
        key_values: The model's cache after those tokens (every layer).
        states: The (edited) output of block ``start - 1`` at those tokens, ``[length, d_model]``.
        rows: Rows of ``key_values`` (1; one per variant for :mod:`assay.activations._variants`).
    """

    length: int
    key_values: Any
    states: torch.Tensor
    rows: int = 1

    def matches(self, edited: torch.Tensor) -> bool:
        """Whether every row of ``edited`` (``[batch, width, d]``) has these states at the prefix.

        Up to float rounding: the same tokens computed in batches of another shape differ in the last bits.
        """
        return prefix_matches(self.states, edited)


def prefix_matches(head: torch.Tensor, edited: torch.Tensor) -> bool:
    """Whether every row of ``edited`` (``[batch, width, d]``) begins with ``head`` (``[length, d]``).

    Up to float rounding (see :meth:`SharedPrefix.matches`).
    """
    rows = edited[:, : head.shape[0]]
    return bool(torch.allclose(rows, head.expand_as(rows), rtol=1e-4, atol=1e-5))


def shared_prefix(model: Any, cache: TrunkCache, head: torch.Tensor) -> SharedPrefix:
    """Run the rows' shared first ``len(head)`` tokens once, ``head`` replacing block ``start - 1``'s output.

    ``head`` (``[length, d_model]``) is the cached states of those tokens after the edit that
    :func:`from_block` will apply, taken from a batch of the shape the edit is applied to. No gradient. The
    blocks below ``start`` run for real here, so every layer's cache holds ``length`` positions (the position
    bookkeeping of the later pass reads it); only ``head`` enters block ``start``.
    """
    length = head.shape[0]
    head = head[None]
    blocks = decoder_layers(model)

    def replace(_m: Any, _i: Any, output: Any) -> Any:
        if isinstance(output, tuple):
            return (head.to(dtype=output[0].dtype), *output[1:])
        return head.to(dtype=output.dtype)

    ids = torch.tensor([cache.seqs[0][:length]], device=model_device(model))
    handle = blocks[cache.start - 1].register_forward_hook(replace)
    try:
        with no_grad_in_precision(model):
            kv = trunk(model)(input_ids=ids, use_cache=True).past_key_values
    finally:
        handle.remove()
    return SharedPrefix(length, kv, head[0])


def steer(vector: torch.Tensor) -> Edit:
    """Add ``vector`` at every position (what :func:`assay.activations.add_to_residual` does in a hook)."""
    return lambda h: h + vector.to(dtype=h.dtype, device=h.device)


def ablate(direction: torch.Tensor) -> Edit:
    """Project ``direction`` out of the states at every position (directional ablation)."""

    def edit(h: torch.Tensor) -> torch.Tensor:
        d = direction.to(dtype=h.dtype, device=h.device)
        d = d / d.norm()
        out: torch.Tensor = h - (h @ d)[..., None] * d
        return out

    return edit


def patch(source: torch.Tensor, positions: Sequence[int]) -> Edit:
    """Replace the states at ``positions`` (counted in each row) by ``source[..., positions, :]``."""

    def edit(h: torch.Tensor) -> torch.Tensor:
        out = h.clone()
        idx = list(positions)
        out[:, idx] = source[:, idx].to(dtype=h.dtype, device=h.device)
        return out

    return edit
