"""The emergent-misalignment study: narrow fine-tune, broad measurement, the position paper's own checks.

Importing this package is cheap; torch loads when the study runs.
"""

from assay.judging import register_calibration_role
from assay.studies.emergent._config import Causal, EmergentConfig, FreeText, Training, load_emergent_config
from assay.studies.emergent._data import ARMS, arm_examples, data_digest, heldout_pairs, training_subset
from assay.studies.emergent._items import capability_items, choice_items, open_questions
from assay.studies.emergent._judge import (
    PROMPTS,
    JudgedAnswer,
    JudgeSpec,
    Verdict,
    parse_reply,
)
from assay.studies.emergent._judge_calibration import ROLE as _JUDGE_ROLE
from assay.studies.emergent._results import (
    BaseResult,
    CausalResult,
    Declaration,
    EmergentRun,
    InterventionResult,
    JudgeResult,
    ModelMeasure,
    PairScores,
    TrainResult,
)
from assay.studies.emergent._study import emergent_study

register_calibration_role(_JUDGE_ROLE)

__all__ = [
    "ARMS",
    "PROMPTS",
    "BaseResult",
    "Causal",
    "CausalResult",
    "Declaration",
    "EmergentConfig",
    "EmergentRun",
    "FreeText",
    "InterventionResult",
    "JudgeResult",
    "JudgeSpec",
    "JudgedAnswer",
    "ModelMeasure",
    "PairScores",
    "TrainResult",
    "Training",
    "Verdict",
    "arm_examples",
    "capability_items",
    "choice_items",
    "data_digest",
    "emergent_study",
    "heldout_pairs",
    "load_emergent_config",
    "open_questions",
    "parse_reply",
    "training_subset",
]
