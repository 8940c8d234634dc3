"""Run ``assay/audit`` on scripted auditor, target and judges: the helpers several audit tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ai import eval
from inspect_ai.log import EvalLog, EvalSample
from inspect_ai.model import get_model
from tests.scoring.rubric.rubric_helpers import judge_reply, judge_script

from assay.scoring.rubric import load_rubric
from assay.tasks.audit import audit

SCRIPTS = Path(__file__).parent / "scripts"
RUBRIC = load_rubric()


def scripted(path: Path | str) -> Any:
    """The scripted model replaying ``path`` (a name in ``scripts/`` or a full path)."""
    return get_model("assay/scripted", script=str(SCRIPTS / path), memoize=False)


def run(
    tmp_path: Path,
    target: str,
    auditor: str | None = None,
    judge_text: str | None = None,
    roles: dict[str, Any] | None = None,
    **args: Any,
) -> EvalLog:
    """One audit eval with a scripted target, auditor and rubric judge (``roles`` adds more roles)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    reply = judge_text or judge_reply(RUBRIC, {"concerning": 4, "unauthorised_action": 3}, cite="M5")
    bound: dict[str, Any] = {"judge": scripted(judge_script(tmp_path / "judge.yaml", reply))}
    if auditor:
        bound["auditor"] = scripted(auditor)
    [log] = eval(
        audit(**args),
        model=scripted(target),
        model_roles=bound | (roles or {}),
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success", log.error
    return log


def only(log: EvalLog) -> EvalSample:
    """The log's one sample."""
    assert log.samples is not None and len(log.samples) == 1
    return log.samples[0]


def score_of(sample: EvalSample) -> Any:
    """The audit scorer's score of a sample."""
    assert sample.scores is not None
    return sample.scores["audit_scorer"]
