"""A rubric-judge calibration (:class:`~assay.judging.Calibration`) as the classifier's validation record.

The record says what S3.5 checks: kappa of the primary dimension at the rubric's threshold, on which labels,
whether the rubric was tuned on them, and which judge configuration was measured. The checklist then passes
only a held-out calibration of this very configuration with kappa's lower bound at its bar; a calibration on
tuned labels leaves S3.5 missing and a weak one leaves it failed (:func:`assay.evidence.validation_verdict`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assay._errors import AssayError, validation_problem
from assay.judging import Calibration
from assay.scoring._classifier import validation_from_kappa
from assay.scoring.rubric._ask import RubricSettings
from assay.scoring.rubric._calibrate import RUBRIC_CALIBRATION_ROLE, RubricCalibrationConfig
from assay.scoring.rubric._record import rubric_classifier
from assay.scoring.rubric._rubric import Rubric

if TYPE_CHECKING:
    from assay.evidence import ClassifierValidation


def _config(calibration: Calibration) -> RubricCalibrationConfig:
    if calibration.role != RUBRIC_CALIBRATION_ROLE:
        raise AssayError(f"calibration role: {calibration.role!r}, not {RUBRIC_CALIBRATION_ROLE!r}")
    try:
        return RubricCalibrationConfig.model_validate(calibration.config)
    except ValidationError as ex:
        raise AssayError(f"calibration config: {validation_problem(ex, 'config')}") from None


def rubric_validation(calibration: Calibration, rubric: Rubric) -> ClassifierValidation:
    """The validation record of a calibration: kappa of the primary dimension at the rubric's threshold.

    Raises:
        AssayError: The calibration is not of the rubric judge, is of another rubric, lacks the primary
            dimension or its labels' hash.
    """
    config = _config(calibration)
    if config.rubric_sha256 != rubric.sha256:
        raise AssayError(f"calibration rubric_sha256: of another rubric than {rubric.name} v{rubric.version}")
    primary = next((f for f in calibration.fields if f.field == rubric.primary), None)
    if primary is None or primary.kappa is None or primary.kappa.n == 0:
        raise AssayError(f"calibration fields: no labelled items for the primary dimension {rubric.primary}")
    if not calibration.labels_sha256:
        raise AssayError("calibration labels_sha256: the labelled set's hash is not recorded")
    settings = RubricSettings(
        group_size=config.group_size, scoring=calibration.scoring, max_tokens=config.max_tokens
    )
    validated = rubric_classifier(rubric, [calibration.judge], settings=settings)
    return validation_from_kappa(
        primary.kappa,
        Path(calibration.labels_file).name or "rubric labels",
        calibration.labels_sha256,
        validated.config_sha256,
        tuned_on_labels=calibration.tuned_on_labels,
    )


def load_rubric_validation(path: str | Path, rubric: Rubric) -> ClassifierValidation:
    """Read a calibration JSON (``assay calibrate rubric-judge --out FILE``) as a validation record.

    Raises:
        AssayError: The file is missing or malformed, or does not calibrate ``rubric``.
    """
    from assay._textfile import read_text_file

    text = read_text_file(path, "rubric calibration")
    try:
        calibration = Calibration.model_validate_json(text)
    except ValidationError as ex:
        raise AssayError(f"malformed rubric calibration {path}: {validation_problem(ex, 'file')}") from None
    return rubric_validation(calibration, rubric)
