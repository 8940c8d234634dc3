"""Render a :class:`ReportData` as self-contained HTML (jinja2), Markdown, or JSON."""

from __future__ import annotations

import json
from typing import Literal

from assay.evidence import kept_out
from assay.report._claims import claim_rows
from assay.report._content import build_sections
from assay.report._guide import LEVEL_MEANING
from assay.report._model import ReportData, ReportSection, ReportTable
from assay.report._plots import summary_figures

ReportFormat = Literal["html", "md", "json"]


def _overview(data: ReportData) -> str:
    s = data.summary
    return (
        f"{s.n_rows} samples from {len(s.provenance.logs)} log(s): {s.n_valid} valid, {s.n_errors} not in n"
        + (f" ({kept_out(s.errors)})" if s.errors else "")
        + "; "
        f"{len(s.conditions)} condition(s); {len(data.audits)} claim(s) audited." + _status_overview(data)
    )


def _status_overview(data: ReportData) -> str:
    st = data.log_status
    if st is None or not (st.incomplete or st.superseded):
        return ""
    parts = []
    if st.incomplete:
        missing = sum(i.missing or 0 for i in st.incomplete)
        parts.append(
            f"INCOMPLETE: {len(st.incomplete)} eval(s) did not finish, {missing} sample(s) never ran"
        )
    if st.superseded:
        dropped = sum(s.rows_dropped for s in st.superseded)
        parts.append(f"{len(st.superseded)} superseded log(s), {dropped} duplicate row(s) dropped")
    return " " + "; ".join(parts) + "."


def render_html(data: ReportData) -> str:
    """Return one self-contained HTML page (CSS inline, plots as base64 PNG, no external URL)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("assay.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    sections = build_sections(data, summary_figures(data.summary))
    return env.get_template("report.html.j2").render(
        title=data.title,
        created=data.created,
        overview=_overview(data),
        sections=sections,
        claim_rows=claim_rows(data.audits),
        level_meaning=LEVEL_MEANING,
    )


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(t: ReportTable) -> list[str]:
    lines = [f"**{t.title}**", ""] if t.title else []
    lines.append("| " + " | ".join(_md_cell(c) for c in t.columns) + " |")
    lines.append("|" + "---|" * len(t.columns))
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
    if t.note:
        lines += ["", t.note]
    return [*lines, ""]


def _md_section(s: ReportSection) -> list[str]:
    head = f"## {s.title}" + (f" — {s.badge}" if s.badge else "")
    lines = [head, ""]
    for p in s.paragraphs:
        lines += [p, ""]
    for f in s.figures:
        lines += [f"*Figure: {f.title} (embedded in the HTML report).*", ""]
    for t in s.tables:
        lines += _md_table(t)
    return lines


def render_markdown(data: ReportData) -> str:
    """Return the report as Markdown: the same sections and tables as the HTML, figures named only."""
    lines = [f"# {data.title}", "", f"Generated {data.created} by assay. {_overview(data)}", ""]
    for s in build_sections(data, {}):
        lines += _md_section(s)
    return "\n".join(lines).rstrip() + "\n"


def render_json(data: ReportData) -> str:
    """Return the report's numbers as JSON (per condition: n, k, rate, lo, hi, method, errors, ...)."""
    payload = json.loads(data.model_dump_json())  # pydantic writes NaN as null
    for section in payload.get("extra_sections", []):
        for fig in section.get("figures", []):
            fig.pop("png_base64", None)
    return json.dumps(payload, indent=2, allow_nan=False) + "\n"


def render(data: ReportData, fmt: ReportFormat) -> str:
    """Render ``data`` in ``fmt`` (``html``, ``md`` or ``json``)."""
    if fmt == "html":
        return render_html(data)
    if fmt == "md":
        return render_markdown(data)
    return render_json(data)
