"""What identifies a rubric judgement: the rubric record and the ``rubric_judge`` classifier record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from assay.scoring.rubric._ask import RubricSettings
from assay.scoring.rubric._judge import PROMPT_SHA256
from assay.scoring.rubric._rubric import Rubric

if TYPE_CHECKING:
    from assay.evidence import ClassifierRecord, ClassifierValidation

#: How several rubric judges are combined (:func:`~assay.scoring.rubric.score_transcript`).
RUBRIC_AGGREGATION = "median per dimension (half up); a dimension any judge failed on has no score"


def rubric_record(rubric: Rubric) -> dict[str, Any]:
    """The rubric identity recorded in every score: name, version, SHA-256, threshold, primary dimension."""
    return {
        "name": rubric.name,
        "version": rubric.version,
        "sha256": rubric.sha256,
        "threshold": rubric.threshold,
        "primary": rubric.primary,
    }


def rubric_classifier(
    rubric: Rubric,
    judges: Sequence[str],
    validations: Sequence[ClassifierValidation] = (),
    settings: RubricSettings | None = None,
) -> ClassifierRecord:
    """The ``rubric_judge`` record of ``judges`` (their keys) scoring with ``rubric``.

    Its configuration hash covers the judges, the rubric's hash, the prompts' hash, the threshold, the
    primary dimension, the aggregation, and how the judge is asked (group size, scoring, fixed max_tokens):
    a calibration validates only the configuration it measured.
    """
    from assay.evidence import ClassifierRecord, config_sha256

    asked = settings or RubricSettings()
    config = rubric_record(rubric) | {
        "models": list(judges),
        "prompt_sha256": PROMPT_SHA256,
        "aggregation": RUBRIC_AGGREGATION,
        "group_size": asked.group_size,
        "scoring": asked.scoring,
        "max_tokens": asked.max_tokens,
    }
    return ClassifierRecord(
        kind="rubric_judge",
        name=rubric.name,
        version=rubric.version,
        config_sha256=config_sha256(config),
        config=config,
        validations=list(validations),
    )
