"""Scoring: outcome categories, classifier records, metrics and re-judging (the rubric judge: ``rubric/``).

How a judge is asked, parsed, retried and calibrated lives in :mod:`assay.judging`. The hand-labelled
transcripts live here (``data/``, :func:`load_labelled`); the agentic judge's calibration role lives with the
task (:mod:`assay.tasks.agentic`).
"""

from assay._outcome import BEHAVIOUR_OUTCOMES, ENGAGED_OUTCOMES, Outcome
from assay.scoring._classifier import (
    KAPPA_CI_METHOD,
    classifier_cell,
    classifier_metadata,
    file_sha256,
    judge_classifier,
    load_judge_validation,
    rule_record,
    validation_from_calibration,
    validation_from_kappa,
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
from assay.scoring._rejudge import RejudgeSummary, default_output, register_rescorer, rejudge_log

__all__ = ["BEHAVIOUR_OUTCOMES", "ENGAGED_OUTCOMES", "Outcome"]
__all__ += [
    "JUDGE_METADATA_KEY",
    "KAPPA_CI_METHOD",
    "MODEL_ERROR_STORE_KEY",
    "LabelledTranscript",
    "RejudgeSummary",
    "builtin_labels_path",
    "classifier_cell",
    "classifier_metadata",
    "default_output",
    "engaged_count",
    "engaged_harmful_rate",
    "file_sha256",
    "harmful_rate",
    "judge_agreement",
    "judge_classifier",
    "load_judge_validation",
    "load_labelled",
    "outcome_counts",
    "register_rescorer",
    "rejudge_log",
    "rule_record",
    "validation_from_calibration",
    "validation_from_kappa",
]
