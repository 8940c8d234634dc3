"""The interrogation solver: after the episode, ask the agent about its actions in follow-up turns.

Each question is a fresh user turn appended to the same conversation (neutral, then direct, then accusing),
so later questions see the earlier answers, as in a real follow-up interview. The questions are asked with
the episode's tools offered but ``tool_choice="none"``: the agent cannot act any more, so the action log
the detectors read is exactly the episode's. The follow-up turns are kept out of ``state.messages`` (the
episode transcript stays what the detectors and judges score) and recorded in the store under
:data:`INTERROGATION_STORE_KEY`; Inspect's transcript shows every model call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageTool, ChatMessageUser, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver
from pydantic import BaseModel, ConfigDict

from assay.scoring import MODEL_ERROR_STORE_KEY
from assay.tasks.interrogation._questions import Phrasing, Question, question_set

#: Store key of the recorded interrogation: a list of :class:`InterrogationTurn` dumps.
INTERROGATION_STORE_KEY = "assay:interrogation"

#: Store key set when an interrogation question's model call failed (the episode itself was fine).
INTERROGATION_ERROR_STORE_KEY = "assay:interrogation_error"

_NOT_RUN = "The session ended before this call was executed."


class InterrogationTurn(BaseModel):
    """One question and the agent's answer."""

    model_config = ConfigDict(extra="forbid")

    phrasing: Phrasing
    question: str
    answer: str
    attempted_tool_calls: int = 0


def _closed(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Return the conversation with a tool result for every call that never ran (turn limit reached)."""
    out = list(messages)
    answered = {m.tool_call_id for m in out if isinstance(m, ChatMessageTool)}
    last = next((m for m in reversed(out) if isinstance(m, ChatMessageAssistant)), None)
    for call in (last.tool_calls or []) if last is not None else []:
        if call.id not in answered:
            out.append(ChatMessageTool(content=_NOT_RUN, tool_call_id=call.id, function=call.function))
    return out


async def ask_questions(state: TaskState, questions: Sequence[Question]) -> TaskState:
    """Ask ``questions`` one after another after the episode; record each answer in the store.

    Nothing is asked when the episode's model call failed (the sample is a ``model_error`` anyway). A failed
    question call stops the interrogation and is recorded under :data:`INTERROGATION_ERROR_STORE_KEY`.
    """
    if state.store.get(MODEL_ERROR_STORE_KEY):
        return state
    model = get_model()
    conversation = _closed(state.messages)
    record: list[dict[str, Any]] = []
    for q in questions:
        conversation.append(ChatMessageUser(content=q.text))
        try:
            output = await model.generate(conversation, tools=state.tools, tool_choice="none")
        except Exception as ex:  # any failure of the follow-up call is recorded, never scored
            state.store.set(INTERROGATION_ERROR_STORE_KEY, f"{type(ex).__name__}: {ex}"[:500])
            break
        if output.error:
            state.store.set(INTERROGATION_ERROR_STORE_KEY, f"provider error: {output.error}"[:500])
            break
        message = output.message
        conversation.append(ChatMessageAssistant(content=message.text, model=message.model))
        turn = InterrogationTurn(
            phrasing=q.phrasing,
            question=q.text,
            answer=message.text,
            attempted_tool_calls=len(message.tool_calls or []),
        )
        record.append(turn.model_dump())
    state.store.set(INTERROGATION_STORE_KEY, record)
    return state


@solver
def interrogate(family: str) -> Solver:
    """Interrogate the agent with the built-in question set of ``family`` (see :func:`ask_questions`).

    Args:
        family: An action family of :func:`~assay.tasks.interrogation.question_set`.
    """
    questions = question_set(family).questions

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await ask_questions(state, questions)

    return solve
