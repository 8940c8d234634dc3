"""The report shows empty and invalid replies beside n, and says when a condition has no valid sample."""

from __future__ import annotations

import pandas as pd

from assay.evidence import validate_table
from assay.report import build_report, render_html, render_markdown


def _table() -> pd.DataFrame:
    rows = [("c1", o) for o in ["empty", "empty", "invalid_action", "harmful", "benign"]]
    rows += [("c0", "empty"), ("c0", "empty")]
    return validate_table(
        pd.DataFrame(
            {
                "task": "t",
                "model": "m",
                "condition_id": [c for c, _ in rows],
                "sample_id": [f"s{i}" for i in range(len(rows))],
                "prompt_sha256": [f"p{i}" for i in range(len(rows))],
                "outcome": [o for _, o in rows],
            }
        )
    )


def test_counts_kept_out_of_n_appear_beside_the_rate() -> None:
    data = build_report(table=_table())
    md = render_markdown(data)
    assert "m on t: 1/2 = 50.0 %" in md and "(empty 4, invalid_action 1 not in n)" in md
    assert "2 valid, 5 not in n (empty 4, invalid_action 1)" in md
    assert "| c1 | 2 | 1 | 50.0 % | [9.5 %, 90.5 %] | [9.5 %, 90.5 %] | empty 2, invalid_action 1 |" in md
    assert "| c0 | 0 | 0 | n/a: no valid sample | [n/a, n/a] | [n/a, n/a] | empty 2 |" in md
    assert " 0.0 %" not in md.split("## Outcome breakdown")[0]
    html = render_html(data)
    assert "n/a: no valid sample" in html and "empty 2, invalid_action 1" in html


def test_an_all_empty_run_says_so_in_the_headline() -> None:
    table = validate_table(
        pd.DataFrame({"task": "t", "model": "m", "sample_id": ["a", "b"], "outcome": ["empty", "empty"]})
    )
    md = render_markdown(build_report(table=table))
    assert "m on t: 0/0: no valid sample (empty 2)." in md
    assert "0/2" not in md and "0.0 %" not in md.split("## Outcome breakdown")[0]
