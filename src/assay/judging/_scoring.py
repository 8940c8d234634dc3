"""One judge's labels by the configured scoring mode: log-probability where offered, else generate and parse.

``scoring='logprob'`` reads the labels by a chain of forced choices (:func:`score_labels`) and fails when
the model gives no log-probabilities; ``generate`` generates and parses with repair retries (:func:`ask`);
``auto`` uses log-probabilities when the model offers them and the schema allows it, else generates. The
method that produced the labels is returned with them, so scores and calibrations can count it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspect_ai.model import Model

from assay.judging._ask import DEFAULT_RETRIES, JudgeFailure, ask_judge
from assay.judging._calibration import Scoring
from assay.judging._labels_logprob import LabelScores, label_choices, score_labels
from assay.judging._prompt import JudgePrompt


@dataclass
class JudgedLabels:
    """A judge's labels and how they were obtained.

    Attributes:
        labels: The validated labels as JSON values.
        calls: Model calls (a log-probability reading counts as one).
        method: ``exact``, ``top_logprobs`` or ``generate``.
        probability: For a log-probability reading, the probability of the primary label.
        scores: For a log-probability reading, every field's candidate scores.
    """

    labels: dict[str, Any]
    calls: int
    method: str
    probability: float | None = None
    scores: LabelScores | None = None


def _readable(prompt: JudgePrompt) -> bool:
    try:
        label_choices(prompt.labels)
    except ValueError:
        return False
    return True


async def _by_logprob(model: Model, prompt: JudgePrompt, text: str) -> JudgedLabels | None:
    try:
        read = await score_labels(model, text, prompt.labels)
    except ValueError:
        raise
    except Exception as ex:  # any failure of the judge is a judge error
        raise JudgeFailure(f"judge {model} failed to score labels: {type(ex).__name__}: {ex}") from ex
    if read is None:
        return None
    probability = read.probability(prompt.primary) if prompt.primary in read.fields else None
    return JudgedLabels(read.labels, 1, read.method, probability, read)


async def judge_labels(
    model: Model, prompt: JudgePrompt, text: str, scoring: Scoring = "auto", retries: int = DEFAULT_RETRIES
) -> JudgedLabels:
    """The labels ``model`` gives ``text`` (a rendered :class:`JudgePrompt`) under ``scoring``.

    Raises:
        JudgeFailure: The judge failed, no reply was readable, or ``logprob`` was asked of a model that
            gives no log-probabilities.
        ValueError: ``logprob`` was asked of a prompt whose labels are not all ``Literal`` or ``bool``.
    """
    if scoring == "logprob" or (scoring == "auto" and _readable(prompt)):
        judged = await _by_logprob(model, prompt, text)
        if judged is not None:
            return judged
        if scoring == "logprob":
            raise JudgeFailure(f"judge {model} gives no log-probabilities (scoring 'logprob')")
    generated = await ask_judge(model, prompt, text, retries)
    return JudgedLabels(generated.value.model_dump(mode="json"), generated.calls, "generate")
