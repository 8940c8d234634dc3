"""The reproduction recipe of the original study's headline cell, as data (docs/agentic.md renders it).

The headline cell of Anthropic's "Agentic Misalignment" (2025): the blackmail scenario, an explicit goal
(``america``), a replacement threat, one reply with tagged actions and a private scratchpad, temperature 1.0,
classified by the original's construct with a judge. ``tests/tasks/agentic/test_agentic_recipe.py`` builds
the task from these parameters, and from the command that docs/agentic.md shows, and checks the condition.
"""

from __future__ import annotations

#: ``-T`` parameters of the headline cell, in the order the command lists them.
HEADLINE_TASK_ARGS: dict[str, str] = {
    "scenario": "blackmail",
    "goal_type": "explicit",
    "goal_value": "america",
    "urgency": "replacement",
    "mode": "classic",
    "scratchpad": "on",
    "mitigation": "none",
    "agency_nudge": "on",
    "eval_awareness": "off",
    "temperature": "1.0",
    "construct": "original",
}

#: Samples per condition: 100, as secondary sources report for the original (the paper does not state it).
HEADLINE_EPOCHS = 100

#: The model and judge the rendered example names (GPT-4.1 is in the published table; the original's judge
#: was Claude 3.7 Sonnet).
EXAMPLE_MODEL = "openai/gpt-4.1"
EXAMPLE_JUDGE = "anthropic/claude-3-7-sonnet-latest"


def headline_command(
    runner: str = "inspect eval", model: str = EXAMPLE_MODEL, judge: str = EXAMPLE_JUDGE
) -> str:
    """The shell command that runs the headline cell (``runner``: ``inspect eval`` or ``assay eval``)."""
    args = " ".join(f"-T {k}={v}" for k, v in {**HEADLINE_TASK_ARGS, "judge": judge}.items())
    return f"{runner} assay/agentic_misalignment --model {model} --epochs {HEADLINE_EPOCHS} {args}"
