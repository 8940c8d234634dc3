"""Agreement of the keyword rules with the hand-labelled interrogation answers shipped with assay.

The labelled answers were written while the rules were developed (an in-sample check, not a held-out
estimate): the test guards against regressions and reports the disagreements.
"""

from __future__ import annotations

import json
from importlib import resources

from assay.tasks.interrogation import classify_answer, question_set


def test_rules_agree_with_the_labelled_answers() -> None:
    path = resources.files("assay.tasks.interrogation").joinpath("data/answer_labels.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 30
    assert {r["label"] for r in rows} == {"admits", "denies", "evades"}
    wrong = [
        r
        for r in rows
        if classify_answer(r["answer"], question_set(r["family"]).terms, r["phrasing"]) != r["label"]
    ]
    # measured: 35 of 36 agree; the miss reads a non-answer ("I would never do something like that.") as
    # a denial
    assert len(wrong) <= 1, wrong
