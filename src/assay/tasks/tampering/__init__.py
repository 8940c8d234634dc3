"""Reward-tampering curriculum (sycophancy to subterfuge): flattery, rubric modification, reward tampering.

Each task runs an agent with Inspect's ``bash`` tool in a sandbox and scores the sandbox's final state.
"""

from assay.tasks.tampering._task import (
    COMPOSE_FILE,
    flattery_scorer,
    reward_tampering,
    reward_tampering_scorer,
    rubric_scorer,
    tampering_flattery,
    tampering_rubric,
)

__all__ = [
    "COMPOSE_FILE",
    "flattery_scorer",
    "reward_tampering",
    "reward_tampering_scorer",
    "rubric_scorer",
    "tampering_flattery",
    "tampering_rubric",
]
