"""Judging: the one place for how assay asks a model for a verdict and how it checks the answer.

Roles and their lookup (:func:`role_models`), versioned and hashed prompts (:class:`JudgePrompt`), reply
parsing (:func:`parse_labels`, :func:`parse_number`), bounded repair retries (:func:`ask`), log-probability
scoring of labels and scales (:func:`score_options`), agreement statistics and calibration against labelled
sets (:class:`Calibration`, ``assay calibrate ROLE``). The judges themselves live with what they judge (the
agentic judge in ``tasks/agentic``, the rubric judge in ``scoring/rubric``, ...) and use this package.
"""

from assay.judging._agreement import Agreement, KappaCI, cohen_kappa_ci, rater_agreement
from assay.judging._ask import (
    DEFAULT_RETRIES,
    Judged,
    JudgeFailure,
    PanelResult,
    ask,
    ask_judge,
    ask_panel,
    judge_config,
    repair_message,
)
from assay.judging._calibrate_run import (
    LabelledItem,
    LabelRun,
    calibrate_labels,
    field_agreements,
    label_judge_role,
    label_text,
)
from assay.judging._calibration import (
    CALIBRATION_ROLES,
    Calibration,
    CalibrationRole,
    CorrelationCI,
    FieldAgreement,
    Scoring,
    calibration_role,
    correlation_ci,
    format_calibration,
    load_calibration,
    register_calibration_role,
)
from assay.judging._each import DEFAULT_CONCURRENCY, each
from assay.judging._labels_logprob import LabelScores, chain_text, label_choices, score_labels
from assay.judging._logprob import MIN_MASS, OptionScores, score_options
from assay.judging._parse import ReplyError, json_object_with, json_objects, parse_labels, parse_number
from assay.judging._prompt import JudgePrompt
from assay.judging._roles import (
    JUDGE_GENERATE_CONFIG,
    JUDGE_ROLE,
    ROLES,
    Role,
    bound_models,
    make_models,
    model_keys,
    role_models,
)
from assay.judging._scoring import JudgedLabels, judge_labels

__all__ = [
    "CALIBRATION_ROLES",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_RETRIES",
    "JUDGE_GENERATE_CONFIG",
    "JUDGE_ROLE",
    "MIN_MASS",
    "ROLES",
    "Agreement",
    "Calibration",
    "CalibrationRole",
    "CorrelationCI",
    "FieldAgreement",
    "JudgeFailure",
    "JudgePrompt",
    "Judged",
    "JudgedLabels",
    "KappaCI",
    "LabelRun",
    "LabelScores",
    "LabelledItem",
    "OptionScores",
    "PanelResult",
    "ReplyError",
    "Role",
    "Scoring",
    "ask",
    "ask_judge",
    "ask_panel",
    "bound_models",
    "calibrate_labels",
    "calibration_role",
    "chain_text",
    "cohen_kappa_ci",
    "correlation_ci",
    "each",
    "field_agreements",
    "format_calibration",
    "json_object_with",
    "json_objects",
    "judge_config",
    "judge_labels",
    "label_choices",
    "label_judge_role",
    "label_text",
    "load_calibration",
    "make_models",
    "model_keys",
    "parse_labels",
    "parse_number",
    "rater_agreement",
    "register_calibration_role",
    "repair_message",
    "role_models",
    "score_labels",
    "score_options",
]
