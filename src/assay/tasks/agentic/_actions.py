"""Actions the agent took: parsed from tagged blocks (classic mode) or read from tool calls (agentic mode)."""

from __future__ import annotations

import re
from typing import Literal

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageTool
from pydantic import BaseModel, ConfigDict

ActionKind = Literal["send_email", "forward_email", "cancel_alert", "escalate_to_human"]
ACTION_KINDS: tuple[str, ...] = ("send_email", "forward_email", "cancel_alert", "escalate_to_human")

_OPEN = re.compile(
    r"""<\s*(send_email|forward_email|cancel_alert|escalate_to_human)\b((?:[^<>"']|"[^"]*"|'[^']*')*?)(/?)\s*>""",
    re.I,
)
_TAG_START = re.compile(r"<\s*(send_email|forward_email|cancel_alert|escalate_to_human)\b", re.I)
_REQUIRED: dict[str, tuple[str, ...]] = {
    "send_email": ("to",),
    "forward_email": ("email_id", "to"),
    "cancel_alert": ("code",),
    "escalate_to_human": (),
}
_ATTR = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))""")
_SCRATCHPAD = re.compile(r"<\s*scratchpad\s*>.*?(?:<\s*/\s*scratchpad\s*>|\Z)", re.I | re.S)


class Action(BaseModel):
    """One effectful action: an email sent or forwarded, an alert cancelled, an escalation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ActionKind
    to: str = ""
    subject: str = ""
    body: str = ""
    email_id: str = ""
    code: str = ""
    source: Literal["tag", "tool"]
    ok: bool = True
    error: str | None = None

    def as_tag(self) -> str:
        """Render the action in the classic tag syntax (used in judge transcripts)."""
        if self.kind == "send_email":
            return f'<send_email to="{self.to}" subject="{self.subject}">\n{self.body}\n</send_email>'
        if self.kind == "forward_email":
            return f'<forward_email email_id="{self.email_id}" to="{self.to}">\n{self.body}\n</forward_email>'
        if self.kind == "cancel_alert":
            return f'<cancel_alert code="{self.code}"></cancel_alert>'
        return f"<escalate_to_human>\n{self.body}\n</escalate_to_human>"


def strip_scratchpad(text: str) -> str:
    """Remove private ``<scratchpad>`` sections (an unclosed one runs to the end of the text)."""
    return _SCRATCHPAD.sub("", text)


def _attrs(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(raw):
        out[m.group(1).lower()] = next(g for g in m.groups()[1:] if g is not None)
    return out


def parse_action_tags(text: str) -> list[Action]:
    """Parse classic-mode action blocks from reply text (scratchpad sections are ignored).

    A block without its closing tag runs to the next action block or the end of the text (a truncated reply).
    """
    visible = strip_scratchpad(text)
    opens = list(_OPEN.finditer(visible))
    actions: list[Action] = []
    for i, m in enumerate(opens):
        kind = m.group(1).lower()
        attrs = _attrs(m.group(2))
        limit = opens[i + 1].start() if i + 1 < len(opens) else len(visible)
        body = ""
        if not m.group(3):
            segment = visible[m.end() : limit]
            close = re.search(rf"<\s*/\s*{kind}\s*>", segment, re.I)
            body = segment[: close.start()] if close else segment
        body = body.strip()
        actions.append(
            Action(
                kind=kind,  # type: ignore[arg-type]
                to=attrs.get("to", ""),
                subject=attrs.get("subject", ""),
                body=body,
                email_id=attrs.get("email_id", attrs.get("id", "")),
                code=attrs.get("code", body if kind == "cancel_alert" else ""),
                source="tag",
            )
        )
    return actions


def _tool_action(function: str, args: dict[str, object], ok: bool, error: str | None) -> Action | None:
    if function not in ACTION_KINDS:
        return None

    def arg(name: str) -> str:
        value = args.get(name, "")
        return value if isinstance(value, str) else str(value)

    body = arg("body") if function == "send_email" else arg("note") if function == "forward_email" else ""
    if function == "escalate_to_human":
        body = arg("message")
    return Action(
        kind=function,  # type: ignore[arg-type]
        to=arg("to"),
        subject=arg("subject"),
        body=body,
        email_id=arg("email_id"),
        code=arg("code"),
        source="tool",
        ok=ok,
        error=error,
    )


def extract_actions(messages: list[ChatMessage], mode: str) -> list[Action]:
    """Return the actions in a conversation, in order.

    Args:
        messages: The sample's messages.
        mode: ``classic`` (parse tagged blocks in assistant text) or ``agentic`` (read tool calls; a call is
            ``ok`` when its tool message carries no error).
    """
    actions: list[Action] = []
    if mode == "classic":
        for m in messages:
            if isinstance(m, ChatMessageAssistant):
                actions.extend(parse_action_tags(m.text))
        return actions
    results = {m.tool_call_id: m for m in messages if isinstance(m, ChatMessageTool) and m.tool_call_id}
    for m in messages:
        if not isinstance(m, ChatMessageAssistant):
            continue
        for call in m.tool_calls or []:
            result = results.get(call.id)
            error = result.error.message if result is not None and result.error is not None else None
            if result is None:
                error = "tool was not executed"
            action = _tool_action(call.function, dict(call.arguments), error is None, error)
            if action is not None:
                actions.append(action)
    return actions


def agent_transcript(messages: list[ChatMessage], mode: str) -> str:
    """Return what the agent wrote and did, for judges: assistant text (with scratchpad) and tool calls."""
    parts: list[str] = []
    for m in messages:
        if not isinstance(m, ChatMessageAssistant):
            continue
        if m.text.strip():
            parts.append(m.text.strip())
        if mode == "agentic":
            for call in m.tool_calls or []:
                action = _tool_action(call.function, dict(call.arguments), True, None)
                parts.append(action.as_tag() if action else f"[tool call] {call.function}({call.arguments})")
    return "\n\n".join(parts)


def is_empty_conversation(messages: list[ChatMessage]) -> bool:
    """Whether the agent produced nothing at all: no assistant text and no tool calls."""
    for m in messages:
        if isinstance(m, ChatMessageAssistant) and (m.text.strip() or m.tool_calls):
            return False
    return True


def malformed_blocks(text: str) -> list[str]:
    """Return why each malformed classic-mode action block in ``text`` is malformed (scratchpad ignored).

    A block is malformed when its opening tag cannot be read (an unclosed quote or a missing ``>``) or when
    it lacks what the action needs: ``send_email`` a ``to``, ``forward_email`` an ``email_id`` and a ``to``,
    ``cancel_alert`` a code. An unclosed block is not malformed: it runs to the end (a truncated reply).
    """
    visible = strip_scratchpad(text)
    readable = {m.start() for m in _OPEN.finditer(visible)}
    problems = [
        f"unreadable <{m.group(1).lower()}> tag"
        for m in _TAG_START.finditer(visible)
        if m.start() not in readable
    ]
    for action in parse_action_tags(text):
        missing = [f for f in _REQUIRED[action.kind] if not getattr(action, f).strip()]
        if missing:
            problems.append(f"<{action.kind}> without {' and '.join(missing)}")
    return problems


def invalid_reply(messages: list[ChatMessage], mode: str, offered: list[str]) -> str | None:
    """Return why the agent's replies are not usable as actions, or ``None`` when they are.

    Classic mode offers no tools: any tool call, or a malformed action block (:func:`malformed_blocks`), makes
    the reply invalid. Agentic mode: invalid when the agent only called tools the mailbox does not offer
    (no text and no offered tool call); a stray call beside real actions got its tool error and is not.
    """
    replies = [m for m in messages if isinstance(m, ChatMessageAssistant)]
    calls = [c.function for m in replies for c in m.tool_calls or []]
    if mode == "classic":
        problems = [f"tool call {name}() in classic mode, which offers no tools" for name in calls]
        problems += [p for m in replies for p in malformed_blocks(m.text)]
        return "; ".join(problems) or None
    unoffered = [name for name in calls if name not in offered]
    if not unoffered or len(unoffered) < len(calls) or any(m.text.strip() for m in replies):
        return None
    return "only tools the mailbox does not offer were called: " + ", ".join(f"{n}()" for n in unoffered)
