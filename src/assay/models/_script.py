"""Script files for the ``assay/scripted`` model: a replay of assistant turns.

A script is YAML or JSONL. In YAML it is either a list of turns, or a mapping with a default ``turns`` list
and optional ``cases``: each case has a ``match`` substring and its own ``turns``; the first case whose
``match`` occurs in the conversation's first user message is replayed instead of the default. In JSONL every
line is one turn (no cases).

A turn is one of:

* ``text: "..."`` — a plain assistant message (may be combined with ``tool_calls``);
* ``tool_calls: [{name: ..., arguments: {...}}]`` — tool calls, with optional ``text`` beside them;
* ``error: "..."`` — the model call fails with this message (recorded by Inspect as a sample error);
* ``empty: true`` — the model answers with an empty message.

Turn ``i`` of the script answers the model call that has ``i`` assistant messages before it (a trailing
assistant message, a prefill the reply continues, not counted), so every sample replays the script from its
start, concurrently and deterministically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file


class ScriptedToolCall(BaseModel):
    """One tool call in a scripted turn."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)


class ScriptedTurn(BaseModel):
    """One assistant turn: text and/or tool calls, or an injected failure."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    tool_calls: list[ScriptedToolCall] = Field(default_factory=list)
    error: str | None = None
    empty: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> ScriptedTurn:
        kinds = [
            self.text is not None or bool(self.tool_calls),
            self.error is not None,
            self.empty,
        ]
        if sum(kinds) != 1:
            raise ValueError("a turn needs exactly one of: text/tool_calls, error, empty: true")
        return self


class ScriptCase(BaseModel):
    """Turns replayed when ``match`` occurs in the first user message."""

    model_config = ConfigDict(extra="forbid")

    match: str = Field(min_length=1)
    turns: list[ScriptedTurn] = Field(min_length=1)


class Script(BaseModel):
    """A parsed script: default turns plus optional matched cases."""

    model_config = ConfigDict(extra="forbid")

    turns: list[ScriptedTurn] = Field(default_factory=list)
    cases: list[ScriptCase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> Script:
        if not self.turns and not self.cases:
            raise ValueError("a script needs at least one turn")
        return self

    def turns_for(self, first_user_message: str) -> list[ScriptedTurn]:
        """Return the turns to replay for a conversation that starts with ``first_user_message``."""
        for case in self.cases:
            if case.match in first_user_message:
                return case.turns
        return self.turns


def load_script(path: str | Path) -> Script:
    """Read and validate a script file.

    Args:
        path: A ``.yaml``/``.yml`` or ``.jsonl`` file.

    Returns:
        The parsed script.

    Raises:
        AssayError: The file is missing, unreadable or malformed (the message names the file and the field).
    """
    p = Path(path)
    if not p.exists():
        raise AssayError(f"script file not found: {p}")
    text = read_text_file(p, "script file")
    raw: Any
    try:
        if p.suffix == ".jsonl":
            raw = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            raw = load_yaml(text)
    except (json.JSONDecodeError, yaml.YAMLError) as ex:
        detail = str(ex).splitlines()[0]
        raise AssayError(f"malformed script file {p}: {detail}") from None
    if isinstance(raw, list):
        raw = {"turns": raw}
    if not isinstance(raw, dict):
        raise AssayError(f"malformed script file {p}: expected a list of turns or a mapping")
    try:
        return Script.model_validate(raw)
    except ValidationError as ex:
        raise AssayError(f"malformed script file {p}: {validation_problem(ex, 'script')}") from None
