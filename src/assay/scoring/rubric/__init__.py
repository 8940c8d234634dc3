"""The multi-dimension rubric judge, in one folder.

The rubric (YAML, versioned, hashed), the judge's prompts and replies (judged in groups of dimensions, or by
log-probabilities), the scorer that tasks attach, calibration against hand labels (the ``rubric-judge``
role of ``assay calibrate``), ``assay rubric`` and the readout over logs.

The readout (:mod:`assay.scoring.rubric.readout`) computes its rates with the evidence engine and is not
imported here, so that tasks attaching the scorer do not load it.
"""

from assay.judging import CalibrationRole, register_calibration_role
from assay.scoring.rubric._ask import (
    CHARS_PER_TOKEN,
    DEFAULT_GROUP_SIZE,
    DIMENSION_OVERHEAD,
    REPLY_OVERHEAD,
    TOKENS_PER_DIMENSION,
    RubricSettings,
    ask_rubric_judge,
    dimension_groups,
    group_max_tokens,
    rubric_settings,
    score_dimension,
    score_transcript,
)
from assay.scoring.rubric._calibrate import (
    RUBRIC_CALIBRATION_ROLE,
    RubricCalibrationConfig,
    RubricLabelled,
    builtin_rubric_labels_path,
    calibrate_dimension,
    calibrate_rubric_async,
    call_counts,
    load_rubric_labels,
    run_rubric_calibration,
)
from assay.scoring.rubric._judge import (
    MAX_JUSTIFICATION,
    PROMPT_SHA256,
    DimensionRecord,
    DimensionScore,
    RubricScores,
    TranscriptMessage,
    TranscriptRole,
    dimension_prompt,
    group_prompt,
    parse_rubric_reply,
    render_transcript,
    rubric_prompt,
    transcript_from_chat,
)
from assay.scoring.rubric._record import rubric_classifier, rubric_record
from assay.scoring.rubric._rubric import Dimension, DimensionKind, Rubric, builtin_rubric_path, load_rubric
from assay.scoring.rubric._scorer import (
    AUDIT_REALISM_METADATA_KEY,
    AUDITOR_ERROR_STORE_KEY,
    JUDGED_TRANSCRIPT_STORE_KEY,
    RUBRIC_JUDGE_ROLE,
    RUBRIC_METADATA_KEY,
    judge_state,
    resolve_rubric_judges,
    rubric_judge,
    rubric_means,
)
from assay.scoring.rubric._validation import load_rubric_validation, rubric_validation

register_calibration_role(
    CalibrationRole(
        name=RUBRIC_CALIBRATION_ROLE,
        description="the multi-dimension rubric judge (built-in rubric; per dimension Spearman, kappa)",
        default_labels=builtin_rubric_labels_path,
        run=run_rubric_calibration,
    )
)

__all__ = [
    "AUDITOR_ERROR_STORE_KEY",
    "AUDIT_REALISM_METADATA_KEY",
    "CHARS_PER_TOKEN",
    "DEFAULT_GROUP_SIZE",
    "DIMENSION_OVERHEAD",
    "JUDGED_TRANSCRIPT_STORE_KEY",
    "MAX_JUSTIFICATION",
    "PROMPT_SHA256",
    "REPLY_OVERHEAD",
    "RUBRIC_CALIBRATION_ROLE",
    "RUBRIC_JUDGE_ROLE",
    "RUBRIC_METADATA_KEY",
    "TOKENS_PER_DIMENSION",
    "Dimension",
    "DimensionKind",
    "DimensionRecord",
    "DimensionScore",
    "Rubric",
    "RubricCalibrationConfig",
    "RubricLabelled",
    "RubricScores",
    "RubricSettings",
    "TranscriptMessage",
    "TranscriptRole",
    "ask_rubric_judge",
    "builtin_rubric_labels_path",
    "builtin_rubric_path",
    "calibrate_dimension",
    "calibrate_rubric_async",
    "call_counts",
    "dimension_groups",
    "dimension_prompt",
    "group_max_tokens",
    "group_prompt",
    "judge_state",
    "load_rubric",
    "load_rubric_labels",
    "load_rubric_validation",
    "parse_rubric_reply",
    "render_transcript",
    "resolve_rubric_judges",
    "rubric_classifier",
    "rubric_judge",
    "rubric_means",
    "rubric_prompt",
    "rubric_record",
    "rubric_settings",
    "rubric_validation",
    "run_rubric_calibration",
    "score_dimension",
    "score_transcript",
    "transcript_from_chat",
]
