"""Asking a judge: one call, bounded repair retries, and a failure that is its own outcome.

A reply that does not parse (or was cut off at the token limit) is answered with a short repair message
naming the problem, and the judge replies again, at most ``retries`` times. The number of calls and the
problems met are returned with the value, so reports can count retries per judge and per dimension. A
judge that still fails raises :class:`JudgeFailure`; callers turn that into ``judge_error``, never into a
behaviour outcome. A failed model call is not retried here: Inspect already retries transport errors.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from inspect_ai.model import ChatMessage, ChatMessageUser, GenerateConfig, Model
from pydantic import BaseModel, ConfigDict, Field

from assay.judging._calibration import Scoring
from assay.judging._parse import ReplyError, parse_labels
from assay.judging._prompt import JudgePrompt
from assay.judging._roles import JUDGE_GENERATE_CONFIG, model_keys

#: Repair retries after an unreadable or cut-off reply (so at most ``1 + DEFAULT_RETRIES`` calls).
DEFAULT_RETRIES = 2

T = TypeVar("T")


class JudgeFailure(Exception):
    """A judge could not produce a valid reply (model error, empty, unparseable or invalid reply).

    Attributes:
        calls: Model calls made before giving up.
        problems: What was wrong with each reply, in order.
    """

    def __init__(self, message: str, calls: int = 1, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.calls = calls
        self.problems = list(problems)


@dataclass
class Judged(Generic[T]):
    """A judge's read reply with how it was obtained.

    Attributes:
        value: What the reader returned.
        calls: Model calls made (``calls - 1`` retries).
        problems: What was wrong with each rejected reply.
        reply: The accepted reply's text.
    """

    value: T
    calls: int = 1
    problems: list[str] = field(default_factory=list)
    reply: str = ""

    @property
    def retries(self) -> int:
        """Calls after the first."""
        return self.calls - 1


def repair_message(problem: str, cut_off: bool) -> str:
    """The message sent after a rejected reply: what was wrong and what to send instead."""
    if cut_off:
        return (
            "Your reply was cut off at the length limit before it was complete. Reply again with the "
            "complete answer in the requested format, keeping every free-text field shorter."
        )
    return (
        f"Your reply could not be used: {problem}. Reply again with only the answer in the requested format."
    )


async def ask(
    model: Model,
    input: str | list[ChatMessage],
    read: Callable[[str], T],
    *,
    config: GenerateConfig = JUDGE_GENERATE_CONFIG,
    retries: int = DEFAULT_RETRIES,
) -> Judged[T]:
    """Ask ``model`` and read its reply with ``read`` (which raises :class:`ReplyError` on a bad reply).

    Raises:
        JudgeFailure: The call failed or returned an error, or no reply was readable in ``1 + retries``
            calls.
    """
    messages: list[ChatMessage] = [ChatMessageUser(content=input)] if isinstance(input, str) else list(input)
    problems: list[str] = []
    for call in range(1, retries + 2):
        try:
            output = await model.generate(messages, config=config)
        except Exception as ex:  # any failure of the judge is a judge error
            raise JudgeFailure(f"judge {model} failed: {type(ex).__name__}: {ex}", call, problems) from ex
        if output.error:
            raise JudgeFailure(f"judge {model} returned an error: {output.error}", call, problems)
        text = output.completion
        cut_off = output.stop_reason == "max_tokens"
        try:
            if not text.strip():
                raise ReplyError("the reply was empty")
            return Judged(value=read(text), calls=call, problems=problems, reply=text)
        except ReplyError as ex:
            problems.append(f"{ex} (cut off at max_tokens={config.max_tokens})" if cut_off else str(ex))
            messages = [*messages, output.message, ChatMessageUser(content=repair_message(str(ex), cut_off))]
    raise JudgeFailure(
        f"judge {model}: no usable reply in {retries + 1} call(s): {problems[-1]}", retries + 1, problems
    )


async def ask_judge(
    model: Model, prompt: JudgePrompt, text: str, retries: int = DEFAULT_RETRIES
) -> Judged[BaseModel]:
    """Ask one judge with a :class:`JudgePrompt`'s rendered ``text``; its labels validated.

    Raises:
        JudgeFailure: See :func:`ask`.
    """
    return await ask(model, text, lambda reply: parse_labels(reply, prompt.labels), retries=retries)


class PanelResult(BaseModel):
    """Labels (or the failure) of every judge on one item, in judge order, with the calls each took.

    ``methods`` says per judge how its labels were read (``exact``, ``top_logprobs`` or ``generate``);
    ``probabilities`` holds, for a judge read by log-probability, the probability of its primary label.
    """

    model_config = ConfigDict(extra="forbid")

    judges: list[str]
    labels: dict[str, dict[str, Any]] = Field(default_factory=dict)
    errors: dict[str, str] = Field(default_factory=dict)
    calls: dict[str, int] = Field(default_factory=dict)
    methods: dict[str, str] = Field(default_factory=dict)
    probabilities: dict[str, float] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every judge produced labels."""
        return not self.errors and len(self.labels) == len(self.judges)

    @property
    def retries(self) -> int:
        """Repair retries over all judges."""
        return sum(max(0, c - 1) for c in self.calls.values())

    def majority(self, field: str) -> Any:
        """Most common value of ``field`` among the judges; a tie goes to the earliest judge in the tie.

        Raises:
            JudgeFailure: No judge gave labels.
        """
        values = [self.labels[j][field] for j in self.judges if j in self.labels]
        if not values:
            raise JudgeFailure(f"no judge labels for {field!r}")
        counts = Counter(json.dumps(v) for v in values)
        best = max(counts.values())
        return next(v for v in values if counts[json.dumps(v)] == best)

    def unanimous(self, field: str) -> bool:
        """Whether all judges agree on ``field``."""
        values = {json.dumps(self.labels[j][field]) for j in self.judges if j in self.labels}
        return len(values) <= 1


async def ask_panel(
    models: Sequence[Model],
    prompt: JudgePrompt,
    text: str,
    retries: int = DEFAULT_RETRIES,
    scoring: Scoring = "auto",
) -> PanelResult:
    """Ask every judge in ``models`` (log-probability or generate, per ``scoring``); failures collected."""
    from assay.judging._scoring import judge_labels

    keys = model_keys(models)
    result = PanelResult(judges=keys)
    for key, model in zip(keys, models, strict=True):
        try:
            judged = await judge_labels(model, prompt, text, scoring, retries)
        except JudgeFailure as ex:
            result.errors[key], result.calls[key] = str(ex), ex.calls
            continue
        result.labels[key], result.calls[key] = judged.labels, judged.calls
        result.methods[key] = judged.method
        if judged.probability is not None:
            result.probabilities[key] = judged.probability
    return result


def judge_config(
    models: Sequence[Model], prompt: JudgePrompt, retries: int = DEFAULT_RETRIES, scoring: Scoring = "auto"
) -> dict[str, Any]:
    """The ``Score.metadata["judge_config"]`` record: models, prompt version and hash, retries, scoring."""
    return {
        "models": model_keys(models),
        "prompt": prompt.name,
        "prompt_version": prompt.version,
        "prompt_sha256": prompt.sha256,
        "retries": retries,
        "scoring": scoring,
        "aggregation": "majority; ties go to the first judge listed",
    }
