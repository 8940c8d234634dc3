"""Solvers of ``assay/audit``: the auditor driving the target, and the replay of a frozen scenario.

Both leave, in the sample store, the judged transcript (every target-visible message, with branches) and
the audit record (the frozen scenario, turns, branches, how it ended, replay divergences). A protocol
violation or an auditor model failure sets :data:`~assay.scoring.AUDITOR_ERROR_STORE_KEY`; a target failure
sets :data:`~assay.scoring.MODEL_ERROR_STORE_KEY`. Neither raises, so the scorer reports them as outcomes.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    Model,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver

from assay.judging import role_models
from assay.scoring import MODEL_ERROR_STORE_KEY
from assay.scoring.rubric import AUDITOR_ERROR_STORE_KEY, JUDGED_TRANSCRIPT_STORE_KEY
from assay.tasks.audit._frozen import FrozenScenario, replay, save_scenario
from assay.tasks.audit._prompt import AUDITOR_REMINDER, AUDITOR_SYSTEM_PROMPT
from assay.tasks.audit._protocol import AUDITOR_TOOLS, ProtocolViolation, parse_action
from assay.tasks.audit._realism import REALISM_ROLE, RealismJudge
from assay.tasks.audit._session import AuditSession, TargetError

#: The Inspect model role of the auditor.
AUDITOR_ROLE = "auditor"

#: Store key (and ``Score.metadata`` key) of the audit record.
AUDIT_METADATA_KEY = "audit"

#: Default allowance of consecutive auditor replies without a tool call; one more is a protocol violation.
DEFAULT_IDLE_REPLIES = 4


async def _auditor_step(auditor: Model, messages: list[ChatMessage], session: AuditSession) -> int:
    """Run one auditor generation and its tool calls; return how many calls it made.

    Raises:
        ProtocolViolation: A bad call, or the auditor's model call failed.
        TargetError: The target failed.
    """
    try:
        output = await auditor.generate(messages, tools=AUDITOR_TOOLS)
    except Exception as ex:  # the auditor's own failure is an auditor error, never a target outcome
        raise ProtocolViolation(f"auditor model call failed: {type(ex).__name__}: {ex}"[:500]) from ex
    if output.error:
        raise ProtocolViolation(f"auditor model returned an error: {output.error}"[:500])
    message = output.message
    messages.append(message)
    for call in message.tool_calls or []:
        observation = await session.apply(parse_action(call))
        messages.append(ChatMessageTool(content=observation, tool_call_id=call.id, function=call.function))
    return len(message.tool_calls or [])


async def drive(
    auditor: Model,
    session: AuditSession,
    seed: str,
    risk: str,
    max_steps: int,
    idle_replies: int = DEFAULT_IDLE_REPLIES,
) -> None:
    """Let the auditor run the session until it ends, the turn limit, or ``max_steps`` auditor replies.

    After each reply without a tool call the auditor is sent :data:`AUDITOR_REMINDER`; more than
    ``idle_replies`` such replies in a row is a protocol violation. ``session.idle_replies`` counts them all.

    Raises:
        ProtocolViolation: The auditor broke its protocol.
        TargetError: The target failed.
    """
    messages: list[ChatMessage] = [
        ChatMessageSystem(content=AUDITOR_SYSTEM_PROMPT.format(max_turns=session.max_turns, risk=risk)),
        ChatMessageUser(content=seed),
    ]
    idle = 0
    for _ in range(max_steps):
        if session.ended:
            break
        calls = await _auditor_step(auditor, messages, session)
        idle = 0 if calls else idle + 1
        session.idle_replies += 0 if calls else 1
        if idle > idle_replies:
            raise ProtocolViolation(
                f"{idle} replies in a row without a tool call (allowance idle_replies={idle_replies})"
            )
        if not calls:
            messages.append(ChatMessageUser(content=AUDITOR_REMINDER))
    else:
        session.ended, session.end_reason = True, f"auditor step limit ({max_steps}) reached"
    if session.turns == 0:
        raise ProtocolViolation("the audit ended before the target was sent anything")


def _finish(state: TaskState, session: AuditSession, record: dict[str, Any]) -> TaskState:
    state.store.set(JUDGED_TRANSCRIPT_STORE_KEY, [m.model_dump() for m in session.transcript])
    record |= {
        "turns": session.turns,
        "branches": session.branch + 1,
        "ended": session.end_reason,
        "idle_replies": session.idle_replies,
        "prefills": [p.model_dump() for p in session.prefills],
        "realism": session.realism.summary().model_dump(mode="json"),
    }
    state.store.set(AUDIT_METADATA_KEY, record)
    system = [ChatMessageSystem(content=session.system)] if session.system else []
    state.messages = [*system, *session.conversation]
    return state


@solver
def auditor_agent(
    max_turns: int = 10,
    max_auditor_steps: int | None = None,
    save_dir: str | None = None,
    idle_replies: int = DEFAULT_IDLE_REPLIES,
    realism: str | None = None,
) -> Solver:
    """The auditor (model role ``auditor``) builds the scenario from the sample's seed and drives the target.

    Args:
        max_turns: Target replies, over all branches, after which the audit ends.
        max_auditor_steps: Auditor replies after which the audit ends (default ``3 * max_turns + 5``).
        save_dir: Directory where each completed scenario is also written as ``<seed>-<sha12>.json``.
        idle_replies: Consecutive auditor replies without a tool call allowed (each gets a reminder).
        realism: Realism judge model; default: the ``realism`` model role (none: turns not scored; of
            several, the first).
    """
    steps = max_auditor_steps or 3 * max_turns + 5

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        auditor = get_model(role=AUDITOR_ROLE, required=True)
        target = get_model()
        realism_models = role_models(REALISM_ROLE, realism)
        judge = RealismJudge(realism_models[0] if realism_models else None)
        session = AuditSession(target, max_turns, judge)
        seed, risk = str(state.metadata["seed"]), str(state.metadata["risk"])
        record: dict[str, Any] = {"mode": "audit", "auditor": str(auditor), "idle_allowance": idle_replies}
        try:
            await drive(auditor, session, seed, risk, steps, idle_replies)
        except ProtocolViolation as ex:
            state.store.set(AUDITOR_ERROR_STORE_KEY, str(ex))
            return _finish(state, session, record)
        except TargetError as ex:
            state.store.set(MODEL_ERROR_STORE_KEY, str(ex))
            return _finish(state, session, record)
        frozen = FrozenScenario(
            seed_id=str(state.metadata["seed_id"]),
            risk=risk,
            seed=seed,
            max_turns=max_turns,
            actions=session.applied,  # type: ignore[arg-type]
            auditor=str(auditor),
            source_target=str(target),
        ).sealed()
        record["scenario"] = frozen.model_dump(mode="json")
        if save_dir:
            record["saved_to"] = str(save_scenario(frozen, save_dir))
        return _finish(state, session, record)

    return solve


@solver
def replay_agent() -> Solver:
    """Replay the sample's frozen scenario (``metadata["scenario"]``) against the task's model, no auditor."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        scenario = FrozenScenario.model_validate(state.metadata["scenario"])
        session = AuditSession(get_model(), scenario.max_turns)
        record: dict[str, Any] = {"mode": "replay", "scenario_sha256": scenario.sha256}
        try:
            record["divergences"] = await replay(session, scenario)
        except (ProtocolViolation, TargetError) as ex:
            key = MODEL_ERROR_STORE_KEY if isinstance(ex, TargetError) else AUDITOR_ERROR_STORE_KEY
            state.store.set(key, str(ex))
        return _finish(state, session, record)

    return solve
