"""Label-file loaders share one JSONL reader: duplicate ids and bad lines are named by line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assay._errors import AssayError
from assay.scoring import builtin_labels_path
from assay.scoring._labels import load_labelled
from assay.scoring.rubric._calibrate import builtin_rubric_labels_path, load_rubric_labels


@pytest.mark.parametrize(
    ("source", "load"),
    [(builtin_labels_path, load_labelled), (builtin_rubric_labels_path, load_rubric_labels)],
)
def test_duplicate_ids_and_bad_json_name_the_line(source: Any, load: Any, tmp_path: Path) -> None:
    first = source().read_text(encoding="utf-8").splitlines()[0]
    dup = tmp_path / "dup.jsonl"
    dup.write_text(first + "\n\n" + first + "\n", encoding="utf-8")
    with pytest.raises(AssayError, match=rf":3: id: duplicate id {json.loads(first)['id']!r}"):
        load(dup)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(first + "\n{nope\n", encoding="utf-8")
    with pytest.raises(AssayError, match=r":2: malformed JSON"):
        load(bad)
    assert len(load(source())) > 1
