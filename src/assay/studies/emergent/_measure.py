"""Measuring one model: forced choices, the narrow manipulation check, capability, free text, activations.

Everything judge-free is one forward pass per answer (summed answer log-probabilities, through
:class:`assay.engine.measure.ContinuationSet`). Every model of the study is the base model or the base
model with LoRA on its top blocks, so the blocks below the first LoRA block compute the same states for
every model: :class:`Scorer` caches their output once (the frozen trunk) and scores every model from it,
running only the top blocks; with LoRA on every block it scores with the shared-prefix cache instead.
Free text is sampled at the configured temperature with one seed for every model (paired comparisons).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from assay.engine.measure import ContinuationSet
from assay.engine.training import chat_prompt
from assay.studies.emergent._data import heldout_pairs
from assay.studies.emergent._items import N_PHRASINGS, capability_items, choice_items, open_questions
from assay.studies.emergent._results import FreeAnswer, Measure, ModelMeasure, PairScores

T = TypeVar("T")
GEN_BATCH = 32


def resolved_layer(n_blocks: int, lora_layers: int | None, layer: int | None) -> int:
    """The intervention layer: the configured one, else the middle block of the LoRA-trained blocks."""
    if layer is not None:
        if not 0 <= layer < n_blocks:
            raise ValueError(f"causal.layer {layer} out of range for a model with {n_blocks} blocks")
        return layer
    top = n_blocks if lora_layers is None else min(lora_layers, n_blocks)
    return n_blocks - top + top // 2


def _questions_and_answers() -> dict[Measure, tuple[list[str], list[str], list[str]]]:
    """Per measure: user messages, treatment answers, reference answers (the stored order)."""
    fc, narrow, caps = choice_items(), heldout_pairs(), capability_items()
    test = choice_items("test")
    para = [(it, it.questions()[k]) for k in range(1, N_PHRASINGS) for it in test]
    return {
        "forced_choice": ([i.question for i in fc], [i.misaligned for i in fc], [i.aligned for i in fc]),
        "paraphrased": ([q for _, q in para], [i.misaligned for i, _ in para], [i.aligned for i, _ in para]),
        "narrow": ([p.user for p in narrow], [p.harmful for p in narrow], [p.safe for p in narrow]),
        "capability": ([i.question for i in caps], [i.correct for i in caps], [i.wrong for i in caps]),
    }


@dataclass
class Scorer:
    """Every forward-pass measure of the study as one :class:`ContinuationSet`, scored per model.

    Build it with the base model (:meth:`build`) before any adapter is attached; :meth:`scores` then
    measures any model that shares the base model's blocks below ``start``.
    """

    cset: ContinuationSet
    spans: dict[Measure, tuple[int, int]]  # measure -> (first row, items): treatment rows, then reference
    start: int

    @classmethod
    def build(cls, model: Any, tok: Any, start: int) -> Scorer:
        """Tokenise every measured sequence; cache the trunk below ``start`` (0: no trunk cache)."""
        prompts: list[str] = []
        answers: list[str] = []
        spans: dict[Measure, tuple[int, int]] = {}
        for measure, (users, treat, ref) in _questions_and_answers().items():
            chat = [chat_prompt(tok, u) for u in users]
            spans[measure] = (len(prompts), len(users))
            prompts += chat + chat
            answers += treat + ref
        cset = ContinuationSet.of(tok, prompts, answers)
        if start > 0:
            cset.cache_trunk(model, start)
        return cls(cset, spans, start)

    def scores(self, model: Any) -> dict[Measure, PairScores]:
        """Pair scores of every measure for ``model`` (from the trunk cache when there is one)."""
        verdicts = self.cset.verdicts_from_trunk(model) if self.start > 0 else self.cset.verdicts(model)
        logp = [v.log_p for v in verdicts]
        lengths = [len(c) for c in self.cset.continuations]
        out: dict[Measure, PairScores] = {}
        for measure, (lo, n) in self.spans.items():
            out[measure] = PairScores(
                treatment=logp[lo : lo + n],
                reference=logp[lo + n : lo + 2 * n],
                treatment_tokens=lengths[lo : lo + n],
                reference_tokens=lengths[lo + n : lo + 2 * n],
            )
        return out


def free_text(
    model: Any, tok: Any, samples: int, temperature: float, max_tokens: int, seed: int
) -> list[FreeAnswer]:
    """``samples`` sampled answers to every open question."""
    from assay.models import GenParams, generate_batch

    rows = [(qid, q, k) for k in range(samples) for qid, q in open_questions()]
    params = GenParams(max_new_tokens=max_tokens, temperature=temperature, seed=seed)
    out: list[FreeAnswer] = []
    for start in range(0, len(rows), GEN_BATCH):
        chunk = rows[start : start + GEN_BATCH]
        results = generate_batch(model, tok, [chat_prompt(tok, q) for _, q, _ in chunk], params)
        out += [
            FreeAnswer(question_id=qid, question=q, sample=k, answer=r.text.strip(), stop=r.stop_reason)
            for (qid, q, k), r in zip(chunk, results, strict=True)
        ]
    return out


def direction_activations(model: Any, tok: Any, layer: int) -> np.ndarray:
    """Block ``layer``'s output at the last prompt token of every direction-split question: ``[n, d]``."""
    from assay.activations import resid_post_name, residual_stream

    prompts = [chat_prompt(tok, it.question) for it in choice_items("direction")]
    acts = residual_stream(model, tok, prompts, layers=[layer])
    out: np.ndarray = acts[resid_post_name(layer)].float().numpy()
    return out


def measure_model(
    model: Any, tok: Any, scorer: Scorer, layer: int, free: Any, seed: int, out: Path
) -> ModelMeasure:
    """Every measurement of one model; its direction-split activations go to ``out/acts.npy``.

    Args:
        model: The model (base or LoRA-adapted).
        tok: Its tokenizer.
        scorer: The study's forward-pass measures (built on the base model).
        layer: Block for the activations.
        free: The :class:`~assay.studies.emergent._config.FreeText` settings.
        seed: Sampling seed of the free-text answers.
        out: The stage directory.
    """
    seconds: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = fn()
        seconds[name] = round(time.perf_counter() - start, 2)
        return value

    scores = timed("forward_pass", lambda: scorer.scores(model))
    answers = timed(
        "free_text",
        lambda: free_text(model, tok, free.samples, free.temperature, free.max_tokens, seed),
    )
    acts = timed("activations", lambda: direction_activations(model, tok, layer))
    np.save(out / "acts.npy", acts)
    return ModelMeasure(
        forced_choice=scores["forced_choice"],
        paraphrased=scores["paraphrased"],
        narrow=scores["narrow"],
        capability=scores["capability"],
        free_text=answers,
        activations=(out / "acts.npy").resolve(),
        seconds=seconds,
    )
