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

from assay.scoring import harmful_rate, outcome_counts
from assay.scoring.rubric import judge_state, load_rubric, resolve_rubric_judges, rubric_means
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
def audit_scorer(rubric: str | None = None, judge: str | Sequence[str] | None = None) -> Scorer:
    """The rubric judge over the audit's transcript, with the audit record added to the metadata.

    Args:
        rubric: ``builtin`` or a rubric YAML file.
        judge: Judge model(s); default: the ``judge`` model role.
    """
    loaded = load_rubric(rubric)

    async def score(state: TaskState, target: Target) -> Score:
        result = await judge_state(state, loaded, resolve_rubric_judges(judge))
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
    """
    from inspect_ai.model import GenerateConfig

    load_rubric(rubric)  # fail at once on a bad rubric file
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
        scorer=audit_scorer(rubric=rubric, judge=judge),
        config=GenerateConfig(temperature=temperature),
        epochs=Epochs(1, "mode"),
        version=AUDIT_TASK_VERSION,
        metadata={"task_family": "audit", "replay": bool(replay)},
    )
