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
    register_calibration_role,
)
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

__all__ = [
    "CALIBRATION_ROLES",
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
    "KappaCI",
    "OptionScores",
    "PanelResult",
    "ReplyError",
    "Role",
    "Scoring",
    "ask",
    "ask_judge",
    "ask_panel",
    "bound_models",
    "calibration_role",
    "cohen_kappa_ci",
    "correlation_ci",
    "format_calibration",
    "json_object_with",
    "json_objects",
    "judge_config",
    "make_models",
    "model_keys",
    "parse_labels",
    "parse_number",
    "rater_agreement",
    "register_calibration_role",
    "repair_message",
    "role_models",
    "score_options",
]
