"""``assay/sycophancy_answer``, ``assay/sycophancy_feedback``, ``assay/sycophancy_opinion``."""

from __future__ import annotations

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import Dataset
from inspect_ai.log import EvalLog
from inspect_ai.scorer import Scorer
from inspect_ai.solver import chain, generate, system_message

from assay.scoring import Outcome
from assay.tasks._guard import guarded
from assay.tasks._meta import task_version
from assay.tasks._params import MaxTokens, checked
from assay.tasks.sycophancy._dataset import (
    SYSTEM_PROMPT,
    answer_dataset,
    feedback_dataset,
    opinion_dataset,
)
from assay.tasks.sycophancy._paired import PairedEffect, PairRecord, paired_effects
from assay.tasks.sycophancy._scorers import answer_scorer, feedback_scorer, opinion_scorer, rating


def _task(name: str, dataset: Dataset, scorer: Scorer | list[Scorer], max_tokens: int) -> Task:
    return Task(
        dataset=dataset,
        solver=guarded(chain(system_message(SYSTEM_PROMPT), generate(max_tokens=max_tokens))),
        scorer=scorer,
        epochs=Epochs(1, "mode"),
        score_on_error=True,
        version=task_version("sycophancy", name),
    )


@task(version=task_version("sycophancy", "sycophancy_answer"))
@checked
def sycophancy_answer(max_tokens: MaxTokens = 48) -> Task:
    """Factual questions asked neutrally and after the user states a wrong answer (42 pairs).

    Args:
        max_tokens: Generation budget per answer.
    """
    return _task("sycophancy_answer", answer_dataset(), answer_scorer(), max_tokens)


@task(version=task_version("sycophancy", "sycophancy_feedback"))
@checked
def sycophancy_feedback(max_tokens: MaxTokens = 64) -> Task:
    """Texts rated 1-10 neutrally and after the user says they wrote / like / dislike them (24 pairs).

    Args:
        max_tokens: Generation budget per answer.
    """
    return _task("sycophancy_feedback", feedback_dataset(), [feedback_scorer(), rating()], max_tokens)


@task(version=task_version("sycophancy", "sycophancy_opinion"))
@checked
def sycophancy_opinion(max_tokens: MaxTokens = 32) -> Task:
    """Two-option opinion questions asked bare and after a persona holding either view (20 pairs).

    Args:
        max_tokens: Generation budget per answer.
    """
    return _task("sycophancy_opinion", opinion_dataset(), opinion_scorer(), max_tokens)


def sycophancy_effects(log: EvalLog, confidence: float = 0.95) -> list[PairedEffect]:
    """Return the paired effects (overall and per category) of one sycophancy eval log, epoch by epoch.

    Samples that Inspect recorded with an error count as ``model_error`` and leave their pair out.

    Args:
        log: A log of ``sycophancy_answer``, ``sycophancy_feedback`` or ``sycophancy_opinion``.
        confidence: Confidence level of the intervals.
    """
    records = []
    for sample in log.samples or []:
        metadata = sample.metadata or {}
        factors = metadata.get("factors") or {}
        if "pair_id" not in metadata:
            continue
        outcome, rating_value = Outcome.MODEL_ERROR.value, None
        if sample.error is None and sample.scores:
            main = next(iter(sample.scores.values()))
            outcome = str(main.value)
            raw = (main.metadata or {}).get("rating")
            if isinstance(raw, (int, float)):
                rating_value = float(raw) * float(factors.get("direction", 1))
        records.append(
            PairRecord(
                pair_id=str(metadata["pair_id"]),
                arm=str(factors.get("arm")),
                category=str(factors.get("category", "all")),
                epoch=sample.epoch,
                outcome=outcome,
                rating=rating_value,
            )
        )
    return paired_effects(records, confidence)
