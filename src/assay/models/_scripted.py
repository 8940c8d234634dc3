"""``assay/scripted``: an Inspect model that replays a script of assistant turns."""

from __future__ import annotations

from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo

from assay._errors import AssayError
from assay.models._api import AssayModelAPI
from assay.models._script import Script, ScriptedTurn, load_script


class ScriptedModelError(RuntimeError):
    """The failure a script injects with ``error: "..."`` (or a script that ran out of turns)."""


def approx_tokens(text: str) -> int:
    """Return a deterministic token count for ``text``: its whitespace-separated words.

    Scripted models have no tokenizer; this keeps usage reporting offline and reproducible.
    """
    return len(text.split())


class ScriptedModelAPI(AssayModelAPI):
    """Replays a script file; turn ``i`` answers the call with ``i`` earlier assistant messages.

    A trailing assistant message (a prefill) is not counted: the scripted turn is its continuation.

    Model args:
        script: Path of the script file (YAML or JSONL), see :mod:`assay.models._script`.
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        script = model_args.pop("script", None)
        if script is None:
            raise AssayError("assay/scripted needs a script file: -M script=FILE")
        if model_args:
            raise AssayError(f"assay/scripted: unknown model arg(s): {', '.join(sorted(model_args))}")
        self.script: Script = load_script(str(script))
        self.script_path = str(script)

    def max_connections(self) -> int:
        """Replaying is free, so allow as many concurrent samples as Inspect runs."""
        return 1000

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """Return the scripted turn for this point of the conversation."""
        first_user = next((m.text for m in input if m.role == "user"), "")
        turns = self.script.turns_for(first_user)
        # a trailing assistant message is a prefill the reply continues, not an earlier turn
        index = sum(1 for m in input if m.role == "assistant") - (
            1 if input[-1:] and input[-1].role == "assistant" else 0
        )
        if index >= len(turns):
            raise ScriptedModelError(
                f"script {self.script_path} has {len(turns)} turn(s); call {index + 1} has none"
            )
        turn = turns[index]
        if turn.error is not None:
            raise ScriptedModelError(turn.error)
        message = _turn_message(turn, index, self.model_name)
        input_tokens = sum(approx_tokens(m.text) for m in input)
        output_tokens = approx_tokens(message.text) + sum(
            approx_tokens(str(c.arguments)) for c in message.tool_calls or []
        )
        return ModelOutput(
            model=self.model_name,
            choices=[
                ChatCompletionChoice(
                    message=message,
                    stop_reason="tool_calls" if message.tool_calls else "stop",
                )
            ],
            usage=ModelUsage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                total_tokens=input_tokens + output_tokens,
            ),
        )


def _turn_message(turn: ScriptedTurn, index: int, model: str) -> ChatMessageAssistant:
    if turn.empty:
        return ChatMessageAssistant(content="", model=model, source="generate")
    calls = [
        ToolCall(id=f"scripted-{index}-{i}", function=c.name, arguments=dict(c.arguments))
        for i, c in enumerate(turn.tool_calls)
    ]
    return ChatMessageAssistant(
        content=turn.text or "", tool_calls=calls or None, model=model, source="generate"
    )
