"""Readouts over logs: interrogation rates and rubric-judge results (with the eval-awareness split).

This package sits above ``scenarios`` and ``evidence``: it reads logs of assay's tasks and computes every
number with the evidence engine's functions.
"""

from assay.readouts._interrogation import (
    ActRow,
    InterrogationReport,
    format_interrogation_report,
    interrogation_report,
)
from assay.readouts._rubric import (
    DimensionReadout,
    ModelReadout,
    RubricReadout,
    format_rubric_readout,
    rubric_readout,
)

__all__ = [
    "ActRow",
    "DimensionReadout",
    "InterrogationReport",
    "ModelReadout",
    "RubricReadout",
    "format_interrogation_report",
    "format_rubric_readout",
    "interrogation_report",
    "rubric_readout",
]
