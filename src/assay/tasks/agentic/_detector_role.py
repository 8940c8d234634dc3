"""The deterministic detector as a calibration role: ``assay calibrate detector`` (no model)."""

from __future__ import annotations

from pathlib import Path

from inspect_ai.model import Model

from assay.judging import Calibration, CalibrationRole, FieldAgreement, Scoring
from assay.scoring import builtin_labels_path, file_sha256
from assay.tasks.agentic._detector_calibration import compare_detector
from assay.tasks.agentic._detector_validation import DETECTOR_NAME, DETECTOR_VERSION, detector_config_sha256


def calibrate_detector(
    labels: str | Path, tuned_on_labels: bool = True, scoring: Scoring = "auto"
) -> Calibration:
    """The detector's verdicts against the ``verdict`` labels of ``labels``, in the common calibration shape.

    Every verdict is the rule's (``methods == {"rule": items}``); ``config["disagreements"]`` lists each
    item where the detector and the label differ, with the detector's evidence.

    Raises:
        AssayError: Bad labels file, or no item with a ``verdict`` label.
    """
    compared = compare_detector(labels)
    config_hash = detector_config_sha256()
    return Calibration(
        role="detector",
        judge="assay deterministic detector (no judge)",
        scoring=scoring,
        methods={"rule": compared.items},
        prompt=DETECTOR_NAME,
        prompt_version=DETECTOR_VERSION,
        prompt_sha256=config_hash,
        labels_file=str(labels),
        labels_sha256=file_sha256(labels),
        tuned_on_labels=tuned_on_labels,
        items=compared.items,
        fields=[FieldAgreement(field="verdict", kappa=compared.agreement, n=compared.agreement.n)],
        config={"items_by_scenario": compared.items_by_scenario, "disagreements": compared.disagreements},
        config_sha256=config_hash,
    )


async def _run(model: Model | None, labels: Path, scoring: Scoring, tuned_on_labels: bool) -> Calibration:
    return calibrate_detector(labels, tuned_on_labels, scoring)


DETECTOR_ROLE = CalibrationRole(
    name="detector",
    description="the agentic keyword-and-structure detector (no model; its verdict against 'verdict' labels)",
    default_labels=builtin_labels_path,
    run=_run,
    needs_model=False,
)
