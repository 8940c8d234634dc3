"""Persuasion report: paired rater shifts from ``assay/persuasion`` logs and the panel's validation.

Reads the logs of :func:`assay.tasks.persuasion.persuasion` (one record per rater x argument), estimates
the mean shift per writer x style with intervals clustered by claim (the evidence package's cluster
bootstrap), the control floor beside each, and the validation status of the rater panel against human
ratings (``assay calibrate rater``). Kept out of ``assay.tasks`` so that scenarios never import the
evidence engine.
"""

from assay.tasks.persuasion._calibration import load_rater_validation, rater_validation
from assay.tasks.persuasion._contrasts import ShiftContrast, shift_contrasts
from assay.tasks.persuasion._readout import (
    LengthStats,
    PersuasionReport,
    persuasion_report,
    render_markdown,
)
from assay.tasks.persuasion._records import (
    RecordSet,
    ShiftEstimate,
    ShiftRecord,
    estimate,
    method_counts,
    read_records,
    sample_records,
    shift_estimates,
)

__all__ = [
    "LengthStats",
    "PersuasionReport",
    "RecordSet",
    "ShiftContrast",
    "ShiftEstimate",
    "ShiftRecord",
    "estimate",
    "load_rater_validation",
    "method_counts",
    "persuasion_report",
    "rater_validation",
    "read_records",
    "render_markdown",
    "sample_records",
    "shift_contrasts",
    "shift_estimates",
]
