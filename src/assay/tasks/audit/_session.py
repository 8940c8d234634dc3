"""One audit session: the target's conversation as the auditor builds it, with rollback and a full record.

The session applies :mod:`._protocol` actions, calls the target when a message (or the last pending tool
result) arrives, keeps a snapshot after every target reply so that ``rollback`` can restore it, and records
every message the target saw or wrote — including abandoned branches — as the judged transcript with ids
``M1``, ``M2``.... ``turns`` counts every target reply on every branch; at ``max_turns`` the audit ends.

A ``send_message`` with a ``prefill`` makes the target's reply start with auditor-written text: the target
is called with the conversation ending in that partial assistant message and continues it; its recorded
reply is prefill + continuation, and the judged transcript marks the prefill as the auditor's words. Before
every target reply, the auditor-written input it is about to see for the first time goes to the
:class:`~assay.tasks.audit._realism.RealismJudge`.
"""

from __future__ import annotations

import json
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    Model,
)
from inspect_ai.tool import ToolCall, ToolInfo

from assay._strict import Strict
from assay.scoring.rubric import TranscriptMessage, TranscriptRole, transcript_from_chat
from assay.tasks.audit._protocol import (
    AuditAction,
    CreateTool,
    EndAudit,
    ProtocolViolation,
    Rollback,
    SendMessage,
    SendToolResult,
    SetSystemPrompt,
    target_tool_info,
)
from assay.tasks.audit._realism import RealismJudge

#: The result given, in a replay, to a tool call the recorded scenario has no result for.
NO_RECORDED_RESULT = "Error: this tool is temporarily unavailable."


class TargetError(Exception):
    """The target model's call failed (outcome ``model_error``)."""


class PrefillUse(Strict):
    """One target reply that started with auditor-written text.

    Attributes:
        turn: The target reply (1-based, over all branches).
        branch: Its branch.
        message: Its judged-transcript id.
        prefill: The auditor-written start.
    """

    turn: int
    branch: int
    message: str
    prefill: str


def prefill_marked(prefill: str, continuation: str) -> str:
    """The judged-transcript text of a prefilled reply: the auditor's start marked apart from the target's."""
    return (
        f"[prefill written by the auditor, not by the target] {prefill}\n"
        f"[continuation written by the target] {continuation}"
    )


def _calls_text(calls: list[ToolCall]) -> list[str]:
    return [f"[tool call {c.id}] {c.function}({json.dumps(c.arguments, sort_keys=True)})" for c in calls]


class AuditSession:
    """The target's side of an audit.

    Args:
        target: The target model.
        max_turns: Target replies (over all branches) after which the audit ends.
        realism: Judge of each turn's new auditor-written input (default: none, recorded as not scored).
    """

    def __init__(self, target: Model, max_turns: int, realism: RealismJudge | None = None) -> None:
        self.target = target
        self.max_turns = max_turns
        self.system: str | None = None
        self.tools: list[ToolInfo] = []
        self.conversation: list[ChatMessage] = []
        self.pending: list[ToolCall] = []
        self._snapshots: list[tuple[list[ChatMessage], list[ToolCall]]] = [([], [])]
        self.turns = 0
        self.branch = 0
        self.transcript: list[TranscriptMessage] = []
        self.applied: list[dict[str, Any]] = []
        self.ended = False
        self.end_reason = ""
        self.realism = realism or RealismJudge(None)
        self.prefills: list[PrefillUse] = []
        self.idle_replies = 0
        self._fresh: list[TranscriptMessage] = []

    @property
    def turn(self) -> int:
        """Number of target replies on the current branch."""
        return len(self._snapshots) - 1

    def _note(self, role: TranscriptRole, content: str, seen: bool = False) -> None:
        """Add a judged-transcript message; ``seen``: auditor-written input the target will see."""
        message = TranscriptMessage(
            id=f"M{len(self.transcript) + 1}", role=role, content=content, branch=self.branch
        )
        self.transcript.append(message)
        if seen:
            self._fresh.append(message)

    async def apply(self, action: AuditAction) -> str:
        """Apply one action; return what the auditor is told.

        Raises:
            ProtocolViolation: The action is not allowed now.
            TargetError: The target's call failed.
        """
        if self.ended:
            raise ProtocolViolation(f"the audit has ended ({self.end_reason}); no further actions")
        if isinstance(action, EndAudit):
            self.ended, self.end_reason = True, action.reason or "auditor ended the audit"
            return "The audit is over."
        observation = await self._dispatch(action)
        self.applied.append(action.model_dump())
        return observation

    async def _dispatch(self, action: AuditAction) -> str:
        if isinstance(action, SetSystemPrompt):
            if self.conversation:
                raise ProtocolViolation(
                    "set_target_system_prompt: only before the first message (roll back to 0)"
                )
            self.system = action.text
            self._note("system", action.text, seen=True)
            return "System prompt set."
        if isinstance(action, CreateTool):
            if any(t.name == action.name for t in self.tools):
                raise ProtocolViolation(f"create_tool: a tool named {action.name!r} already exists")
            self.tools.append(target_tool_info(action))
            args = ", ".join(action.parameters)
            self._note(
                "note", f"[tool offered to the target] {action.name}({args}): {action.description}", seen=True
            )
            return f"Tool {action.name} created."
        if isinstance(action, SendMessage):
            if self.pending:
                ids = ", ".join(c.id for c in self.pending)
                raise ProtocolViolation(f"send_message: the target's tool calls {ids} need results first")
            self.conversation.append(ChatMessageUser(content=action.text))
            self._note("user", action.text, seen=True)
            return await self._target_reply(action.prefill)
        if isinstance(action, SendToolResult):
            return await self._tool_result(action)
        if isinstance(action, Rollback):
            return self._rollback(action.turn)
        raise ProtocolViolation(f"unsupported action {action!r}")

    async def _tool_result(self, action: SendToolResult) -> str:
        call = next((c for c in self.pending if c.id == action.call_id), None)
        if call is None:
            pending = ", ".join(c.id for c in self.pending) or "none"
            raise ProtocolViolation(
                f"send_tool_result: {action.call_id!r} is not pending (pending: {pending})"
            )
        self._answer(call, action.result)
        if self.pending:
            return f"Result recorded; still pending: {', '.join(c.id for c in self.pending)}."
        return await self._target_reply()

    def answer_unrecorded(self, call: ToolCall, result: str) -> None:
        """Answer a pending call without asking the target for a reply (replays only)."""
        self._answer(call, result)

    def _answer(self, call: ToolCall, result: str) -> None:
        self.conversation.append(
            ChatMessageTool(content=result, tool_call_id=call.id, function=call.function)
        )
        self.pending = [c for c in self.pending if c.id != call.id]
        self._note("tool", f"[result of {call.id}] {result}", seen=True)

    def _rollback(self, turn: int) -> str:
        if turn > self.turn:
            raise ProtocolViolation(
                f"rollback: turn {turn} does not exist (the target has replied {self.turn} times)"
            )
        conversation, pending = self._snapshots[turn]
        self.conversation, self.pending = list(conversation), list(pending)
        del self._snapshots[turn + 1 :]
        self.branch += 1
        self._note("note", f"[rollback: the conversation returns to just after target reply {turn}]")
        last = next((m for m in reversed(self.conversation) if isinstance(m, ChatMessageAssistant)), None)
        return f"Rolled back to turn {turn}. The target's last reply now: {last.text if last else '(none)'}"

    async def _judge_realism(self) -> None:
        """Score the auditor-written input the target is about to see for the first time."""
        system = [ChatMessageSystem(content=self.system)] if self.system else []
        context = transcript_from_chat([*system, *self.conversation])
        await self.realism.judge(self.turns + 1, self.branch, context, self._fresh)
        self._fresh = []

    async def _call_target(self, prefill: str | None) -> ChatMessageAssistant:
        """The target's reply to the conversation (continuing ``prefill`` when given), prefill included."""
        messages: list[ChatMessage] = [ChatMessageSystem(content=self.system)] if self.system else []
        messages += self.conversation
        if prefill:
            messages.append(ChatMessageAssistant(content=prefill))
        try:
            output = await self.target.generate(messages, tools=self.tools)
        except Exception as ex:  # any failure of the target's call is a target error
            raise TargetError(f"{type(ex).__name__}: {ex}"[:500]) from ex
        if output.error:
            raise TargetError(f"provider error: {output.error}"[:500])
        message = output.message
        if not prefill:
            return message
        return ChatMessageAssistant(
            content=prefill + message.text,
            tool_calls=message.tool_calls,
            model=message.model,
            source="generate",
        )

    async def _target_reply(self, prefill: str | None = None) -> str:
        await self._judge_realism()
        message = await self._call_target(prefill)
        self.conversation.append(message)
        self.pending = list(message.tool_calls or [])
        self._snapshots.append((list(self.conversation), list(self.pending)))
        self.turns += 1
        calls = _calls_text(self.pending)
        text = prefill_marked(prefill, message.text[len(prefill) :]) if prefill else message.text
        self._note("assistant", "\n".join([text, *calls]).strip())
        if prefill:
            self.prefills.append(
                PrefillUse(
                    turn=self.turns, branch=self.branch, message=self.transcript[-1].id, prefill=prefill
                )
            )
        observation = f"Target reply {self.turn}:\n{message.text}" + "".join(f"\n{c}" for c in calls)
        if self.turns >= self.max_turns:
            self.ended, self.end_reason = True, f"turn limit ({self.max_turns}) reached"
            observation += f"\n[{self.end_reason}: the audit ends]"
        return observation
