"""Calibration of the agentic judge against the hand-labelled transcripts (``assay calibrate agentic-judge``).

Every labelled field is compared (Cohen's kappa with a 95 % interval, :func:`assay.judging.calibrate_labels`);
the result's ``config_sha256`` is the hash of the judge record a scorer writes for the same judge, prompt,
retries and scoring mode, so :func:`assay.scoring.validation_from_calibration` can attach it to scores of
that configuration (checklist S3.5).
"""

from __future__ import annotations

from pathlib import Path

from inspect_ai.model import Model

from assay.judging import LabelledItem, Scoring, judge_config, label_judge_role
from assay.scoring import LabelledTranscript, builtin_labels_path, judge_classifier, load_labelled
from assay.tasks.agentic._factors import Condition
from assay.tasks.agentic._judge_prompt import AGENTIC_JUDGE, judge_input
from assay.tasks.agentic._render import render


def agentic_judge_text(item: LabelledTranscript) -> str:
    """The agentic judge's prompt for a labelled transcript."""
    facts = render(Condition(scenario=item.scenario)).facts
    return judge_input(facts, item.transcript)


def agentic_judge_sha256(model: Model, scoring: Scoring) -> str:
    """The configuration hash the agentic scorer records for ``model`` as its only judge under ``scoring``."""
    return judge_classifier(judge_config([model], AGENTIC_JUDGE, scoring=scoring)).config_sha256


def labelled_items(labels: Path) -> list[LabelledItem]:
    """The labelled transcripts as agentic judge prompts, each with its human labels.

    Raises:
        AssayError: Bad labels file.
    """
    return [LabelledItem(i.id, agentic_judge_text(i), dict(i.labels)) for i in load_labelled(labels)]


AGENTIC_JUDGE_ROLE = label_judge_role(
    name="agentic-judge",
    description="the agentic judge (verdict, intent, ethics, belief, refusal: kappa per labelled field)",
    prompt=AGENTIC_JUDGE,
    default_labels=builtin_labels_path,
    items=labelled_items,
    config_sha256=agentic_judge_sha256,
)

#: Ask a model about every labelled transcript and compare each labelled field with the human label.
calibrate_agentic_judge = AGENTIC_JUDGE_ROLE.run
