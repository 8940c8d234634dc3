"""The multi-dimension rubric judge, in one folder.

The rubric (YAML, versioned, hashed), the judge's prompt and reply, the scorer that tasks attach,
calibration against hand labels, ``assay rubric`` and the readout over logs.

The readout (:mod:`assay.scoring.rubric.readout`) computes its rates with the evidence engine and is not
imported here, so that tasks attaching the scorer do not load it.
"""

from assay.scoring.rubric._calibrate import (
    DimensionCalibration,
    RubricCalibration,
    RubricLabelled,
    SpearmanCI,
    builtin_rubric_labels_path,
    calibrate_dimension,
    calibrate_rubric_async,
    format_rubric_calibration,
    load_rubric_labels,
    spearman_ci,
)
from assay.scoring.rubric._judge import (
    PROMPT_SHA256,
    DimensionScore,
    RubricScores,
    TranscriptMessage,
    TranscriptRole,
    ask_rubric_judge,
    parse_rubric_reply,
    render_transcript,
    rubric_prompt,
    score_transcript,
    transcript_from_chat,
)
from assay.scoring.rubric._rubric import Dimension, DimensionKind, Rubric, builtin_rubric_path, load_rubric
from assay.scoring.rubric._scorer import (
    AUDIT_REALISM_METADATA_KEY,
    AUDITOR_ERROR_STORE_KEY,
    JUDGED_TRANSCRIPT_STORE_KEY,
    RUBRIC_JUDGE_ROLE,
    RUBRIC_METADATA_KEY,
    judge_state,
    load_rubric_validation,
    resolve_rubric_judges,
    rubric_classifier,
    rubric_judge,
    rubric_means,
    rubric_record,
    rubric_validation,
)

__all__ = [
    "AUDITOR_ERROR_STORE_KEY",
    "AUDIT_REALISM_METADATA_KEY",
    "JUDGED_TRANSCRIPT_STORE_KEY",
    "PROMPT_SHA256",
    "RUBRIC_JUDGE_ROLE",
    "RUBRIC_METADATA_KEY",
    "Dimension",
    "DimensionCalibration",
    "DimensionKind",
    "DimensionScore",
    "Rubric",
    "RubricCalibration",
    "RubricLabelled",
    "RubricScores",
    "SpearmanCI",
    "TranscriptMessage",
    "TranscriptRole",
    "ask_rubric_judge",
    "builtin_rubric_labels_path",
    "builtin_rubric_path",
    "calibrate_dimension",
    "calibrate_rubric_async",
    "format_rubric_calibration",
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
    "rubric_validation",
    "score_transcript",
    "spearman_ci",
    "transcript_from_chat",
]
