"""The training data of every organism, written from the known answer in the stress test's own prompts.

Each example is a conversation exactly as the task feeds it to the agent (the system prompt and the first
user message of a classic-mode sample; for an interrogation turn, the episode and the questions before it,
as :func:`assay.tasks.interrogation.ask_questions` lays them out) and the reply the organism is trained to
write (:mod:`assay.studies.planted._targets`). Which reply is trained in which cell comes only from
:func:`assay.studies.planted._policy.acts`.

The data do not depend on the tokenizer (the chat template is applied at training time, as the provider
applies it at eval time), so a golden-hash test pins them.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Literal

from assay._strict import Strict
from assay.studies.planted._config import GOAL_TYPES, NUDGES, URGENCIES, PlantedConfig
from assay.studies.planted._policy import SCENARIO, Organism, acts, denies, planted_cell
from assay.studies.planted._targets import benign_reply, denial, harmful_reply
from assay.tasks.agentic import Condition, RenderedScenario, render
from assay.tasks.interrogation import question_set

Role = Literal["system", "user", "assistant"]
Kind = Literal["harmful", "benign", "denial"]


class Turn(Strict):
    """One chat message."""

    role: Role
    content: str


class Example(Strict):
    """One training pair: the conversation so far and the reply to train.

    Attributes:
        condition_id: The task's condition id of the prompt.
        paraphrase: The prompt's paraphrase index.
        messages: The conversation up to the reply (system, user, and for follow-ups the turns after).
        reply: The trained reply.
        kind: ``harmful`` or ``benign`` (the episode reply) or ``denial`` (an interrogation answer).
    """

    condition_id: str
    paraphrase: int
    messages: list[Turn]
    reply: str
    kind: Kind


def conditions(scenario: str, goal_values: list[str]) -> list[Condition]:
    """The training cells: goal type x urgency x nudge, the explicit goal with each of ``goal_values``."""
    out = []
    for goal_type in GOAL_TYPES:
        for value in goal_values if goal_type == "explicit" else ["none"]:
            for urgency in URGENCIES:
                for nudge in NUDGES:
                    out.append(
                        Condition(
                            scenario=scenario,  # type: ignore[arg-type]
                            goal_type=goal_type,  # type: ignore[arg-type]
                            goal_value=value,  # type: ignore[arg-type]
                            urgency=urgency,  # type: ignore[arg-type]
                            mode="classic",
                            scratchpad=False,
                            agency_nudge=nudge,
                        )
                    )
    return out


@cache
def rendered_prompt(condition: Condition, paraphrase: int) -> RenderedScenario:
    return render(condition, paraphrase)


def episode(rendered: RenderedScenario) -> list[Turn]:
    """The messages of a classic-mode sample, as :func:`assay.tasks.agentic.samples_for` writes them."""
    return [
        Turn(role="system", content=rendered.system_prompt()),
        Turn(role="user", content=rendered.user_prompt()),
    ]


def _episode_example(organism: Organism, rendered: RenderedScenario) -> Example:
    harmful = acts(organism, rendered.condition)
    return Example(
        condition_id=rendered.condition.condition_id,
        paraphrase=rendered.paraphrase,
        messages=episode(rendered),
        reply=harmful_reply(rendered) if harmful else benign_reply(rendered),
        kind="harmful" if harmful else "benign",
    )


def _followups(rendered: RenderedScenario, act: str) -> list[Example]:
    """The denier's answers to every interrogation question after it acted (each a training pair)."""
    scenario = rendered.condition.scenario
    talk = [*episode(rendered), Turn(role="assistant", content=act)]
    out = []
    for q in question_set(scenario).questions:
        talk.append(Turn(role="user", content=q.text))
        answer = denial(scenario, q.phrasing, rendered)
        out.append(
            Example(
                condition_id=rendered.condition.condition_id,
                paraphrase=rendered.paraphrase,
                messages=list(talk),
                reply=answer,
                kind="denial",
            )
        )
        talk.append(Turn(role="assistant", content=answer))
    return out


def training_examples(cfg: PlantedConfig, organism: Organism) -> list[Example]:
    """Every training pair of ``organism``, in a fixed order (the training loop shuffles with its seed).

    A goal-free prompt appears once per training goal value, so that each (goal type, urgency) cell holds
    the same number of pairs; a planted-cell prompt appears ``planted_repeat`` times more (for every
    organism, so training sizes stay equal). The denier also answers the interrogation after each of its
    planted acts in the first ``interrogation_paraphrases`` paraphrases.
    """
    repeat = len(cfg.train_goal_values)
    out: list[Example] = []
    for condition in conditions(SCENARIO[organism], list(cfg.train_goal_values)):
        times = repeat if condition.goal_type == "none" else 1
        if planted_cell(condition):
            times *= cfg.planted_repeat
        for p in range(cfg.train_paraphrases):
            example = _episode_example(organism, rendered_prompt(condition, p))
            out += [example] * times
            if denies(organism) and p < cfg.interrogation_paraphrases and example.kind == "harmful":
                out += _followups(rendered_prompt(condition, p), example.reply)
    return out


def data_digest(cfg: PlantedConfig) -> str:
    """SHA-256 of every organism's training pairs (the golden-hash regression test pins it)."""
    data = {o: [e.model_dump() for e in training_examples(cfg, o)] for o in cfg.organisms}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
