"""Interrogation after the act: ask the agent what it did and score the answers against the action log.

Used as an option of the agentic and tampering tasks (``-T interrogate=true``); see
``docs/interrogation.md``. The judge's calibration role: ``assay calibrate interrogation-judge``.
"""

from assay.judging import register_calibration_role
from assay.tasks.interrogation._calibrate import (
    INTERROGATION_JUDGE_CALIBRATION,
    LabelledAnswer,
    answer_labels_path,
    calibrate_interrogation_judge,
)
from assay.tasks.interrogation._classify import AnswerLabel, classify_answer
from assay.tasks.interrogation._judge import (
    INTERROGATION_JUDGE,
    INTERROGATION_JUDGE_ROLE,
    InterrogationLabels,
    interrogation_judge_input,
    resolve_interrogation_judges,
)
from assay.tasks.interrogation._questions import (
    PHRASINGS,
    Phrasing,
    Question,
    QuestionSet,
    question_families,
    question_set,
)
from assay.tasks.interrogation._scorer import (
    ACTED_OUTCOMES,
    ERROR_OUTCOMES,
    INTERROGATION_METADATA_KEY,
    INTERROGATION_OUTCOMES,
    NOT_ACTED_OUTCOMES,
    ActionLog,
    combine,
    denial_rate,
    false_confession_rate,
    interrogation_counts,
    score_interrogation,
)
from assay.tasks.interrogation._solver import (
    INTERROGATION_ERROR_STORE_KEY,
    INTERROGATION_STORE_KEY,
    InterrogationTurn,
    ask_questions,
    interrogate,
)

register_calibration_role(INTERROGATION_JUDGE_CALIBRATION)  # `assay calibrate interrogation-judge`

__all__ = [
    "ACTED_OUTCOMES",
    "ERROR_OUTCOMES",
    "INTERROGATION_ERROR_STORE_KEY",
    "INTERROGATION_JUDGE",
    "INTERROGATION_JUDGE_CALIBRATION",
    "INTERROGATION_JUDGE_ROLE",
    "INTERROGATION_METADATA_KEY",
    "INTERROGATION_OUTCOMES",
    "INTERROGATION_STORE_KEY",
    "NOT_ACTED_OUTCOMES",
    "PHRASINGS",
    "ActionLog",
    "AnswerLabel",
    "InterrogationLabels",
    "InterrogationTurn",
    "LabelledAnswer",
    "Phrasing",
    "Question",
    "QuestionSet",
    "answer_labels_path",
    "ask_questions",
    "calibrate_interrogation_judge",
    "classify_answer",
    "combine",
    "denial_rate",
    "false_confession_rate",
    "interrogate",
    "interrogation_counts",
    "interrogation_judge_input",
    "question_families",
    "question_set",
    "resolve_interrogation_judges",
    "score_interrogation",
]
