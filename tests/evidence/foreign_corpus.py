"""A corpus of other evals' Inspect logs, written offline with Inspect's ``mockllm/model``.

Each task is small (2 to 8 samples) and uses Inspect's own scorers or a plain custom scorer, the way an eval
that is not assay's would. The model's reply is chosen per sample by a tag in the prompt:
``[say:TEXT]`` makes ``mockllm/model`` answer ``TEXT`` (no tag: Inspect's default reply). Nothing is
downloaded. :func:`write_log` runs one task of :data:`TASKS` into a folder and returns the log path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspect_ai import Epochs, Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessage, GenerateConfig, Model, ModelOutput, ModelUsage, get_model
from inspect_ai.scorer import (
    Score,
    Scorer,
    Target,
    accuracy,
    choice,
    exact,
    f1,
    includes,
    match,
    mean,
    model_graded_qa,
    pattern,
    scorer,
)
from inspect_ai.solver import Generate, Solver, TaskState, generate, multiple_choice, solver

_SAY = re.compile(r"\[say:([^\]]*)\]")


def _reply(messages: list[ChatMessage], tools: Any, tool_choice: Any, config: GenerateConfig) -> ModelOutput:
    text = "\n".join(m.text for m in messages)
    said = _SAY.findall(text)
    content = said[-1] if said else "Default output from mockllm/model"
    return _output(content)


def _output(content: str) -> ModelOutput:
    # usage given, so mockllm does not count tokens with tiktoken (which would download its encoding)
    out = ModelOutput.from_content(model="mockllm/model", content=content)
    out.usage = ModelUsage(
        input_tokens=10, output_tokens=len(content.split()), total_tokens=10 + len(content.split())
    )
    return out


def mock_model() -> Model:
    """``mockllm/model`` answering each prompt's ``[say:...]`` tag."""
    return get_model("mockllm/model", custom_outputs=_reply, memoize=False)


def _samples(says: list[str], targets: list[str] | None = None, **extra: Any) -> list[Sample]:
    targets = targets or [""] * len(says)
    return [
        Sample(id=f"s{i}", input=f"Question {i}. [say:{s}]", target=t, **extra)
        for i, (s, t) in enumerate(zip(says, targets, strict=True))
    ]


@scorer(metrics=[mean()])
def dict_scorer() -> Scorer:
    """A custom scorer returning a dict with several numeric keys and no common verdict key."""

    async def score(state: TaskState, target: Target) -> Score:
        bad = "bad" in state.output.completion
        return Score(value={"toxicity": 0.9 if bad else 0.1, "refusal": 0 if bad else 1})

    return score


@scorer(metrics=[mean()])
def float_scorer() -> Scorer:
    """Numeric scores in [0, 1] that are not 0/1."""

    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=len(state.output.completion) % 5 / 4)

    return score


@scorer(metrics=[accuracy()])
def letter_scorer() -> Scorer:
    """Inspect's letters, including ``P`` (partial) and ``N`` (no answer): the reply is the letter."""

    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=state.output.completion.strip()[:1] or "N")

    return score


@scorer(metrics=[mean()])
def bool_scorer() -> Scorer:
    """Boolean scores."""

    async def score(state: TaskState, target: Target) -> Score:
        return Score(value="yes" in state.output.completion)

    return score


@scorer(metrics=[mean()])
def odd_scorer() -> Scorer:
    """Values a converter may not read: a list, ``None`` in a dict, text that is no verdict."""

    async def score(state: TaskState, target: Target) -> Score:
        said = state.output.completion
        if said == "list":
            return Score(value=[1, 0])
        if said == "none":
            return Score(value={"score": None})
        if said == "nan":
            return Score(value=float("nan"))
        if said == "essay":
            return Score(value="A long answer.\n" * 10)
        return Score(value={"score": said})

    return score


@solver
def explode(on: str = "boom") -> Solver:
    """Raise in samples whose prompt contains ``on``."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if on in state.input_text:
            raise RuntimeError(f"solver exploded on {state.sample_id}")
        return await generate(state)

    return solve


def _grader(grade: str) -> Model:
    return get_model("mockllm/model", custom_outputs=_grades(grade), memoize=False)


def _grades(grade: str) -> Callable[..., ModelOutput]:
    def reply(
        messages: list[ChatMessage], tools: Any, tool_choice: Any, config: GenerateConfig
    ) -> ModelOutput:
        text = "\n".join(m.text for m in messages)
        if "meh" in text:  # no grade in the reply: Inspect scores the sample Score.unscored()
            return _output("I cannot decide.")
        return _output(f"Reasoning.\nGRADE: {'C' if 'Submission]: right' in text else grade}")

    return reply


def _task(dataset: list[Sample], solver: Any, scorer: Any, **kwargs: Any) -> Task:
    return Task(dataset=MemoryDataset(dataset), solver=solver, scorer=scorer, **kwargs)


def _tasks() -> dict[str, Callable[[], Task]]:
    yes4 = ["yes", "yes", "no", "no"]
    return {
        "match": lambda: _task((_samples(["42", "41", "42", "7"], ["42"] * 4)), generate(), match()),
        "includes": lambda: _task(
            (_samples(["the cat sat", "a dog", "cat!", "bird"], ["cat"] * 4)), generate(), includes()
        ),
        "choice": lambda: _task(
            (
                [
                    Sample(id=i, input=f"Pick. [say:ANSWER: {a}]", choices=["x", "y", "z"], target=t)
                    for i, (a, t) in enumerate([("A", "A"), ("B", "A"), ("C", "C"), ("A", "B")], start=1)
                ]
            ),
            multiple_choice(),
            choice(),
        ),
        "pattern": lambda: _task(
            (_samples(["ans=12", "ans=3", "nothing", "ans=12"], ["12"] * 4)),
            generate(),
            pattern(r"ans=(\d+)"),
        ),
        "exact": lambda: _task((_samples(["Paris", "paris ", "Lyon"], ["Paris"] * 3)), generate(), exact()),
        "f1": lambda: _task(
            (_samples(["the red fox", "red", "blue sky", "the red fox"], ["the red fox"] * 4)),
            generate(),
            f1(),
        ),
        "graded_qa": lambda: _task(
            (_samples(["right answer", "wrong", "right", "meh"], ["right"] * 4)),
            generate(),
            model_graded_qa(model=_grader("I"), partial_credit=True),
        ),
        "graded_partial": lambda: _task(
            (_samples(["right answer", "wrong", "meh"], ["right"] * 3)),
            generate(),
            model_graded_qa(model=_grader("P"), partial_credit=True),
        ),
        "dict": lambda: _task((_samples(["bad", "fine", "bad", "ok"])), generate(), dict_scorer()),
        "floats": lambda: _task((_samples(["a", "ab", "abc", "abcd"])), generate(), float_scorer()),
        "letters": lambda: _task((_samples(["C", "I", "P", "N", "C", "P"])), generate(), letter_scorer()),
        "bools": lambda: _task((_samples(yes4)), generate(), bool_scorer()),
        "multi": lambda: _task(
            (_samples(["cat yes", "dog", "cat", "yes"], ["cat"] * 4)),
            generate(),
            [includes(), bool_scorer()],
        ),
        "twice": lambda: _task(
            _samples(["cat", "dog", "cat"], ["cat"] * 3), generate(), [includes(), includes()]
        ),
        "odd": lambda: _task(
            (_samples(["list", "none", "maybe", "1", "nan", "essay"])), generate(), odd_scorer()
        ),
        "epochs": lambda: _task(
            (_samples(["cat", "dog", "cat"], ["cat"] * 3)),
            generate(),
            includes(),
            epochs=Epochs(3, ["mean", "mode"]),
        ),
        "errors": lambda: _task(
            (_samples(["cat", "boom", "cat", "dog", "boom"], ["cat"] * 5)),
            explode(),
            includes(),
            fail_on_error=0.5,
        ),
        "failed": lambda: _task(
            (_samples(["cat", "boom", "cat", "dog"], ["cat"] * 4)), explode(), includes()
        ),
        "limits": lambda: _task(
            (_samples(["cat", "dog", "cat"], ["cat"] * 3)),
            [generate(), generate(), generate()],
            includes(),
            message_limit=2,
        ),
        "metadata": lambda: _task(
            (
                [
                    Sample(id=7, input="Q. [say:cat]", target="cat"),
                    Sample(
                        id="b", input="Q. [say:dog]", target="cat", metadata={"tags": ["x", "y"], "w": None}
                    ),
                    Sample(id=9, input="Q. [say:cat]", target="cat", metadata={"lvl": 2, "nest": {"k": [1]}}),
                    Sample(id="d", input="Q. [say:cat]", target="cat", metadata={"lvl": 3.5, "flag": True}),
                ]
            ),
            generate(),
            includes(),
        ),
        "empty": lambda: _task([], generate(), includes()),
    }


TASKS: dict[str, Callable[[], Task]] = _tasks()


def write_log(name: str, log_dir: Path, *, log_format: str = "eval", **kwargs: Any) -> Path:
    """Run task ``name`` of :data:`TASKS` on the mock model; return the log file."""
    from inspect_ai import eval as inspect_eval

    task = TASKS[name]()
    task._name = name  # the log's task name
    logs = inspect_eval(
        task,
        model=mock_model(),
        log_dir=str(log_dir),
        log_format=log_format,  # type: ignore[arg-type]
        display="none",
        max_connections=1,
        **kwargs,
    )
    return Path(str(logs[0].location))


def rewrite(log: Path, out: Path, *, status: str, keep: int) -> Path:
    """Copy ``log`` to ``out`` as a run stopped with ``status`` (``cancelled``, ...) after ``keep`` samples.

    Inspect refuses to run an empty dataset, so a log with zero samples is made this way. The format follows
    ``out``'s suffix (``.json`` or ``.eval``).
    """
    from inspect_ai.log import read_eval_log, write_eval_log

    full = read_eval_log(str(log))
    full.status = status  # type: ignore[assignment]
    full.samples = (full.samples or [])[:keep]
    full.results = None if status != "success" else full.results
    out.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(full, str(out), format="json" if out.suffix == ".json" else "eval")
    return out
