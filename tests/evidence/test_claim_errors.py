"""Claim files written by hand: every mistake is one line naming the file, the field and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay._errors import AssayError
from assay.evidence import load_claim

HEAD = "id: c\nstatement: The model sent the email.\ntarget_level: L1\n"

CASES = [
    (
        "top-level typo",
        HEAD + "subjcet: {factors: {a: b}}\n",
        "unknown field 'subjcet' (did you mean 'subject'?)",
    ),
    (
        "nested typo",
        HEAD + "subject: {factor: {a: b}}\n",
        "unknown field 'subject.factor' (did you mean 'subject.factors'?)",
    ),
    (
        "typo in a list item",
        HEAD + "negative_controls: [{modle: x}]\n",
        "unknown field 'negative_controls[0].modle' (did you mean 'negative_controls[0].model'?)",
    ),
    (
        "unknown field, nothing close",
        HEAD + "evidence: {zzz: []}\n",
        "unknown field 'evidence.zzz' (known here: logs, study_metrics, tables)",
    ),
    (
        "text for a list",
        HEAD + "limitations: one task only\n",
        "limitations: expected list of text, got 'one task only'; write a YAML list: ['one task only'] or "
        "one "
        "'- item' line per entry",
    ),
    (
        "percentage for a share",
        HEAD + "claimed_effect: 96%\n",
        "claimed_effect: expected number or null, got '96%'; write the share as a number between 0 and 1 "
        "(0.96)",
    ),
    (
        "bound",
        HEAD + "control_max_rate: 0.5\n",
        "control_max_rate: Input should be less than or equal to 0.2, got 0.5",
    ),
    (
        "level spelling",
        "id: c\nstatement: s\ntarget_level: l2\n",
        "target_level: expected L1, L2 or L3, got 'l2'",
    ),
    (
        "a list of values for one factor",
        HEAD + "subject: {factors: {p: [a, b]}}\n",
        "subject.factors.p: expected text, integer, number or true/false, got a list ['a', 'b']",
    ),
    (
        "one control as a mapping",
        HEAD + "negative_controls: {factors: {p: a}}\n",
        "negative_controls: expected list of mappings (Selector), got a mapping {'factors': {'p': 'a'}}",
    ),
    (
        "prediction direction",
        HEAD + "predictions: [{name: p, direction: up}]\n",
        "predictions[0].direction: expected increase, decrease or no_change, got 'up'",
    ),
    ("a number for the id", "id: 42\nstatement: s\ntarget_level: L1\n", "id: expected text, got 42"),
    ("missing field", "id: c\ntarget_level: L1\n", "missing required field 'statement'"),
    (
        "tab indentation",
        HEAD + "subject:\n\tfactors: {a: b}\n",
        "line 5, column 1: found character '\\t' that cannot start any token (indent YAML with spaces, not "
        "tabs)",
    ),
    (
        "several claims as a list",
        "- id: a\n- id: b\n",
        "expected a mapping of claim fields at the top level, got a list (one claim per file)",
    ),
    (
        "several documents",
        HEAD + "---\n" + HEAD,
        "line 4, column 1: but found another document (one document per file)",
    ),
    ("empty file", "", "expected a mapping of claim fields at the top level, got an empty file"),
    (
        "blank statement",
        "id: c\nstatement: '   '\ntarget_level: L1\n",
        "statement: must not be blank, got '   '",
    ),
    (
        "a percentage as a whole number",
        HEAD + "claimed_effect: 30\n",
        "claimed_effect: Input should be less than or equal to 1, got 30; "
        "a share is between 0 and 1 (0.3 for 30 %)",
    ),
    (
        "none as text",
        HEAD + "exclusions: none\n",
        "exclusions: expected list of text or null, got 'none'; write [] for none",
    ),
    (
        "a blank explanation counted as one",
        HEAD + "alternative_explanations: ['', framing]\n",
        "alternative_explanations: entry 0 is blank, got a list ['', 'framing']",
    ),
    (
        "the same limitation twice",
        HEAD + "limitations: [one task, One  task]\n",
        "limitations: entry 1 repeats entry 0, got a list ['one task', 'One  task']",
    ),
    (
        "a blank log entry (the claim's own folder)",
        HEAD + "evidence: {logs: ['']}\n",
        "evidence.logs: entry 0 is blank, got a list ['']",
    ),
    (
        "a capitalised key",
        "id: c\nStatement: s\ntarget_level: L1\n",
        "unknown field 'Statement' (did you mean 'statement'?)",
    ),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_malformed_claim_is_one_line_naming_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "claim.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssayError) as info:
        load_claim(path)
    assert str(info.value) == f"malformed claim {path}: {message}"
    assert "\n" not in info.value.message
