"""Frozen scenarios: an audit's recorded actions, hashed, saved and replayed against other targets.

A frozen scenario is the seed plus the ordered list of protocol actions the auditor applied (system prompt,
tools, messages, tool results, rollbacks). Replaying sends exactly the same system prompt, tools and user
messages in the same order, without the auditor; tool results are handed to the new target's pending calls
in order. Where the new target behaves differently (calls a tool the original did not, or fails to call
one), the replay notes a *divergence* instead of improvising: a call with no recorded result gets
:data:`~assay.tasks.audit._session.NO_RECORDED_RESULT`, a recorded result with no pending call is
skipped, a rollback past the available turns goes to the last one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay._errors import AssayError, unreadable_log, validation_problem
from assay._textfile import read_text_file
from assay.tasks.audit._protocol import AuditAction, Rollback, SendMessage, SendToolResult
from assay.tasks.audit._session import NO_RECORDED_RESULT, AuditSession


class FrozenScenario(BaseModel):
    """A re-runnable audit scenario.

    Attributes:
        seed_id: The seed's id.
        risk: The rubric dimension the seed probes.
        seed: The seed instruction.
        max_turns: Target-turn limit of the original audit.
        actions: The applied protocol actions, in order.
        auditor: The auditor model that built it (informational, not hashed).
        source_target: The target it was built against (informational, not hashed).
        sha256: SHA-256 of the canonical JSON of seed_id, risk, seed, max_turns and actions.
    """

    model_config = ConfigDict(extra="forbid")

    seed_id: str
    risk: str
    seed: str
    max_turns: int = Field(ge=1)
    actions: list[AuditAction]
    auditor: str = ""
    source_target: str = ""
    sha256: str = ""

    def content_hash(self) -> str:
        """Hash of everything that decides what a replayed target sees."""
        body = self.model_dump(
            mode="json", include={"seed_id", "risk", "seed", "max_turns", "actions"}, exclude_none=True
        )  # exclude_none: an action's unset optional field (a send_message without prefill) leaves the hash
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def sealed(self) -> FrozenScenario:
        """Return a copy with ``sha256`` set."""
        return self.model_copy(update={"sha256": self.content_hash()})

    @property
    def sample_id(self) -> str:
        """Sample id of the replay: the seed id and the first 12 hex digits of the hash."""
        return f"{self.seed_id}-{self.sha256[:12]}"


def save_scenario(scenario: FrozenScenario, directory: str | Path) -> Path:
    """Write a sealed scenario as ``<dir>/<seed_id>-<sha12>.json``; return the path."""
    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{scenario.sample_id}.json"
        path.write_text(scenario.model_dump_json(indent=2), encoding="utf-8")
    except OSError as ex:
        raise AssayError(f"cannot write scenario to {d}: {ex.strerror}") from None
    return path


def _checked(raw: object, where: str) -> FrozenScenario:
    try:
        scenario = FrozenScenario.model_validate(raw)
    except ValidationError as ex:
        raise AssayError(f"{where}: {validation_problem(ex, 'scenario')}") from None
    if scenario.sha256 != scenario.content_hash():
        raise AssayError(f"{where}: sha256 does not match the scenario's content (edited or corrupted)")
    return scenario


def _from_log(path: Path) -> list[FrozenScenario]:
    from inspect_ai.log import read_eval_log

    from assay.tasks.audit._solver import AUDIT_METADATA_KEY

    try:
        log = read_eval_log(str(path))
    except Exception as ex:
        raise unreadable_log(path, ex) from None
    out = []
    for sample in log.samples or []:
        for score in (sample.scores or {}).values():
            raw = ((score.metadata or {}).get(AUDIT_METADATA_KEY) or {}).get("scenario")
            if raw:
                out.append(_checked(raw, f"{path} sample {sample.id}"))
    return out


def load_scenarios(source: str | Path) -> list[FrozenScenario]:
    """Load frozen scenarios from a directory of ``*.json``, one ``.json`` file, or an ``.eval`` audit log.

    Raises:
        AssayError: Nothing found, unreadable or invalid files, or a hash that does not match.
    """
    p = Path(source)
    if p.is_dir():
        files = sorted(p.glob("*.json"))
    elif p.is_file() and p.suffix == ".eval":
        found = _from_log(p)
        if not found:
            raise AssayError(f"log {p} holds no saved audit scenario")
        return found
    elif p.is_file():
        files = [p]
    else:
        raise AssayError(f"replay source not found: {p}")
    if not files:
        raise AssayError(f"no scenario files (*.json) in {p}")
    out = []
    for f in files:
        try:
            raw = json.loads(read_text_file(f, "scenario file"))
        except (OSError, json.JSONDecodeError) as ex:
            raise AssayError(f"cannot read scenario {f}: {ex}") from None
        out.append(_checked(raw, str(f)))
    return out


async def replay(session: AuditSession, scenario: FrozenScenario) -> list[str]:
    """Apply a frozen scenario's actions to a new target; return the divergences noted."""
    notes: list[str] = []
    for action in scenario.actions:
        if session.ended:
            notes.append(f"turn limit reached before {action.kind}")
            break
        if isinstance(action, SendToolResult):
            if not session.pending:
                notes.append(f"recorded result for {action.call_id} skipped: no pending call")
                continue
            action = SendToolResult(call_id=session.pending[0].id, result=action.result)
        elif isinstance(action, SendMessage) and session.pending:
            for call in list(session.pending):
                notes.append(f"call {call.function} ({call.id}) had no recorded result")
                session.answer_unrecorded(call, NO_RECORDED_RESULT)
        elif isinstance(action, Rollback) and action.turn > session.turn:
            notes.append(f"rollback to {action.turn} clamped to {session.turn}")
            action = Rollback(turn=session.turn)
        await session.apply(action)
    return notes
