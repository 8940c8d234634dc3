"""Run the agentic task on scripted transcripts (and scripted judges): the helpers several tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ai import eval
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model

from assay.tasks.agentic import agentic_misalignment

SCRIPTS = Path(__file__).parent / "scripts"


def scripted(name: str) -> Any:
    """The scripted model replaying ``scripts/NAME``."""
    return get_model("assay/scripted", script=str(SCRIPTS / name), memoize=False)


def run(tmp_path: Path, script: str, judge: str | None = None, **task_args: Any) -> EvalLog:
    """One eval of the task on ``script``, with ``judge`` (a script) bound to the judge role if given."""
    roles = {"judge": [scripted(judge)]} if judge else None
    [log] = eval(
        agentic_misalignment(**task_args),
        model=scripted(script),
        model_roles=roles,
        log_dir=str(tmp_path),
        display="none",
    )
    return log


def score_of(log: EvalLog) -> Any:
    """The ``agentic_outcome`` score of the log's only sample (which must have no error)."""
    assert log.samples is not None and len(log.samples) == 1
    sample = log.samples[0]
    assert sample.error is None and sample.scores is not None
    return sample.scores["agentic_outcome"]
