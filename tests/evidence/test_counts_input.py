"""Count tables as spreadsheets write them: separators, byte-order marks, ragged rows, misspelt columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay._errors import AssayError
from assay.evidence import load_count_table

HEADER = "threat{d}k{d}n{d}citation{d}measure\n"
ROWS = "replacement{d}80{d}100{d}P t1{d}rate\nnone{d}0{d}100{d}P t1{d}rate\n"


@pytest.mark.parametrize(
    ("name", "prefix", "sep"),
    [("comma", "", ","), ("semicolon", "", ";"), ("tab", "", "\t"), ("bom", "\ufeff", ",")],
)
def test_csv_separators_and_a_byte_order_mark_read_the_same(
    tmp_path: Path, name: str, prefix: str, sep: str
) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(prefix + (HEADER + ROWS).format(d=sep), encoding="utf-8")
    table = load_count_table(path)
    assert list(table["f_threat"]) == ["replacement", "none"]
    assert list(table["k"]) == [80, 0] and list(table["n"]) == [100, 100]


CSV_REFUSED = [
    (
        "threat,k,n,citation\nnone,0,100,P,extra\n",
        "row 1: 5 values for the header's 4 columns (threat, k, n, citation); quote values that contain the "
        "separator",
    ),
    (
        "threat,k,n,citation\nnone,0,100\n",
        "row 1: 3 values for the header's 4 columns (threat, k, n, citation); quote values that contain the "
        "separator",
    ),
    ("threat,k,k,n,citation\nnone,0,0,100,P\n", ": column 'k' appears more than once in the header"),
]


@pytest.mark.parametrize(("text", "message"), CSV_REFUSED)
def test_a_malformed_csv_is_refused_naming_the_row(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssayError) as info:
        load_count_table(path)
    assert str(info.value) == f"{path}{'' if message.startswith(':') else ' '}{message}"


YAML_REFUSED = [
    (
        "citation: P\nnote: n not public\nrows:\n  - {threat: a, rate: 96%}\n",
        "row 1: rate must be a number, got '96%' (a share between 0 and 1: 0.96)",
    ),
    (
        "citation: P\nrows:\n  - {threat: a, k: 8, N: 10}\n",
        "row 1: column 'N' is not a count column; did you mean 'n'? (every other column is read as a "
        "condition factor)",
    ),
    (
        "citation: P\nrows:\n  - {threat: a, k: 8, n: 10, prompt: 2}\n",
        "row 1: column 'prompt' is not a count column; did you mean 'prompts'? (every other column is read "
        "as a "
        "condition factor)",
    ),
    (
        "citation: P\nrows:\n  - {threat: [a, b], k: 8, n: 10}\n",
        "row 1: factor 'threat' must be one value, got ['a', 'b']",
    ),
    (
        "citation: P\nrows:\n  - {threat: a, k: 8, n: 10}\n  - {threat: b, k: 1, n: 10}\n  - {threat: a, k: "
        "2, n: 10}\n",
        "row 3: the same condition as row 1 (measure rate, model (none), threat=a); one row per condition",
    ),
    (
        "citation: P\nmesure: rate\nrows:\n  - {threat: a, k: 8, n: 10}\n",
        ": unknown top-level key 'mesure' (did you mean 'measure'? allowed: rows, citation, measure, "
        "outcome, model, "
        "note)",
    ),
]


@pytest.mark.parametrize(("text", "message"), YAML_REFUSED)
def test_a_misspelt_or_repeated_count_row_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssayError) as info:
        load_count_table(path)
    assert str(info.value) == f"{path}{'' if message.startswith(':') else ' '}{message}"


def test_the_same_condition_under_two_models_or_measures_is_two_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "citation: P\nrows:\n  - {model: a, threat: x, k: 1, n: 2}\n  - {model: b, threat: x, k: 1, n: 2}\n"
        "  - {measure: other, model: a, threat: x, k: 1, n: 2}\n  - {model: a, mode: x, k: 1, n: 2}\n",
        encoding="utf-8",
    )
    assert len(load_count_table(path)) == 4  # 'mode' is a factor, not a misspelt 'model'


def test_a_tab_in_a_yaml_count_table_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("citation: P\nrows:\n\t- {threat: a, k: 8, n: 10}\n", encoding="utf-8")
    with pytest.raises(AssayError) as info:
        load_count_table(path)
    assert str(info.value) == (
        f"malformed count table {path}: line 3, column 1: found character '\\t' that cannot start any token "
        "(indent YAML with spaces, not tabs)"
    )
