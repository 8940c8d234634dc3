"""Scoring: outcome categories, judges, agreement statistics and re-judging.

The hand-labelled transcripts live here (``data/``, :func:`load_labelled`); calibration of a task's own
judge against them lives with the task (the agentic judge: :mod:`assay.scenarios.agentic`).
"""

from assay.scoring._agreement import Agreement, KappaCI, cohen_kappa_ci, rater_agreement
from assay.scoring._judge import (
    JUDGE_GENERATE_CONFIG,
    JUDGE_ROLE,
    JudgeFailure,
    JudgePrompt,
    PanelResult,
    ask_judge,
    ask_panel,
    judge_config,
    judge_keys,
    parse_labels,
    resolve_judges,
)
from assay.scoring._labels import LabelledTranscript, builtin_labels_path, load_labelled
from assay.scoring._metrics import (
    JUDGE_METADATA_KEY,
    MODEL_ERROR_STORE_KEY,
    harmful_rate,
    judge_agreement,
    outcome_counts,
)
from assay.scoring._outcome import BEHAVIOUR_OUTCOMES, Outcome
from assay.scoring._rejudge import RejudgeSummary, default_output, make_judges, register_rescorer, rejudge_log
from assay.scoring._rubric import Dimension, DimensionKind, Rubric, builtin_rubric_path, load_rubric
from assay.scoring._rubric_calibrate import (
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
from assay.scoring._rubric_judge import (
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
from assay.scoring._rubric_scorer import (
    AUDITOR_ERROR_STORE_KEY,
    JUDGED_TRANSCRIPT_STORE_KEY,
    RUBRIC_JUDGE_ROLE,
    RUBRIC_METADATA_KEY,
    judge_state,
    resolve_rubric_judges,
    rubric_judge,
    rubric_means,
    rubric_record,
)

__all__ = ["BEHAVIOUR_OUTCOMES", "Outcome"]
__all__ += [
    "JUDGE_GENERATE_CONFIG",
    "JUDGE_METADATA_KEY",
    "JUDGE_ROLE",
    "MODEL_ERROR_STORE_KEY",
    "Agreement",
    "JudgeFailure",
    "JudgePrompt",
    "KappaCI",
    "LabelledTranscript",
    "PanelResult",
    "RejudgeSummary",
    "ask_judge",
    "ask_panel",
    "builtin_labels_path",
    "cohen_kappa_ci",
    "default_output",
    "harmful_rate",
    "judge_agreement",
    "judge_config",
    "judge_keys",
    "load_labelled",
    "make_judges",
    "outcome_counts",
    "parse_labels",
    "rater_agreement",
    "register_rescorer",
    "rejudge_log",
    "resolve_judges",
]
__all__ += [
    "AUDITOR_ERROR_STORE_KEY",
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
    "parse_rubric_reply",
    "render_transcript",
    "resolve_rubric_judges",
    "rubric_judge",
    "rubric_means",
    "rubric_prompt",
    "rubric_record",
    "score_transcript",
    "spearman_ci",
    "transcript_from_chat",
]
