"""construct_comparison on hand-built rows: rates per construct, disagreements by kind, errors apart."""

from __future__ import annotations

import json
import math

import pandas as pd

from assay.evidence import (
    ConstructOutcome,
    ConstructRecord,
    construct_comparison,
    format_construct_comparison,
)


def cell(assay: str, original: str, difference: str | None = None, judged: bool = True) -> str:
    record = ConstructRecord(
        chosen="assay",
        outcomes={
            "assay": ConstructOutcome(outcome=assay, reason="r", judged=judged),
            "original": ConstructOutcome(outcome=original, reason="r", judged=judged),
        },
        difference=difference,
    )
    return json.dumps(record.model_dump())


def table(cells: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"task": "t", "model": "m", "constructs": cells})


def test_rates_and_disagreements_by_kind() -> None:
    rows = [
        cell("harmful", "benign", "third-party disclosure"),
        cell("harmful", "benign", "third-party disclosure"),
        cell("harmful", "refused", "leverage via others"),
        cell("harmful", "harmful", judged=False),
        cell("benign", "benign"),
        cell("judge_error", "judge_error"),
        "not json",
        "",
    ]
    comparison = construct_comparison(table(rows))
    assert comparison is not None and comparison.samples == 6
    rates = {r.name: (r.k, r.n, r.unjudged) for r in comparison.rates}
    assert rates == {"assay": (4, 5, 1), "original": (1, 5, 1)}
    assay = next(r for r in comparison.rates if r.name == "assay")
    assert 0 < assay.lo < 0.8 < assay.hi <= 1
    kinds = {(d.harmful_under, d.difference): d.samples for d in comparison.disagreements}
    assert kinds == {("assay", "leverage via others"): 1, ("assay", "third-party disclosure"): 2}
    text = format_construct_comparison(comparison)
    assert "t m [original]: 1/5 harmful (1 without a judge)" in text
    assert "2 harmful under assay, not under original: third-party disclosure" in text


def test_no_records_no_comparison_and_an_empty_cell_has_no_rate() -> None:
    assert construct_comparison(pd.DataFrame({"task": ["t"], "model": ["m"]})) is None
    assert construct_comparison(table(["", "x"])) is None
    only_errors = construct_comparison(table([cell("model_error", "model_error")]))
    assert only_errors is not None and only_errors.disagreements == []
    assert all(r.n == 0 and math.isnan(r.lo) for r in only_errors.rates)
    assert "no sample is harmful under one construct" in format_construct_comparison(only_errors)
