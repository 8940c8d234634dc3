"""Shared by every study's tests: a finished study folder re-graded from its claim files and table alone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assay.evidence import audit_claim_file

Regrade = Callable[[Path, Path], list[str]]


def _regrade_alone(out: Path, tmp_path: Path) -> list[str]:
    """Copy ``out`` without its ``stages/``, re-audit every claim file, and check the recorded audits.

    Each claim's level, blockers and 34 item statuses must equal what ``metrics.json`` records under
    ``extra.claims``, and the claim-language check flags no word of the statement the study wrote.
    Returns the claim ids re-graded.
    """
    moved = tmp_path / "moved"
    shutil.copytree(out, moved, ignore=shutil.ignore_patterns("stages"))
    assert not (moved / "stages").exists()
    recorded = json.loads((moved / "metrics.json").read_text())["extra"]["claims"]
    for record in recorded:
        audit = audit_claim_file(moved / "claims" / f"{record['id']}.yaml")
        assert audit.achieved_level == record["achieved_level"], record["id"]
        assert audit.blocking == record["blocking"], record["id"]
        assert {i.id: i.status for i in audit.items} == record["items"], record["id"]
        assert audit.language_flags == [], (record["id"], audit.statement)  # the study's own wording
    return [str(r["id"]) for r in recorded]


@pytest.fixture
def regrade_alone() -> Regrade:
    """:func:`_regrade_alone`: a moved study folder re-graded from its claim files and evidence table."""
    return _regrade_alone
