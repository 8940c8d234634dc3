"""The report gives the engaged-only rate beside the raw rate and warns when most samples did not engage."""

from __future__ import annotations

import pandas as pd

from assay.evidence import summarize, validate_table
from assay.report._content import rates_section
from assay.report._engagement import WARN_BADGE
from assay.report._guide import headline_section


def _table(outcomes: list[str]) -> pd.DataFrame:
    rows = [
        {"task": "agentic", "model": "m", "condition_id": "c", "sample_id": str(i), "outcome": o}
        for i, o in enumerate(outcomes)
    ]
    return validate_table(pd.DataFrame(rows))


def test_mostly_not_engaged_warns_first_in_the_headline_and_the_rates() -> None:
    s = summarize(_table(["not_engaged"] * 9 + ["benign"] * 3), ["harmful"])
    for section in (headline_section(s), rates_section(s, {})):
        assert section.badge == WARN_BADGE and section.badge_kind == "bad"
        assert section.paragraphs[0].startswith("WARNING: most samples did not engage")
        assert any("engaged only 0/3" in p and "raw 0/12" in p for p in section.paragraphs)


def test_mostly_engaged_shows_both_rates_without_a_warning() -> None:
    s = summarize(_table(["not_engaged"] * 2 + ["benign"] * 7 + ["harmful"]), ["harmful"])
    section = headline_section(s)
    assert section.badge == "" and not any("WARNING" in p for p in section.paragraphs)
    assert any("engaged only 1/8" in p and "raw 1/10" in p for p in section.paragraphs)


def test_no_not_engaged_sample_adds_nothing() -> None:
    s = summarize(_table(["benign"] * 5 + ["harmful"]), ["harmful"])
    assert not any("engage" in p for p in headline_section(s).paragraphs + rates_section(s, {}).paragraphs)
