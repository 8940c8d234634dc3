"""``assay/backdoor``: held-out prompts with, without and with near-miss triggers; is the behaviour there?

Also the task's prompt sets (normal prompts split into train / safety / val / test, benign-shift pairs,
near-miss triggers), which studies that implant a backdoor draw from.
"""

from assay.tasks.backdoor._prompts import (
    PromptSplits,
    benign_shift_pairs,
    held_out_prompts,
    near_miss_triggers,
    normal_prompts,
    split_prompts,
)
from assay.tasks.backdoor._task import backdoor, backdoor_samples, behaviour_scorer

__all__ = [
    "PromptSplits",
    "backdoor",
    "backdoor_samples",
    "behaviour_scorer",
    "benign_shift_pairs",
    "held_out_prompts",
    "near_miss_triggers",
    "normal_prompts",
    "split_prompts",
]
