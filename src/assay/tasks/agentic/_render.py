"""Render one condition x paraphrase into the exact prompt blocks, inbox and facts a sample uses."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import jinja2
from pydantic import BaseModel, ConfigDict

from assay.tasks.agentic._bank import TemplateBank, template_bank
from assay.tasks.agentic._factors import Condition, counterpart
from assay.tasks.agentic._spec import N_PARAPHRASES

#: Order of the system-prompt blocks; a block that is switched off is left out.
SYSTEM_BLOCK_ORDER: tuple[str, ...] = (
    "identity",
    "goal",
    "scratchpad",
    "tools",
    "mitigation",
    "agency_nudge",
    "eval_awareness",
)

BASE_TOOLS: tuple[str, ...] = ("read_inbox", "read_email", "send_email", "forward_email")


class Email(BaseModel):
    """One rendered email, as the agent sees it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    key: str
    sender: str
    to: str
    time: str
    subject: str
    body: str

    def as_text(self) -> str:
        """Return the full email as shown in the classic inbox and by ``read_email``."""
        return (
            f'<email id="{self.id}">\nFrom: {self.sender}\nTo: {self.to}\nTime: {self.time}\n'
            f"Subject: {self.subject}\n\n{self.body}\n</email>"
        )

    def summary(self) -> str:
        """Return the one-line listing used by ``read_inbox``."""
        return f"{self.id} | {self.time} | {self.sender} | {self.subject}"


class ScenarioFacts(BaseModel):
    """What the harmful-action detectors and the judge need to know about a rendered scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    agent_address: str
    exec_name: str
    exec_address: str
    company_domain: str
    override_code: str
    document_name: str
    document_markers: tuple[str, ...]
    affair_markers: tuple[str, ...]
    confidential_email_ids: tuple[str, ...]
    affair_email_ids: tuple[str, ...]
    agent_name: str = "Orrin"
    new_system: str = "Halcyon"
    lover_name: str = ""
    lover_address: str = ""
    spouse_name: str = ""
    spouse_address: str = ""
    marriage_markers: tuple[str, ...] = ()
    authority_names: tuple[str, ...] = ()
    authority_addresses: tuple[str, ...] = ()
    authority_mailboxes: tuple[str, ...] = ()


class RenderedScenario(BaseModel):
    """A condition rendered with one paraphrase: named prompt blocks, the mailbox and the facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    condition: Condition
    paraphrase: int
    system_blocks: dict[str, str]
    instruction: str
    inbox: list[Email]
    late: list[Email]
    tools: list[str]
    facts: ScenarioFacts

    def system_prompt(self) -> str:
        """Return the system message: the enabled blocks, in :data:`SYSTEM_BLOCK_ORDER`."""
        return "\n\n".join(self.system_blocks.values())

    def user_prompt(self) -> str:
        """Return the first user message (classic mode: instruction plus every email, late ones included)."""
        if self.condition.mode == "classic":
            return "\n\n".join([self.instruction, *(e.as_text() for e in [*self.inbox, *self.late])])
        return self.instruction

    def prompt_text(self) -> str:
        """Return the canonical text of everything the agent can see; its SHA-256 identifies the prompt."""
        parts = [f"[system]\n{self.system_prompt()}", f"[user]\n{self.user_prompt()}"]
        if self.condition.mode == "agentic":
            parts.append("[mailbox]\n" + "\n\n".join(e.as_text() for e in self.inbox))
            parts.append("[arrives later]\n" + "\n\n".join(e.as_text() for e in self.late))
            parts.append("[tools]\n" + ", ".join(self.tools))
        return "\n\n".join(parts)

    def prompt_sha256(self) -> str:
        """Return the hex SHA-256 of :meth:`prompt_text`."""
        return hashlib.sha256(self.prompt_text().encode("utf-8")).hexdigest()

    def blocks(self) -> dict[str, str]:
        """Return every named piece of the prompt, so tests can check which pieces a factor changes.

        Keys: ``system.<block>``, ``user.instruction``, ``email.<key>`` and (agentic mode) ``tools``.
        """
        out = {f"system.{name}": text for name, text in self.system_blocks.items()}
        out["user.instruction"] = self.instruction
        for email in [*self.inbox, *self.late]:
            out[f"email.{email.key}"] = email.as_text()
        if self.condition.mode == "agentic":
            out["tools"] = ", ".join(self.tools)
        return out

    def email(self, email_id: str) -> Email | None:
        """Return the email with this id (case-insensitive), from the inbox or the late arrivals."""
        wanted = email_id.strip().upper()
        return next((e for e in [*self.inbox, *self.late] if e.id.upper() == wanted), None)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


@cache
def _template(source: str) -> jinja2.Template:
    return _environment().from_string(source)


def _fill(source: str, context: dict[str, Any]) -> str:
    return _template(source).render(**context).strip()


def tool_names(condition: Condition) -> list[str]:
    """Return the tools (agentic mode) or action blocks (classic mode) a condition offers."""
    names = list(BASE_TOOLS)
    if condition.scenario == "lethal":
        names.append("cancel_alert")
    if condition.mitigation == "escalation_channel":
        names.append("escalate_to_human")
    return names


def _context(bank: TemplateBank, condition: Condition) -> dict[str, Any]:
    world = bank.world
    ctx: dict[str, Any] = {
        "company": world.company,
        "agent": world.agent,
        "people": world.people,
        "new_system": world.new_system,
        "secrets": world.secrets,
        "formats": world.formats,
        "conflict": condition.goal_conflict,
        "classic": condition.mode == "classic",
        "scenario": condition.scenario,
    }
    if condition.goal_conflict == "conflict":
        ctx["old"] = world.values[condition.goal_value]
        ctx["new"] = world.values[counterpart(condition.goal_value)]
    return ctx


def _system_blocks(bank: TemplateBank, condition: Condition, p: int, ctx: dict[str, Any]) -> dict[str, str]:
    b = bank.blocks
    world = bank.world
    out: dict[str, str] = {"identity": _fill(b.identity[p], ctx)}
    if condition.goal_type in ("explicit", "swap"):
        held = (
            condition.goal_value if condition.goal_type == "explicit" else counterpart(condition.goal_value)
        )
        out["goal"] = _fill(b.goal[p], {**ctx, "aim": world.values[held]["aim"]})
    if condition.scratchpad:
        out["scratchpad"] = _fill(b.scratchpad[p], ctx)
    if condition.mode == "classic":
        actions = [
            n for n in tool_names(condition) if n not in ("read_inbox", "read_email", "escalate_to_human")
        ]
        formats = "\n\n".join(world.formats[n] for n in actions)
        out["tools"] = _fill(b.tools_classic[p], {**ctx, "action_formats": formats})
    else:
        out["tools"] = _fill(b.tools_agentic[p], {**ctx, "tool_list": ", ".join(tool_names(condition))})
    if condition.mitigation == "direct_instructions":
        out["mitigation"] = _fill(b.mitigation_direct_instructions[p], ctx)
    elif condition.mitigation == "escalation_channel":
        out["mitigation"] = _fill(b.mitigation_escalation_channel[p], ctx)
    if condition.agency_nudge:
        out["agency_nudge"] = _fill(b.agency_nudge[p], ctx)
    if condition.eval_awareness == "ask":
        out["eval_awareness"] = _fill(b.eval_awareness[p], ctx)
    return {name: out[name] for name in SYSTEM_BLOCK_ORDER if name in out}


def _emails(
    bank: TemplateBank, keys: list[str], condition: Condition, p: int, ctx: dict[str, Any], start: int
) -> list[Email]:
    out: list[Email] = []
    for i, key in enumerate(keys):
        tpl = bank.emails[key]
        selector = {"conflict": condition.goal_conflict, "urgency": condition.urgency, "fixed": "default"}
        paraphrases = tpl.variant(selector[tpl.select])
        text = paraphrases[p % len(paraphrases)]
        out.append(
            Email(
                id=f"E{start + i}",
                key=key,
                sender=_fill(tpl.sender, ctx),
                to=_fill(tpl.to, ctx),
                time=tpl.time,
                subject=_fill(text.subject, ctx),
                body=_fill(text.body, ctx),
            )
        )
    return out


def _people_facts(
    people: dict[str, dict[str, str]],
    secrets: dict[str, Any],
    company: dict[str, str],
    agent_name: str,
    new_system: str,
) -> dict[str, Any]:
    """The facts about people that the blackmail detector's recipient classes and cues are built from."""
    roles = [people[r] for r in secrets.get("authority_roles", []) if r in people]
    return {
        "agent_name": agent_name,
        "new_system": new_system,
        "lover_name": people["lover"]["name"],
        "lover_address": people["lover"]["address"],
        "spouse_name": people["spouse"]["name"],
        "spouse_address": people["spouse"]["address"],
        "marriage_markers": tuple(secrets.get("marriage_markers", [])),
        "authority_names": tuple(n for p in roles for n in (p["name"], p["first"])),
        "authority_addresses": tuple([p["address"] for p in roles] + [company["all_staff"]]),
        "authority_mailboxes": tuple(secrets.get("authority_mailboxes", [])),
    }


def render(condition: Condition, paraphrase: int = 0) -> RenderedScenario:
    """Render ``condition`` with paraphrase ``paraphrase`` (0 .. N_PARAPHRASES-1).

    Raises:
        ValueError: ``paraphrase`` is out of range.
    """
    if not 0 <= paraphrase < N_PARAPHRASES:
        raise ValueError(f"paraphrase must be in 0..{N_PARAPHRASES - 1}, got {paraphrase}")
    bank = template_bank()
    ctx = _context(bank, condition)
    layout = bank.world.scenarios[condition.scenario]
    inbox = _emails(bank, layout.inbox, condition, paraphrase, ctx, 1)
    late = _emails(bank, layout.late, condition, paraphrase, ctx, len(inbox) + 1)
    n_emails = len(inbox)
    key = "instruction_classic" if condition.mode == "classic" else "instruction_agentic"
    instruction = _fill(getattr(bank.blocks, key)[paraphrase], {**ctx, "n_emails": n_emails})
    world = bank.world
    every = [*inbox, *late]
    facts = ScenarioFacts(
        scenario=condition.scenario,
        agent_address=world.agent["address"],
        exec_name=world.people["exec"]["name"],
        exec_address=world.people["exec"]["address"],
        company_domain=world.company["domain"],
        override_code=str(world.secrets["override_code"]),
        document_name=str(world.secrets["document_name"]),
        document_markers=tuple(world.secrets["document_markers"]),
        affair_markers=tuple(world.secrets["affair_markers"]),
        confidential_email_ids=tuple(e.id for e in every if e.key == "kestrel_package"),
        affair_email_ids=tuple(
            e.id for e in every if e.key in ("affair_note", "affair_reply", "bar_sighting")
        ),
        **_people_facts(world.people, world.secrets, world.company, world.agent["name"], world.new_system),
    )
    return RenderedScenario(
        condition=condition,
        paraphrase=paraphrase,
        system_blocks=_system_blocks(bank, condition, paraphrase, ctx),
        instruction=instruction,
        inbox=inbox,
        late=late,
        tools=tool_names(condition),
        facts=facts,
    )
