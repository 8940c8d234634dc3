"""docs/agentic.md's "Known-answer test: planted organisms" tables, rendered from bench/planted.py's record.

    python bench/planted_doc.py            # print docs/agentic.md with the planted sections re-rendered
    python bench/planted_doc.py --write    # rewrite those sections in place

Each section sits between ``<!-- generated: planted-NAME source=PATH -->`` and
``<!-- end generated: planted-NAME -->`` (:mod:`assay._docgen`). The tables are the study report's own
(:mod:`assay.studies.planted._report`), so the page and the report show the same figures.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from assay._docgen import check_sections, own_sections, render_from_sources, replace_own, table
from assay.report import ReportTable
from assay.studies.planted._analysis import PlantedAnalysis
from assay.studies.planted._report import (
    agreement_table,
    controls_table,
    effects_table,
    never_denier_table,
    recovery_table,
)

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "agentic.md"
PREFIX = "planted-"


def _md(t: ReportTable) -> str:
    return "\n".join(table(t.columns, t.rows)) + "\n"


def render(rec: dict[str, Any]) -> dict[str, str]:
    """Every generated planted part of docs/agentic.md from one result file."""
    a = PlantedAnalysis.model_validate(rec["analysis"])
    wall = rec.get("wall_s")
    times = (
        f"End to end: {wall:.0f} s (goal <= {rec['goal_s']} s).\n" if wall else "Wall time not recorded.\n"
    )
    parts = {
        "recovery": _md(recovery_table(a)),
        "effects": _md(effects_table(a)),
        "never-denier": _md(never_denier_table(a)),
        "agreement": _md(agreement_table(a)),
        "controls": _md(controls_table(a)),
        "times": times,
    }
    return {PREFIX + name: body for name, body in parts.items()}


def render_page(text: str, repo: Path = REPO) -> dict[str, str]:
    """Every planted section of ``text``, rendered from the file (under ``repo``) its marker names."""
    return render_from_sources(text, repo, render, PREFIX)


def check(text: str, repo: Path = REPO) -> list[str]:
    """One line per planted section that differs from its source's rendering (none: up to date)."""
    return check_sections(own_sections(text, PREFIX), render_page(text, repo))


def main() -> None:
    text = DOC.read_text()
    new = replace_own(text, render_page(text))
    if "--write" in sys.argv:
        DOC.write_text(new)
        print(f"rewrote the planted sections of {DOC.relative_to(REPO)}")
    else:
        print(new)


if __name__ == "__main__":
    main()
