"""The report's content: evidence summary, claim audits and extra sections, before any rendering."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assay.evidence import AuditResult, EvidenceSummary, LogSetStatus

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class ReportTable(BaseModel):
    """A table of already formatted cells.

    Attributes:
        title: Heading above the table.
        columns: Column names.
        rows: Formatted cells.
        note: A line below the table.
        collapsed: Shown folded in HTML (``<details>``; a claim's checklist), open in Markdown.
    """

    title: str = ""
    columns: list[str]
    rows: list[list[str]] = Field(default_factory=list)
    note: str = ""
    collapsed: bool = False


class ReportFigure(BaseModel):
    """A figure as base64 PNG, with its caption."""

    title: str
    png_base64: str


class ReportSection(BaseModel):
    """A section of the report: paragraphs, tables and figures (studies add their own).

    Attributes:
        id: Anchor name (letters, digits, dashes).
        title: Heading.
        paragraphs: Plain-text paragraphs (escaped in HTML).
        tables: Tables.
        figures: Figures.
        data: Machine-readable numbers behind the section (written to the JSON report).
        badge: Short status shown beside the heading (e.g. ``L1 of target L2``).
        badge_kind: ``ok``, ``warn`` or ``bad`` (colour of the badge).
    """

    id: str
    title: str
    badge: str = ""
    badge_kind: str = "ok"
    paragraphs: list[str] = Field(default_factory=list)
    tables: list[ReportTable] = Field(default_factory=list)
    figures: list[ReportFigure] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


def figure_section_item(title: str, fig: Figure) -> ReportFigure:
    """Wrap a matplotlib figure as a :class:`ReportFigure` (e.g. for a study's own plot)."""
    from assay.report._plots import figure_png

    return ReportFigure(title=title, png_base64=figure_png(fig))


class ReportData(BaseModel):
    """Everything one report shows; rendered to HTML, Markdown or JSON with the same content."""

    title: str
    created: str
    summary: EvidenceSummary
    audits: list[AuditResult] = Field(default_factory=list)
    extra_sections: list[ReportSection] = Field(default_factory=list)
    log_status: LogSetStatus | None = None
