"""The report's claims: the table a reader sees first, and each claim's details (its checklist, collapsed).

The table gives, per claim, the statement its rows support (:func:`assay.evidence.supported_statement`),
the achieved level against the target, the items holding it back (the blockers of the next level) and the
author's wording with every phrase that needs a level above the achieved one marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

from assay.evidence import AuditResult, kept_out, level_spans
from assay.report._content import pct
from assay.report._model import ReportSection, ReportTable

_RANK = {"L0": 0, "L1": 1, "L2": 2, "L3": 3}
_LEVELS = ("L1", "L2", "L3")
Level = Literal["L0", "L1", "L2", "L3"]

#: Columns of the claims table (Markdown and the HTML table share them).
CLAIM_COLUMNS = ["claim", "supported by the rows", "level", "holding it back", "author's wording"]


def wording_spans(text: str, achieved: Level) -> list[tuple[int, int, str]]:
    """``(start, end, needs)`` of every phrase of ``text`` whose wording needs more than ``achieved``.

    The one place the report finds the author's words to mark (:func:`assay.evidence.level_spans`).
    """
    return [(s.start, s.end, s.needs) for s in level_spans(text, achieved)]


def marked_wording(text: str, achieved: Level) -> Markup:
    """``text`` as escaped HTML with each phrase above ``achieved`` in ``<mark title="needs L3">``."""
    out, at = Markup(""), 0
    for start, end, needs in wording_spans(text, achieved):
        out += escape(text[at:start]) + Markup('<mark class="needs-{0}" title="needs {0}">{1}</mark>').format(
            needs, text[start:end]
        )
        at = end
    return out + escape(text[at:])


def marked_plain(text: str, achieved: Level) -> str:
    """``text`` with each phrase above ``achieved`` written ``**wants** (needs L3)`` (for Markdown)."""
    out, at = "", 0
    for start, end, needs in wording_spans(text, achieved):
        out += f"{text[at:start]}**{text[start:end]}** (needs {needs})"
        at = end
    return out + text[at:]


@dataclass(frozen=True)
class Blocker:
    """A checklist item that holds a claim below the next level."""

    id: str
    title: str
    status: str
    reason: str


def next_level(audit: AuditResult) -> str | None:
    """The level above the achieved one (``None`` at L3)."""
    rank = _RANK[audit.achieved_level]
    return _LEVELS[rank] if rank < len(_LEVELS) else None


def holding_back(audit: AuditResult) -> list[Blocker]:
    """The items that block the level above the achieved one, with their titles, states and reasons."""
    level = next_level(audit)
    if level is None:
        return []
    items = {it.id: it for it in audit.items}
    return [
        Blocker(i, items[i].title, items[i].status, items[i].reason) if i in items else Blocker(i, "", "", "")
        for i in audit.blocking.get(level, [])
    ]


def level_text(audit: AuditResult) -> str:
    """``L1 of target L2``, with ``overstated`` when the target or the wording is above the achieved level."""
    return f"{audit.achieved_level} of target {audit.target_level}" + (
        " (overstated)" if audit.overstated else ""
    )


def level_kind(audit: AuditResult) -> str:
    """The badge colour: ``bad`` when overstated (target or wording above the achieved level), else ``ok``."""
    return "bad" if audit.overstated else "ok"


@dataclass(frozen=True)
class ClaimRow:
    """One row of the HTML claims table (its wording already escaped and marked)."""

    index: int
    audit: AuditResult
    level: str
    kind: str
    next_level: str | None
    blockers: list[Blocker]
    wording: Markup


def claim_rows(audits: list[AuditResult]) -> list[ClaimRow]:
    """The rows of the HTML claims table, in the audits' order."""
    return [
        ClaimRow(
            i,
            a,
            level_text(a),
            level_kind(a),
            next_level(a),
            holding_back(a),
            marked_wording(a.statement, a.achieved_level),
        )
        for i, a in enumerate(audits)
    ]


def _blockers_text(a: AuditResult) -> str:
    level = next_level(a)
    if level is None:
        return "nothing: L3 is the top level"
    return f"to {level}: " + "; ".join(f"{b.id} {b.title} ({b.status})" for b in holding_back(a))


def claims_section(audits: list[AuditResult]) -> ReportSection:
    """The claims table the report opens with (plain cells; the HTML renders :func:`claim_rows`)."""
    rows = [
        [
            a.claim_id,
            a.supported_statement,
            level_text(a),
            _blockers_text(a),
            marked_plain(a.statement, a.achieved_level),
        ]
        for a in audits
    ]
    return ReportSection(
        id="claims",
        title="Claims",
        paragraphs=[
            "What each claim's rows support (built from the rows alone), its level, the items that block "
            "the next level, and the author's wording with each phrase above the achieved level marked. "
            "Checklists: in each claim's details, below the findings."
        ],
        tables=[ReportTable(columns=CLAIM_COLUMNS, rows=rows)],
    )


def claim_detail_section(a: AuditResult, index: int) -> ReportSection:
    """A claim's level, statement (and its downgrade), blockers, notes and its checklist (collapsed)."""
    paras = [f"Claim: {a.statement}", f"Supported by the rows: {a.supported_statement}"]
    if a.language_flags:
        paras.append(f"Supported wording at {a.achieved_level}: {a.rewritten_statement}")
        paras.append(
            "Rewritten: " + "; ".join(f"'{f.phrase}' ({f.kind}, needs {f.needs})" for f in a.language_flags)
        )
    if a.subject_rate is not None:
        r = a.subject_rate
        paras.append(
            f"Rate in the claim's subject: {r.k}/{r.n} = {pct(r.rate)} [{pct(r.lo)}, {pct(r.hi)}] "
            f"({r.method}); not in n: {kept_out(r.errors) or 0}."
        )
    for level, items in a.blocking.items():
        paras.append(f"{level} blocked by: {', '.join(items)}")
    paras += [f"Note: {n}" for n in a.notes]
    rows = [[it.id, it.title, it.status, it.reason] for it in a.items]
    return ReportSection(
        id=f"claim-{index}",
        title=f"Claim {a.claim_id}: details",
        badge=f"achieved {a.achieved_level}, target {a.target_level}"
        + (" — overstated" if a.overstated else ""),
        badge_kind=level_kind(a),
        paragraphs=paras,
        tables=[
            ReportTable(
                title=f"Checklist ({len(rows)} items)",
                columns=["item", "check", "status", "reason"],
                rows=rows,
                collapsed=True,
            )
        ],
    )
