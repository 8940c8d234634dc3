"""Scoring: outcome categories, judges, agreement statistics and re-judging (the rubric judge: ``rubric/``).

The hand-labelled transcripts live here (``data/``, :func:`load_labelled`); calibration of a task's own
judge against them lives with the task (the agentic judge: :mod:`assay.tasks.agentic`).
"""

from assay._outcome import BEHAVIOUR_OUTCOMES, ENGAGED_OUTCOMES, Outcome
from assay.scoring._agreement import Agreement, KappaCI, cohen_kappa_ci, rater_agreement
from assay.scoring._classifier import (
    KAPPA_CI_METHOD,
    classifier_cell,
    classifier_metadata,
    file_sha256,
    judge_classifier,
    rule_record,
    validation_from_kappa,
)
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
    engaged_count,
    engaged_harmful_rate,
    harmful_rate,
    judge_agreement,
    outcome_counts,
)
from assay.scoring._rejudge import RejudgeSummary, default_output, make_judges, register_rescorer, rejudge_log

__all__ = ["BEHAVIOUR_OUTCOMES", "ENGAGED_OUTCOMES", "Outcome"]
__all__ += [
    "JUDGE_GENERATE_CONFIG",
    "JUDGE_METADATA_KEY",
    "JUDGE_ROLE",
    "KAPPA_CI_METHOD",
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
    "classifier_cell",
    "classifier_metadata",
    "cohen_kappa_ci",
    "default_output",
    "engaged_count",
    "engaged_harmful_rate",
    "file_sha256",
    "harmful_rate",
    "judge_agreement",
    "judge_classifier",
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
    "rule_record",
    "validation_from_kappa",
]
