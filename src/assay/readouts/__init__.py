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

__all__ = [
    "ActRow",
    "InterrogationReport",
    "format_interrogation_report",
    "interrogation_report",
]
