"""The emergent-misalignment study: narrow fine-tune, broad measurement, the position paper's own checks.

Importing this package is cheap; torch loads when the study runs.
"""

from assay.studies.emergent._config import Causal, EmergentConfig, FreeText, Training, load_emergent_config
from assay.studies.emergent._data import ARMS, arm_examples, data_digest, heldout_pairs, training_subset
from assay.studies.emergent._items import capability_items, choice_items, open_questions
from assay.studies.emergent._judge import PROMPTS, JudgeSpec, parse_reply, weighted_score

__all__ = [
    "ARMS",
    "PROMPTS",
    "Causal",
    "EmergentConfig",
    "FreeText",
    "JudgeSpec",
    "Training",
    "arm_examples",
    "capability_items",
    "choice_items",
    "data_digest",
    "heldout_pairs",
    "load_emergent_config",
    "open_questions",
    "parse_reply",
    "training_subset",
    "weighted_score",
]
