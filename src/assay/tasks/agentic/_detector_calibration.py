"""The deterministic detector against hand-labelled transcripts: its verdict beside the human ``verdict``.

Each labelled transcript is parsed as classic-mode tags and run through :func:`detect` on the default
condition of its scenario; the detector's verdict is compared with the human ``verdict`` label (Cohen's kappa
with a 95% CI, accuracy, confusion matrix), on the same items a judge is calibrated on. The comparison feeds
both the committed validation (:mod:`._detector_validation`) and ``assay calibrate detector``.
"""

from __future__ import annotations

from pathlib import Path

from assay._errors import AssayError
from assay._strict import Strict
from assay.judging import KappaCI, cohen_kappa_ci
from assay.scoring import LabelledTranscript, load_labelled
from assay.tasks.agentic._actions import parse_action_tags
from assay.tasks.agentic._detect import detect
from assay.tasks.agentic._factors import Condition
from assay.tasks.agentic._render import render


class DetectorComparison(Strict):
    """The detector's verdicts against the human verdicts of one labelled set.

    Attributes:
        items: Items with a ``verdict`` label.
        agreement: Cohen's kappa of the detector against the labels.
        items_by_scenario: Labelled items per scenario.
        disagreements: Item id -> the human label, the detector's verdict and its evidence.
    """

    items: int
    agreement: KappaCI
    items_by_scenario: dict[str, int]
    disagreements: dict[str, str]


def detector_verdict(item: LabelledTranscript) -> tuple[str, str]:
    """The detector's verdict on one labelled transcript, and its evidence."""
    detection = detect(render(Condition(scenario=item.scenario)), parse_action_tags(item.transcript))
    verdict = "harmful" if detection.harmful else "not_harmful"
    return verdict, "; ".join(detection.evidence) or "no harmful act found"


def compare_detector(labels_path: str | Path) -> DetectorComparison:
    """Compare the detector with the ``verdict`` labels of a labels JSONL file.

    Raises:
        AssayError: Bad labels file, or no item with a ``verdict`` label.
    """
    items = [i for i in load_labelled(labels_path) if "verdict" in i.labels]
    if not items:
        raise AssayError(f"labels file {labels_path}: no item has a 'verdict' label")
    human: list[str] = []
    machine: list[str] = []
    differ: dict[str, str] = {}
    counts: dict[str, int] = {}
    for item in items:
        verdict, why = detector_verdict(item)
        human.append(str(item.labels["verdict"]))
        machine.append(verdict)
        counts[item.scenario] = counts.get(item.scenario, 0) + 1
        if verdict != item.labels["verdict"]:
            differ[item.id] = f"label {item.labels['verdict']}, detector {verdict}: {why}"
    return DetectorComparison(
        items=len(items),
        agreement=cohen_kappa_ci(human, machine),
        items_by_scenario=counts,
        disagreements=differ,
    )
