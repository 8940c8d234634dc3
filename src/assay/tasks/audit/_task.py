"""``assay/audit``: an auditor model builds and drives a scenario per seed; the rubric judge scores it.

With ``replay=PATH`` the task instead replays frozen scenarios (saved by an earlier audit) against the
task's model, without any auditor, so that several targets face exactly the same prompts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState
from pydantic import Field

from assay.judging import Scoring
from assay.scoring import harmful_rate, outcome_counts
from assay.scoring.rubric import (
    DEFAULT_GROUP_SIZE,
    judge_state,
    load_rubric,
    load_rubric_validation,
    resolve_rubric_judges,
    rubric_means,
    rubric_settings,
)
from assay.tasks._meta import task_version
from assay.tasks._params import MaxTurns, Temperature, checked
from assay.tasks.audit._frozen import FrozenScenario, load_scenarios
from assay.tasks.audit._realism import REALISM_METADATA_KEY
from assay.tasks.audit._seeds import Seed, check_seed_risks, select_seeds
from assay.tasks.audit._solver import AUDIT_METADATA_KEY, DEFAULT_IDLE_REPLIES, auditor_agent, replay_agent

#: Task version (from the family's ``eval.yaml``): bump it there when results stop being comparable
#: (protocol, prompt, seeds or rubric change).
AUDIT_TASK_VERSION = task_version("audit", "audit")

#: Auditor replies per audit.
AuditorSteps = Annotated[int, Field(ge=1, le=1000)]

#: Consecutive auditor replies without a tool call allowed.
IdleReplies = Annotated[int, Field(ge=0, le=100)]


def seed_samples(seeds: list[Seed]) -> list[Sample]:
    """One sample per seed (the auditor builds the scenario at run time)."""
    return [
        Sample(
            id=s.id,
            input=s.instruction,
            metadata={
                "task_family": "audit",
                "seed_id": s.id,
                "seed": s.instruction,
                "risk": s.risk,
                "condition_id": s.id,
                "factors": {"risk": s.risk},
            },
        )
        for s in seeds
    ]


def replay_samples(scenarios: list[FrozenScenario]) -> list[Sample]:
    """One sample per frozen scenario; the prompt hash is the scenario's hash."""
    return [
        Sample(
            id=s.sample_id,
            input=s.seed,
            metadata={
                "task_family": "audit",
                "seed_id": s.seed_id,
                "seed": s.seed,
                "risk": s.risk,
                "condition_id": s.seed_id,
                "factors": {"risk": s.risk},
                "scenario": s.model_dump(mode="json"),
                "prompt_sha256": s.sha256,
            },
        )
        for s in scenarios
    ]


@scorer(metrics=[outcome_counts(), harmful_rate(), rubric_means()])
def audit_scorer(
    rubric: str | None = None,
    judge: str | Sequence[str] | None = None,
    rubric_group_size: int = DEFAULT_GROUP_SIZE,
    rubric_scoring: Scoring = "auto",
    rubric_validation: str | None = None,
) -> Scorer:
    """The rubric judge over the audit's transcript, with the audit record added to the metadata.

    Args:
        rubric: ``builtin`` or a rubric YAML file.
        judge: Judge model(s); default: the ``judge`` model role.
        rubric_group_size: Dimensions per generated judge call.
        rubric_scoring: ``auto``, ``generate`` or ``logprob`` (see :mod:`assay.scoring.rubric`).
        rubric_validation: The rubric judge's calibration JSON (``assay calibrate rubric-judge --out F``).
    """
    loaded = load_rubric(rubric)
    settings = rubric_settings(group_size=rubric_group_size, scoring=rubric_scoring)
    validations = [load_rubric_validation(rubric_validation, loaded)] if rubric_validation else []

    async def score(state: TaskState, target: Target) -> Score:
        judges = resolve_rubric_judges(judge)
        result = await judge_state(state, loaded, judges, validations, settings)
        record = state.store.get(AUDIT_METADATA_KEY) or {}
        realism = {k: v for k, v in (record.get("realism") or {}).items() if k != "turns"}
        result.metadata = (result.metadata or {}) | {
            AUDIT_METADATA_KEY: state.store.get(AUDIT_METADATA_KEY),
            REALISM_METADATA_KEY: realism or None,
        }
        return result

    return score


@task(version=AUDIT_TASK_VERSION)
@checked
def audit(
    seeds: str | list[str] | None = None,
    max_turns: MaxTurns = 10,
    rubric: str | None = None,
    judge: str | list[str] | None = None,
    replay: str | None = None,
    save_dir: str | None = None,
    max_auditor_steps: AuditorSteps | None = None,
    temperature: Temperature = 1.0,
    idle_replies: IdleReplies = DEFAULT_IDLE_REPLIES,
    realism: str | None = None,
    rubric_group_size: int = DEFAULT_GROUP_SIZE,
    rubric_scoring: Scoring = "auto",
    rubric_validation: str | None = None,
) -> Task:
    """Automated audit: the ``auditor`` role builds the scenario, the task's model is the target.

    Args:
        seeds: Seed ids (comma-separated or list) of the built-in seeds, or a seeds YAML file; default: all.
        max_turns: Target replies (over all branches) per audit.
        rubric: ``builtin`` (default) or a rubric YAML file for the judge.
        judge: Judge model(s); default: the ``judge`` model role (no judge: every sample is ``judge_error``).
        replay: Replay frozen scenarios instead (a directory of ``*.json``, one file, or an audit ``.eval``
            log); no auditor is used and ``seeds``/``max_turns`` are ignored.
        save_dir: Also write each completed scenario to this directory (they are always in the log).
        max_auditor_steps: Auditor replies per audit (default ``3 * max_turns + 5``).
        temperature: Sampling temperature of the target (``--temperature`` overrides).
        idle_replies: Consecutive auditor replies without a tool call allowed (each gets a reminder); one
            more ends the audit as ``auditor_error``.
        realism: Realism judge model scoring each turn's auditor-written input 0-10; default: the
            ``realism`` model role; none: turns recorded as not scored.
        rubric_group_size: Dimensions per generated call of the rubric judge.
        rubric_scoring: How the rubric judge is read: ``auto`` (by log-probability where the judge offers
            it, else generated in groups), ``generate`` or ``logprob``.
        rubric_validation: The rubric judge's calibration JSON, recorded in the classifier record
            (checklist S3.4/S3.5); a calibration of another setup reads as stale.
    """
    from inspect_ai.model import GenerateConfig

    rubric_settings(group_size=rubric_group_size, scoring=rubric_scoring)  # a bad value fails at once
    if rubric_validation:
        load_rubric_validation(rubric_validation, load_rubric(rubric))
    if replay:
        scenarios = load_scenarios(replay)
        dataset = MemoryDataset(replay_samples(scenarios), name="assay-audit-replay")
        solver = replay_agent()
    else:
        chosen = select_seeds(seeds)
        check_seed_risks(chosen, load_rubric(rubric))
        dataset = MemoryDataset(seed_samples(chosen), name="assay-audit")
        solver = auditor_agent(
            max_turns=max_turns,
            max_auditor_steps=max_auditor_steps,
            save_dir=save_dir,
            idle_replies=idle_replies,
            realism=realism,
        )
    return Task(
        dataset=dataset,
        solver=solver,
        scorer=audit_scorer(rubric, judge, rubric_group_size, rubric_scoring, rubric_validation),
        config=GenerateConfig(temperature=temperature),
        epochs=Epochs(1, "mode"),
        version=AUDIT_TASK_VERSION,
        metadata={"task_family": "audit", "replay": bool(replay)},
    )
