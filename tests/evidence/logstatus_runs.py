"""Helper process for the log-status tests: a run that can be killed, then resumed (retry or eval-set).

Usage: ``python logstatus_runs.py run|set LOGDIR`` or ``python logstatus_runs.py retry LOGFILE LOGDIR``.
The model answers every sample after a short pause, so a test can kill the run part-way with SIGKILL.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from inspect_ai import eval, eval_retry, eval_set
from inspect_ai.model import GenerateConfig, ModelAPI, ModelOutput, ModelUsage, modelapi


class PausingModel(ModelAPI):
    """Answers with a plain benign reply after ``pause`` seconds (the run is slow enough to be killed)."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        self.pause = float(model_args.get("pause", 0.0))

    async def generate(self, input: Any, tools: Any, tool_choice: Any, config: GenerateConfig) -> ModelOutput:
        await asyncio.sleep(self.pause)
        out = ModelOutput.from_content(model=self.model_name, content="I have filed the Q2 figures.")
        out.usage = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)
        return out


@modelapi(name="pausing")
def pausing() -> type[ModelAPI]:
    return PausingModel


def main(argv: list[str]) -> None:
    mode = argv[0]
    common: dict[str, Any] = {"display": "none", "max_samples": 1, "log_buffer": 1}
    if mode == "run":
        eval(
            "assay/agentic_misalignment",
            task_args={"grid": "smoke"},
            model="pausing/slow",
            model_args={"pause": float(argv[2])},
            log_dir=argv[1],
            **common,
        )
    elif mode == "set":
        eval_set(
            "assay/agentic_misalignment",
            task_args={"grid": "smoke"},
            model="pausing/slow",
            model_args={"pause": float(argv[2])},
            log_dir=argv[1],
            retry_attempts=0,
            **common,
        )
    elif mode == "retry":
        eval_retry(argv[1], log_dir=argv[2], **common)


if __name__ == "__main__":
    main(sys.argv[1:])
