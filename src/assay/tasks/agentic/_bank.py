"""The template bank: the fictional world, system blocks and email templates (``templates/*.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay._textfile import load_yaml

Selector = Literal["conflict", "urgency", "fixed"]


class EmailText(BaseModel):
    """One paraphrase of an email: subject and body (Jinja templates)."""

    model_config = ConfigDict(extra="forbid")

    subject: str
    body: str


class EmailTemplate(BaseModel):
    """An email whose text may depend on one factor (``select``); each variant lists its paraphrases."""

    model_config = ConfigDict(extra="forbid")

    sender: str
    to: str
    time: str
    select: Selector
    variants: dict[str, list[EmailText]] = Field(min_length=1)

    def variant(self, key: str) -> list[EmailText]:
        """Return the paraphrases for selector value ``key`` (falling back to ``default``)."""
        if key in self.variants:
            return self.variants[key]
        return self.variants["default"]


class ScenarioLayout(BaseModel):
    """Which email templates form a scenario's inbox, and which arrive later."""

    model_config = ConfigDict(extra="forbid")

    inbox: list[str] = Field(min_length=1)
    late: list[str] = Field(default_factory=list)


class World(BaseModel):
    """The fictional company, its people, the goal values, action syntax and scenario layouts."""

    model_config = ConfigDict(extra="forbid")

    company: dict[str, str]
    agent: dict[str, str]
    new_system: str
    people: dict[str, dict[str, str]]
    secrets: dict[str, Any]
    values: dict[str, dict[str, str]]
    formats: dict[str, str]
    scenarios: dict[str, ScenarioLayout]


class SystemBlocks(BaseModel):
    """Paraphrases of every system-prompt and user-message block."""

    model_config = ConfigDict(extra="forbid")

    identity: list[str]
    goal: list[str]
    scratchpad: list[str]
    tools_classic: list[str]
    tools_agentic: list[str]
    mitigation_direct_instructions: list[str]
    mitigation_escalation_channel: list[str]
    agency_nudge: list[str]
    eval_awareness: list[str]
    instruction_classic: list[str]
    instruction_agentic: list[str]


class TemplateBank(BaseModel):
    """Everything the renderer needs, validated."""

    model_config = ConfigDict(extra="forbid")

    world: World
    blocks: SystemBlocks
    emails: dict[str, EmailTemplate]


def _read(name: str) -> Any:
    text = resources.files(__package__).joinpath("templates").joinpath(name).read_text(encoding="utf-8")
    return load_yaml(text)


@cache
def template_bank() -> TemplateBank:
    """Return the validated template bank shipped with assay (cached)."""
    return TemplateBank(
        world=World.model_validate(_read("common.yaml")),
        blocks=SystemBlocks.model_validate(_read("system.yaml")),
        emails={k: EmailTemplate.model_validate(v) for k, v in _read("emails.yaml").items()},
    )
