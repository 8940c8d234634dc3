"""The provenance lists each distinct classifier behind the outcomes once, from the table's cells."""

from __future__ import annotations

import json

import pandas as pd

from assay.evidence._summary import classifier_lines


def _cell(config: str, validations: int) -> str:
    record = {"kind": "rubric_judge", "name": "r", "version": "2", "config_sha256": config}
    return json.dumps([record | {"validations": [{}] * validations}])


def test_each_configuration_is_listed_once_with_its_validations() -> None:
    table = pd.DataFrame({"classifier": [_cell("a" * 64, 0), _cell("a" * 64, 0), "", _cell("b" * 64, 1)]})
    assert classifier_lines(table) == [
        "rubric_judge r v2 (aaaaaaaaaaaa; no validation record)",
        "rubric_judge r v2 (bbbbbbbbbbbb; 1 validation record(s))",
    ]
    assert classifier_lines(pd.DataFrame({"x": [1]})) == []


def test_unreadable_cells_and_records_add_nothing() -> None:
    table = pd.DataFrame({"classifier": ["not json", json.dumps([{"kind": "rule"}]), json.dumps({"a": 1})]})
    assert classifier_lines(table) == []
