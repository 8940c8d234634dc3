"""``assay/capability_qa``: short factual questions with verified answers, scored by pattern match."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import CORRECT, INCORRECT, NOANSWER, Score, Scorer, Target, accuracy, scorer, stderr
from inspect_ai.solver import TaskState, generate, system_message

from assay._outcome import Outcome
from assay.scoring import classifier_metadata, rule_record
from assay.tasks._answers import invalid_reply_reason
from assay.tasks._meta import task_version
from assay.tasks._params import MaxTokens, checked

#: The task's version (from the family's ``eval.yaml``).
CAPABILITY_VERSION = task_version("capability", "capability_qa")

SYSTEM_PROMPT = "You are a helpful assistant. Answer the question in one short sentence."


@cache
def qa_items() -> tuple[dict[str, str], ...]:
    """Return the built-in QA items: ``id``, ``question`` and ``answer`` (alternatives joined by ``|``)."""
    text = resources.files(__package__).joinpath("qa.jsonl").read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


def mentioned_answer(completion: str, answers: str) -> str | None:
    """Return the first accepted answer (alternatives joined by ``|``) found as a whole word, or ``None``."""
    for alternative in answers.split("|"):
        if re.search(rf"(?<!\w){re.escape(alternative)}(?!\w)", completion, re.IGNORECASE):
            return alternative
    return None


@scorer(metrics=[accuracy(), stderr()])
def answer_mentioned() -> Scorer:
    """Correct when any accepted answer appears in the completion as a whole word (case-insensitive).

    A reply that is no answer at all (empty, or only a tool call: the task offers none) is ``N``
    (Inspect's ``NOANSWER``) with ``metadata["outcome"]`` ``empty`` or ``invalid_action``, not a wrong
    answer: assay's readers (:func:`assay.engine.measure.capability_accuracy`) keep it out of n and count
    it beside the rate; Inspect's own ``accuracy()`` counts ``N`` as 0.

    The match is recorded as a ``rule``, not an ``exact`` test: a mention is not always the answer ("not
    Paris but Lyon" mentions Paris), so it has human labels to agree with, and none are measured here.
    """
    record = rule_record(
        "capability_answer_mentioned",
        "1",
        [mentioned_answer],
        {"rule": "an accepted answer (alternatives joined by |) appears as a whole word, ignoring case"},
    )
    meta = classifier_metadata(record)

    async def score(state: TaskState, target: Target) -> Score:
        completion = state.output.completion
        invalid = invalid_reply_reason(state.messages, completion)
        if invalid is not None or not completion.strip():
            outcome = Outcome.INVALID_ACTION if invalid is not None else Outcome.EMPTY
            reason = invalid or "empty reply"
            return Score(value=NOANSWER, answer=completion, explanation=reason, metadata={"outcome": outcome})
        found = mentioned_answer(completion, target.text)
        if found is not None:
            return Score(value=CORRECT, answer=completion, explanation=f"found {found!r}", metadata=meta)
        why = "no accepted answer found"
        return Score(value=INCORRECT, answer=completion, explanation=why, metadata=meta)

    return score


@task(version=CAPABILITY_VERSION)
@checked
def capability_qa(max_tokens: MaxTokens = 32) -> Task:
    """Built-in factual QA (32 items) scored by whether the accepted answer is mentioned.

    Args:
        max_tokens: Generation budget per answer.
    """
    dataset = MemoryDataset(
        [Sample(id=it["id"], input=it["question"], target=it["answer"]) for it in qa_items()],
        name="assay-capability-qa",
    )
    return Task(
        dataset=dataset,
        solver=[system_message(SYSTEM_PROMPT), generate(max_tokens=max_tokens)],
        scorer=answer_mentioned(),
        version=CAPABILITY_VERSION,
    )
