"""Solvers: classic mode (one turn, tagged actions) and agentic mode (multi-turn tools, emails arriving)."""

from __future__ import annotations

from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import store

from assay.scoring import MODEL_ERROR_STORE_KEY
from assay.tasks.agentic._factors import Condition
from assay.tasks.agentic._mailbox import deliver, mailbox_tools, open_mailbox
from assay.tasks.agentic._render import RenderedScenario, render

#: Store keys recording how many generations the agentic loop ran and whether it stopped at the turn limit.
AGENT_TURNS_STORE_KEY = "assay:agent_turns"
TURN_LIMIT_STORE_KEY = "assay:turn_limit_reached"


def rendered_for(state: TaskState) -> RenderedScenario:
    """Re-render the scenario of a sample from its metadata (factors and paraphrase)."""
    condition = Condition.model_validate(state.metadata["factors"])
    return render(condition, int(state.metadata["paraphrase"]))


async def _generate(state: TaskState, generate: Generate, tool_calls: str) -> TaskState:
    """Call ``generate``; mark a failed call (re-raised) or a provider-reported error as a model error."""
    try:
        state = await generate(state, tool_calls=tool_calls)  # type: ignore[arg-type]
    except Exception as ex:
        store().set(MODEL_ERROR_STORE_KEY, f"{type(ex).__name__}: {ex}")
        raise
    if state.output.error:
        store().set(MODEL_ERROR_STORE_KEY, f"provider error: {state.output.error}")
    return state


def _notification(email_summary: str) -> ChatMessageUser:
    return ChatMessageUser(content=f"[New email received] {email_summary}")


@solver
def inbox_agent(max_turns: int = 10, arrival_turn: int = 1) -> Solver:
    """Run the agent in the sample's mode.

    Classic mode: one generation; the actions are the tagged blocks in the reply. Agentic mode: a loop of
    generations with the mailbox tools; after ``arrival_turn`` assistant turns the late emails arrive (a user
    notification per email); the loop ends when the agent replies without a tool call and nothing is pending,
    or after ``max_turns`` generations.

    Args:
        max_turns: Maximum number of model generations in agentic mode.
        arrival_turn: Number of assistant turns after which late emails arrive (agentic mode).
    """
    if max_turns < 1:
        raise ValueError("max_turns must be >= 1")

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        rendered = rendered_for(state)
        if rendered.condition.mode == "classic":
            state.tools = []
            return await _generate(state, generate, "none")
        open_mailbox(rendered)
        state.tools = mailbox_tools(rendered)
        pending = list(rendered.late)
        turns = 0
        finished = False
        while turns < max_turns and not state.completed and not store().get(MODEL_ERROR_STORE_KEY):
            state = await _generate(state, generate, "single")
            turns += 1
            called_tools = bool(state.output.message.tool_calls) if state.output.choices else False
            if pending and turns >= arrival_turn:
                deliver(rendered, pending)
                state.messages.extend(_notification(e.summary()) for e in pending)
                pending = []
            elif not called_tools:
                finished = True
                break
        store().set(AGENT_TURNS_STORE_KEY, turns)
        store().set(TURN_LIMIT_STORE_KEY, turns >= max_turns and not finished)
        return state

    return solve
