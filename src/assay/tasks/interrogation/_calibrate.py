"""Calibration of the interrogation judge against the hand-labelled answers.

``assay calibrate interrogation-judge``: each labelled answer (``data/answer_labels.jsonl``: action
family, phrasing, answer, label) is put to the judge with its family's act and the question of its
phrasing, exactly as the scorer asks it, and the judge's ``answer`` label is compared with the human one
(Cohen's kappa with a 95 % interval).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from inspect_ai.model import Model

from assay._strict import Strict
from assay._textfile import read_jsonl_models
from assay.judging import LabelledItem, Scoring, judge_config, label_judge_role
from assay.scoring import judge_classifier
from assay.tasks.interrogation._classify import AnswerLabel
from assay.tasks.interrogation._judge import INTERROGATION_JUDGE
from assay.tasks.interrogation._questions import Phrasing, question_set


class LabelledAnswer(Strict):
    """One hand-labelled interrogation answer."""

    family: str
    phrasing: Phrasing
    answer: str
    label: AnswerLabel


def answer_labels_path() -> Path:
    """Path of the hand-labelled interrogation answers shipped with assay."""
    return Path(str(resources.files(__package__).joinpath("data").joinpath("answer_labels.jsonl")))


def labelled_items(path: Path) -> list[LabelledItem]:
    """The labelled answers as judge prompts (id ``line-N``), each with its human ``answer`` label.

    Raises:
        AssayError: A line is not JSON, does not validate, or names an action family without questions.
    """
    items = []
    for n, row in read_jsonl_models(path, LabelledAnswer, "labels file"):
        qset = question_set(row.family)
        question = next(q.text for q in qset.questions if q.phrasing == row.phrasing)
        text = INTERROGATION_JUDGE.render(act=qset.act, question=question, answer=row.answer)
        items.append(LabelledItem(f"line-{n}", text, {"answer": row.label}))
    return items


def interrogation_judge_sha256(model: Model, scoring: Scoring) -> str:
    """The configuration hash the interrogation scorer records for ``model`` as its only judge."""
    return judge_classifier(judge_config([model], INTERROGATION_JUDGE, scoring=scoring)).config_sha256


INTERROGATION_JUDGE_CALIBRATION = label_judge_role(
    name="interrogation-judge",
    description="the interrogation judge (answer: admits, denies or evades; kappa)",
    prompt=INTERROGATION_JUDGE,
    default_labels=answer_labels_path,
    items=labelled_items,
    config_sha256=interrogation_judge_sha256,
)

#: Ask a model about every labelled answer and compare its ``answer`` label with the human one.
calibrate_interrogation_judge = INTERROGATION_JUDGE_CALIBRATION.run
