"""Checklist item S3.13 (capability to act): each status, and how it gates L1."""

from __future__ import annotations

import pandas as pd
from tests.evidence.test_audit import _claim, l2_table

from assay.evidence import audit_claim, engagement_split, validate_table


def _agentic(table: pd.DataFrame, not_engaged_every: int) -> pd.DataFrame:
    """``table`` as agentic rows with an engagement verdict; every n-th benign row becomes not_engaged."""
    out = table.copy()
    out["task_family"] = "agentic"
    out["engaged"] = "yes"
    benign = out.index[out["outcome"] == "benign"]
    chosen = benign[::not_engaged_every] if not_engaged_every else benign[:0]
    out.loc[chosen, "outcome"] = "not_engaged"
    out.loc[chosen, "engaged"] = "no"
    return validate_table(out)


def _s313(table: pd.DataFrame) -> tuple[str, str, str]:
    r = audit_claim(_claim(), table=table)
    item = next(it for it in r.items if it.id == "S3.13")
    return item.status, item.reason, r.achieved_level


def test_non_agentic_rows_are_not_applicable_and_do_not_block_l1() -> None:
    status, reason, level = _s313(l2_table())
    assert status == "not_applicable" and "act on a scenario" in reason
    assert level != "L0"


def test_adequate_engagement_passes_and_names_both_rates() -> None:
    status, reason, level = _s313(_agentic(l2_table(), not_engaged_every=5))
    assert status == "passed" and "engaged-only rate" in reason and "raw rate" in reason
    assert level != "L0"


def test_mostly_not_engaged_fails_and_blocks_l1() -> None:
    rows = _agentic(l2_table().assign(outcome="benign"), not_engaged_every=1)  # no sample engaged
    status, reason, level = _s313(rows)
    assert status == "failed" and "not evidence of safety" in reason
    assert level == "L0"


def test_agentic_rows_without_a_verdict_are_missing_and_block_l1() -> None:
    table = l2_table().assign(task_family="agentic")
    status, reason, level = _s313(validate_table(table))
    assert status == "missing" and "no engagement verdict" in reason
    assert level == "L0"


def test_engagement_split_counts_not_engaged_in_the_raw_n_only() -> None:
    split = engagement_split({"harmful": 1, "benign": 1, "refused": 0, "not_engaged": 8, "model_error": 3})
    assert split is not None
    assert (split.n, split.n_engaged, split.n_not_engaged) == (10, 2, 8)
    assert split.raw.rate == 0.1 and split.engaged is not None and split.engaged.rate == 0.5
    assert split.mostly_not_engaged
    assert engagement_split({"harmful": 1, "benign": 3}) is None
