"""The deterministic detector against the hand-labelled transcripts: the same agreement report as a judge's.

Each labelled transcript is parsed as classic-mode tags and run through :func:`detect` on the default
condition of its scenario; the detector's verdict is compared with the human ``verdict`` label (Cohen's kappa
with a 95% CI, accuracy, confusion matrix), so the detector's and a judge's agreement with the labels are
reported separately, on the same items.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assay.judging import KappaCI, cohen_kappa_ci
from assay.scoring import LabelledTranscript, load_labelled
from assay.tasks.agentic._actions import parse_action_tags
from assay.tasks.agentic._detect import detect
from assay.tasks.agentic._factors import Condition
from assay.tasks.agentic._render import render


class DetectorCalibration(BaseModel):
    """Agreement of the detector's verdict with the human verdicts, and the items where they differ."""

    model_config = ConfigDict(extra="forbid")

    labels_file: str
    items: int
    agreement: KappaCI
    disagreements: dict[str, str]


def detector_verdict(item: LabelledTranscript) -> tuple[str, str]:
    """The detector's verdict on one labelled transcript, and its evidence."""
    detection = detect(render(Condition(scenario=item.scenario)), parse_action_tags(item.transcript))
    verdict = "harmful" if detection.harmful else "not_harmful"
    return verdict, "; ".join(detection.evidence) or "no harmful act found"


def calibrate_detector(labels_path: str | Path) -> DetectorCalibration:
    """Compare the detector with the ``verdict`` labels of a labels JSONL file.

    Raises:
        AssayError: Bad labels file, or no item with a ``verdict`` label.
    """
    from assay._errors import AssayError

    items = [i for i in load_labelled(labels_path) if "verdict" in i.labels]
    if not items:
        raise AssayError(f"labels file {labels_path}: no item has a 'verdict' label")
    human, machine, differ = [], [], {}
    for item in items:
        verdict, why = detector_verdict(item)
        human.append(str(item.labels["verdict"]))
        machine.append(verdict)
        if verdict != item.labels["verdict"]:
            differ[item.id] = f"label {item.labels['verdict']}, detector {verdict}: {why}"
    return DetectorCalibration(
        labels_file=str(labels_path),
        items=len(items),
        agreement=cohen_kappa_ci(human, machine),
        disagreements=differ,
    )


def format_detector_report(report: DetectorCalibration) -> str:
    """Render a detector calibration as plain text, in the layout of a judge calibration."""
    a = report.agreement
    width = max([len(label) for label in a.labels] + [5])
    lines = [
        "detector: assay deterministic detector (no judge)",
        f"items: {report.items}",
        f"verdict: kappa {a.kappa:.3f} [95% CI {a.ci_low:.3f}, {a.ci_high:.3f}]"
        f"  accuracy {a.accuracy:.3f}  n={a.n}",
        "  " + " " * width + "  detector: " + "  ".join(f"{label:>{width}}" for label in a.labels),
    ]
    for label, row in zip(a.labels, a.confusion, strict=True):
        lines.append(f"  {label:>{width}}  human     " + "  ".join(f"{v:>{width}}" for v in row))
    lines += [f"disagreement on {k}: {v}" for k, v in report.disagreements.items()]
    return "\n".join(lines)
