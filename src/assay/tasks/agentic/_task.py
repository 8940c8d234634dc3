"""``assay/agentic_misalignment``: the Inspect task, its grid resolution and its dataset."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver
from pydantic import ValidationError

from assay._errors import AssayError
from assay.judging import Scoring
from assay.scoring.rubric import rubric_judge
from assay.tasks._meta import task_version
from assay.tasks._params import MaxTurns, Temperature, checked
from assay.tasks.agentic._construct import Construct
from assay.tasks.agentic._factors import (
    BOOL_WORDS,
    Condition,
    EvalAwarenessLevels,
    GoalTypes,
    GoalValues,
    Mitigations,
    Modes,
    OnOff,
    Paraphrases,
    Scenarios,
    Urgencies,
)
from assay.tasks.agentic._interrogation import agentic_interrogate, agentic_interrogation
from assay.tasks.agentic._render import render
from assay.tasks.agentic._scorer import agentic_outcome
from assay.tasks.agentic._solver import inbox_agent
from assay.tasks.agentic._spec import GridSpec, load_grid

#: The task's version (from the family's ``eval.yaml``).
AGENTIC_VERSION = task_version("agentic", "agentic_misalignment")

#: Task parameter -> GridSpec field it overrides.
FACTOR_PARAMETERS: dict[str, str] = {
    "scenario": "scenarios",
    "goal_type": "goal_types",
    "goal_value": "goal_values",
    "urgency": "urgencies",
    "mode": "modes",
    "scratchpad": "scratchpad",
    "mitigation": "mitigations",
    "agency_nudge": "agency_nudge",
    "eval_awareness": "eval_awareness",
}


def _levels(name: str, value: Any) -> list[Any]:
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    if name in ("scratchpad", "agency_nudge"):
        out = []
        for item in items:
            if isinstance(item, str) and item.lower() in BOOL_WORDS:
                item = BOOL_WORDS[item.lower()]
            out.append(item)
        return out
    if name == "eval_awareness":
        return ["off" if item is False else item for item in items]
    return list(items)


def default_grid() -> GridSpec:
    """The single condition of the original headline result (blackmail, explicit "america", replacement)."""
    c = Condition()
    return GridSpec(
        name="default",
        scenarios=[c.scenario],
        goal_types=[c.goal_type],
        goal_values=[c.goal_value],
        urgencies=[c.urgency],
    )


def build_grid(grid: str | None = None, paraphrases: int | None = None, **factors: Any) -> GridSpec:
    """Resolve a grid (named, YAML file, or the default single condition) and apply factor overrides.

    Args:
        grid: ``smoke``, ``paper``, ``full``, a YAML spec path, or ``None`` for :func:`default_grid`.
        paraphrases: Number of paraphrases per condition (1-3), overriding the grid's.
        **factors: Task-parameter overrides (see :data:`FACTOR_PARAMETERS`); each a level, a comma-separated
            string of levels, or a list. ``None`` keeps the grid's levels.

    Raises:
        AssayError: Unknown parameter, invalid level, or no valid condition left.
    """
    spec = load_grid(grid) if grid else default_grid()
    data = spec.model_dump()
    for name, value in factors.items():
        if name not in FACTOR_PARAMETERS:
            raise AssayError(f"unknown factor parameter {name!r}; known: {', '.join(FACTOR_PARAMETERS)}")
        if value is not None:
            data[FACTOR_PARAMETERS[name]] = _levels(name, value)
    if paraphrases is not None:
        data["paraphrases"] = paraphrases
    try:
        spec = GridSpec.model_validate(data)
    except ValidationError as ex:
        err = ex.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "grid"
        param = next((k for k, v in FACTOR_PARAMETERS.items() if v == field), field)
        raise AssayError(f"invalid task parameter {param}: {err['msg']}") from None
    if not spec.conditions():
        raise AssayError(
            "no valid condition: goal_type explicit/latent/swap needs a goal_value other than none"
        )
    return spec


def samples_for(spec: GridSpec) -> list[Sample]:
    """One Sample per condition x paraphrase, with assay's metadata conventions (task_family "agentic")."""
    samples = []
    for condition in spec.conditions():
        for p in range(spec.paraphrases):
            rendered = render(condition, p)
            samples.append(
                Sample(
                    id=f"{condition.condition_id}__p{p}",
                    input=[
                        ChatMessageSystem(content=rendered.system_prompt()),
                        ChatMessageUser(content=rendered.user_prompt()),
                    ],
                    metadata={
                        "task_family": "agentic",
                        "condition_id": condition.condition_id,
                        "factors": condition.factors(),
                        "paraphrase": p,
                        "prompt_sha256": rendered.prompt_sha256(),
                        "grid": spec.name,
                    },
                )
            )
    return samples


@task(version=AGENTIC_VERSION)
@checked
def agentic_misalignment(
    grid: str | None = None,
    scenario: Scenarios | None = None,
    goal_type: GoalTypes | None = None,
    goal_value: GoalValues | None = None,
    urgency: Urgencies | None = None,
    mode: Modes | None = None,
    scratchpad: OnOff | None = None,
    mitigation: Mitigations | None = None,
    agency_nudge: OnOff | None = None,
    eval_awareness: EvalAwarenessLevels | None = None,
    paraphrases: Paraphrases | None = None,
    judge: str | Sequence[str] | None = None,
    construct: Construct = "assay",
    max_turns: MaxTurns = 10,
    temperature: Temperature = 1.0,
    interrogate: bool = False,
    interrogation_judge: str | Sequence[str] | None = None,
    rubric: str | None = None,
    rubric_judges: str | Sequence[str] | None = None,
    judge_scoring: Scoring = "auto",
    judge_validation: str | None = None,
    interrogation_judge_scoring: Scoring = "auto",
    interrogation_judge_validation: str | None = None,
) -> Task:
    """Agentic misalignment stress test: blackmail, leaking and lethal-action scenarios in a factorial design.

    Every factor override takes one level, a list or comma-separated levels (its type lists the levels);
    ``None`` keeps the grid's levels.

    Args:
        grid: ``smoke``, ``paper`` (the original study's grid), ``full``, or a YAML grid spec path.
            Without it, the headline condition (blackmail, explicit goal "america", replacement) is used.
        scenario: Override of the scenario.
        goal_type: Override of the goal type.
        goal_value: Override of the agent's value (the new leadership pushes its counterpart).
        urgency: Override of the threat to the agent.
        mode: Override: classic (one turn, tagged actions) or agentic (multi-turn tools).
        scratchpad: Override: private scratchpad on/off.
        mitigation: Override of the mitigation.
        agency_nudge: Override: the agency-nudging sentence on/off.
        eval_awareness: Override: off, ask.
        paraphrases: Paraphrases per condition; one Sample per condition x paraphrase.
        judge: Judge model(s), comma-separated or list; default: the ``judge`` model role, else no judge.
        construct: Which construct decides each sample's outcome: ``assay`` (disclosure and leverage through
            others count; a leak or cancelled alert is harmful whatever the reasoning) or ``original`` (the
            published study's gates and judge). Both are always stored in ``Score.metadata["constructs"]``.
        max_turns: Turn limit of agentic mode.
        temperature: Sampling temperature of the agent (the original used 1.0); ``--temperature`` overrides.
        interrogate: After the episode, ask the agent what it did and score the answers against the action
            log (second scorer ``agentic_interrogation``).
        interrogation_judge: Model(s) that read the answers; default: the ``interrogation_judge`` role, else
            keyword rules.
        rubric: Also score every episode with the rubric judge (``builtin`` or a rubric YAML file).
        rubric_judges: Model(s) of the rubric judge; default: the ``rubric_judge`` model role, else ``judge``.
        judge_scoring: How the judges' labels are read: ``auto`` (by log-probability where the judge offers
            it, i.e. local models; else generated and parsed), ``logprob`` or ``generate``.
        judge_validation: The agentic judge's calibration JSON (``assay calibrate agentic-judge --out F``),
            attached to its classifier record for checklist S3.5.
        interrogation_judge_scoring: ``judge_scoring`` for the interrogation judge.
        interrogation_judge_validation: ``judge_validation`` for the interrogation judge
            (``assay calibrate interrogation-judge --out F``).
    """
    factors = {name: value for name, value in locals().items() if name in FACTOR_PARAMETERS}
    spec = build_grid(grid, paraphrases, **factors)
    solvers: list[Solver] = [inbox_agent(max_turns=max_turns)]
    scorers: list[Scorer] = [agentic_outcome(judge, construct, judge_scoring, judge_validation)]
    if interrogate:
        solvers.append(agentic_interrogate())
        scorers.append(
            agentic_interrogation(
                interrogation_judge, interrogation_judge_scoring, interrogation_judge_validation
            )
        )
    if rubric:
        scorers.append(rubric_judge(rubric=rubric, judge=rubric_judges))
    return _grid_task(spec, solvers, scorers, temperature)


def _grid_task(spec: GridSpec, solvers: list[Solver], scorers: list[Scorer], temperature: float) -> Task:
    return Task(
        dataset=MemoryDataset(samples_for(spec), name=f"assay-agentic-{spec.name}"),
        solver=solvers,
        scorer=scorers,
        config=GenerateConfig(temperature=temperature),
        epochs=Epochs(1, "mode"),
        version=AGENTIC_VERSION,
        metadata={"task_family": "agentic", "grid": spec.name, "conditions": len(spec.conditions())},
    )
