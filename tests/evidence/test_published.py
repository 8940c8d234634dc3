"""The published-results page: generated from a fresh audit of ``examples/published/``, never typed.

``docs/published.md`` and ``examples/published/results.json`` must equal what the audit gives now (rerun
``bench/published_table.py`` after a change to the checklist or the examples), and no claim graded on
published counts may pass an item that needs unit-level data.
"""

from __future__ import annotations

import re

import pytest

from assay.evidence._checklist import UNIT_LEVEL_ITEMS
from assay.evidence._counts import load_count_table
from assay.evidence._published import (
    DOC_PATH,
    PUBLISHED_DIR,
    REGENERATE,
    RESULTS_PATH,
    PublishedResults,
    audit_published,
    published_markdown,
    results_json,
)


@pytest.fixture(scope="module")
def results() -> PublishedResults:
    return audit_published()


def test_the_page_and_the_results_file_equal_a_fresh_audit(results: PublishedResults) -> None:
    stale = f"stale: run {REGENERATE}"
    assert RESULTS_PATH.read_text(encoding="utf-8") == results_json(results), stale
    assert DOC_PATH.read_text(encoding="utf-8") == published_markdown(results), stale
    assert len(results.claims) == len(list(PUBLISHED_DIR.glob("*.yaml"))) >= 5


def test_no_claim_on_published_counts_passes_a_unit_level_item(results: PublishedResults) -> None:
    for audit in results.claims:
        for item_id in UNIT_LEVEL_ITEMS:
            assert audit.statuses[item_id] == "missing", (audit.claim_id, item_id)
        assert audit.achieved_level in ("L0", "L1"), audit.claim_id  # L2 needs S3.1-S3.3


def test_every_published_count_row_cites_a_paper_and_a_year() -> None:
    tables = sorted((PUBLISHED_DIR / "counts").glob("*.yaml"))
    assert len(tables) >= 5
    for path in tables:
        counts = load_count_table(path)
        for citation in counts["citation"]:
            assert re.search(r"\b20\d\d\b", citation), (path.name, citation)
        without_n = counts[counts["n"].isna()]
        assert without_n["note"].str.len().gt(0).all(), path.name


def test_a_rate_without_n_is_shown_as_such_and_blocks_l1(results: PublishedResults) -> None:
    audit = next(a for a in results.claims if a.claim_id == "agentic-blackmail-models")
    assert audit.reported[0].startswith("claude-opus-4") and audit.reported[0].endswith("n not stated")
    assert audit.achieved_level == "L0"
    assert all("rate without n" in b.reason for b in audit.blocking["L1"])
    tampering = next(a for a in results.claims if a.claim_id == "reward-tampering")
    assert tampering.reported == ["training=curriculum: 45/32768", "training=helpful_only: 0/100000"]
    assert tampering.statuses["S2.6"] == "passed" and tampering.statuses["S2.1"] == "passed"
