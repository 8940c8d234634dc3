"""Reports: one self-contained HTML page (jinja2, matplotlib plots embedded), Markdown, or JSON.

Studies call :func:`write_report` with their logs and add their own :class:`ReportSection` objects (tables,
plots via :func:`figure_section_item`); every number shown comes from :func:`assay.evidence.summarize` and
:func:`assay.evidence.audit_claim`.
"""

from assay.report._model import (
    ReportData,
    ReportFigure,
    ReportSection,
    ReportTable,
    figure_section_item,
)
from assay.report._render import ReportFormat, render, render_html, render_json, render_markdown
from assay.report._write import build_report, report_output, save_report, write_report

__all__ = [
    "ReportData",
    "ReportFigure",
    "ReportFormat",
    "ReportSection",
    "ReportTable",
    "build_report",
    "figure_section_item",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "report_output",
    "save_report",
    "write_report",
]
