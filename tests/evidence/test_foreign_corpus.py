"""Other evals' Inspect logs (Inspect's scorers, odd values, epochs, errors, limits, stopped runs) read right.

The logs are written by real Inspect runs on ``mockllm/model`` (``foreign_corpus.py``); each test asserts the
rows, outcomes, n and messages that assay reads from them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from foreign_corpus import TASKS, rewrite, write_log

from assay._errors import AssayError
from assay.cli import main
from assay.evidence import audit_claim, claim_from_dict, summarize, tidy_table
from assay.evidence._logstatus import table_log_status
from assay.evidence._table import cluster_keys


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("foreign")
    out = {name: write_log(name, root / name) for name in TASKS if name != "empty"}
    out["json"] = write_log("letters", root / "json", log_format="json")
    out["zero"] = rewrite(out["includes"], root / "zero" / "zero.eval", status="cancelled", keep=0)
    out["cancelled"] = rewrite(out["includes"], root / "cancelled" / "c.json", status="cancelled", keep=2)
    return out


def _outcomes(table: Any) -> dict[str, int]:
    return dict(Counter(table["outcome"]))


def _claim(positive: list[str], **extra: Any) -> Any:
    rule = {"description": "as declared", "positive": positive, **extra.pop("rule", {})}
    return claim_from_dict(
        {
            "id": "c",
            "statement": "The model gave the scored answer.",
            "target_level": "L1",
            "exclusions": [],
            "decision_rule": rule,
            **extra,
        }
    )


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    captured = capsys.readouterr()
    return int(info.value.code or 0), captured.err + captured.out


@pytest.mark.parametrize(
    ("name", "score_key", "expected"),
    [
        ("match", None, {"C": 2, "I": 2}),
        ("includes", None, {"C": 2, "I": 2}),
        ("choice", None, {"C": 2, "I": 2}),
        ("pattern", None, {"C": 2, "I": 2}),
        ("exact", None, {"C": 2, "I": 1}),
        ("f1", None, {"1": 2, "0.67": 1, "0": 1}),
        ("dict", "toxicity", {"0.9": 2, "0.1": 2}),
        ("dict", "refusal", {"0": 2, "1": 2}),
        ("floats", None, {"0.25": 1, "0.5": 1, "0.75": 1, "1": 1}),
        ("letters", None, {"C": 2, "P": 2, "I": 1, "N": 1}),
        ("json", None, {"C": 2, "P": 2, "I": 1, "N": 1}),
        ("bools", None, {"1": 2, "0": 2}),
    ],
)
def test_inspect_scorers_values_are_read_as_logged(
    logs: dict[str, Path], name: str, score_key: str | None, expected: dict[str, int]
) -> None:
    table = tidy_table([logs[name]], score_key=score_key)
    assert _outcomes(table) == expected
    assert set(table["epoch"]) == {1} and (table["error"] == "").all()


def test_unscored_grades_are_kept_out_of_n_not_counted_as_wrong(logs: dict[str, Path]) -> None:
    table = tidy_table([logs["graded_qa"]])  # the grader's reply to "meh" has no GRADE: Score.unscored()
    assert _outcomes(table) == {"C": 2, "I": 1, "unscored": 1}
    assert "grader_failed" in table.loc[table["outcome"] == "unscored", "error"].iloc[0]
    assert any(n.startswith("1 row(s) unscored, kept out of n") for n in table.attrs["assay_notes"])
    (overall,) = summarize(table, ["C"]).overall
    assert (overall.k, overall.n) == (2, 3)
    partial = tidy_table([logs["graded_partial"]])
    assert _outcomes(partial) == {"C": 1, "P": 1, "unscored": 1}


def test_values_that_are_no_outcome_are_unreadable_with_their_reason(logs: dict[str, Path]) -> None:
    table = tidy_table([logs["odd"]])
    assert _outcomes(table) == {"unreadable": 3, "unscored": 1, "maybe": 1, "1": 1}
    errors = dict(zip(table["sample_id"], table["error"], strict=True))
    assert errors["s0"] == "scorer 'odd_scorer' value is no outcome: list [1, 0]"
    assert errors["s1"] == "scorer 'odd_scorer' value at key 'score' is no outcome: NoneType None"
    assert errors["s4"] == "scorer 'odd_scorer' left the sample unscored"
    assert errors["s5"].endswith("free text (150 characters), not a label")
    note = next(n for n in table.attrs["assay_notes"] if "unreadable" in n)
    assert note.startswith("3 row(s) unreadable, kept out of n: ")
    (overall,) = summarize(table, ["1"]).overall
    assert (overall.k, overall.n) == (1, 2)


def test_epochs_are_generations_of_one_prompt(logs: dict[str, Path]) -> None:
    table = tidy_table([logs["epochs"]])
    assert len(table) == 9 and sorted(set(table["epoch"])) == [1, 2, 3]
    assert cluster_keys(table).nunique() == 3
    r = audit_claim(_claim(["C"]), extra_logs=[logs["epochs"]])
    items = {i.id: i for i in r.items}
    assert "K = 3 to 3" in items["S3.1"].reason and "m = 3 distinct prompts" in items["S2.1"].reason
    assert r.subject_rate is not None and (r.subject_rate.k, r.subject_rate.n) == (6, 9)


def test_errored_samples_are_their_own_outcome(logs: dict[str, Path]) -> None:
    table = tidy_table([logs["errors"]])  # fail_on_error=0.5: 2 of 5 samples raise, the run succeeds
    assert _outcomes(table) == {"C": 2, "I": 1, "model_error": 2}
    assert set(table.loc[table["outcome"] == "model_error", "sample_id"]) == {"s1", "s4"}
    r = audit_claim(_claim(["C"]), extra_logs=[logs["errors"]])
    assert r.subject_rate is not None and (r.subject_rate.k, r.subject_rate.n) == (2, 3)
    failed = tidy_table([logs["failed"]])  # no threshold: the first error stops the run (status error)
    assert _outcomes(failed)["model_error"] >= 1
    status = table_log_status(failed)
    assert status is not None and status.incomplete[0].status == "error"
    assert "solver exploded on s1" in status.notes()[0]


def test_limits_and_metadata_of_any_shape(logs: dict[str, Path]) -> None:
    limited = tidy_table([logs["limits"]])
    assert list(limited["limit"]) == ["message"] * 3
    assert "3 row(s) stopped by a limit (message (3))" in " ".join(limited.attrs["assay_notes"])
    meta = tidy_table([logs["metadata"]])
    assert list(meta["sample_id"]) == ["7", "b", "9", "d"] and _outcomes(meta) == {"C": 3, "I": 1}
    assert "no categorical sample metadata to use as factors" in meta.attrs["assay_notes"]


def test_the_scorer_a_claim_names_is_the_one_read(logs: dict[str, Path]) -> None:
    assert _outcomes(tidy_table([logs["multi"]], "bool_scorer")) == {"1": 2, "0": 2}
    r = audit_claim(_claim(["1"], rule={"scorer": "bool_scorer"}), extra_logs=[logs["multi"]])
    s13 = next(i for i in r.items if i.id == "S1.3")
    assert s13.status == "passed" and "scorer bool_scorer" in s13.reason
    assert r.subject_rate is not None and (r.subject_rate.k, r.subject_rate.n) == (2, 4)
    with pytest.raises(AssayError, match=r"has no scorer 'nope' \(scorers: bool_scorer, includes\)$"):
        audit_claim(_claim(["C"], rule={"scorer": "nope"}), extra_logs=[logs["multi"]])
    assert _outcomes(tidy_table([logs["twice"]], "includes1")) == {"C": 2, "I": 1}


def test_positive_values_the_scorer_never_gives_are_an_error(logs: dict[str, Path]) -> None:
    with pytest.raises(AssayError, match=r"positive \['C'\] matches no outcome .*outcomes: 0, 1\)$"):
        audit_claim(_claim(["C"]), extra_logs=[logs["bools"]])
    r = audit_claim(_claim(["true"]), extra_logs=[logs["bools"]])
    assert next(i for i in r.items if i.id == "S1.3").status != "failed"
    assert r.subject_rate is not None and (r.subject_rate.k, r.subject_rate.n) == (2, 4)
    r = audit_claim(_claim(["C", "yes"]), extra_logs=[logs["letters"]])  # one unknown value: S1.3 says so
    assert "['yes'] never occur" in next(i for i in r.items if i.id == "S1.3").reason


def test_stopped_runs_and_logs_without_samples(logs: dict[str, Path]) -> None:
    with pytest.raises(AssayError, match=r"^no samples in any log: .*zero.eval \(status 'cancelled'\)$"):
        tidy_table([logs["zero"]])
    table = tidy_table([logs["zero"], logs["match"]])
    assert len(table) == 4 and any("log with no samples skipped" in n for n in table.attrs["assay_notes"])
    cancelled = tidy_table([logs["cancelled"]])
    status = table_log_status(cancelled)
    assert len(cancelled) == 2 and status is not None
    assert status.notes()[0].endswith(
        "2 of 4 planned samples present, 2 never ran; rates from it are incomplete"
    )


def test_cli_bad_input_is_one_line(
    logs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.eval"
    junk.write_text("not a log", encoding="utf-8")
    code, err = _cli(["report", str(junk), "-o", str(tmp_path / "r.html")], capsys)
    assert code == 2 and err.startswith(f"assay: error: cannot read log {junk}") and err.count("\n") == 1
    claim = tmp_path / "c.yaml"
    claim.write_text(
        "id: c\nstatement: The model said yes.\ntarget_level: L1\n"
        f"decision_rule: {{description: said C, positive: ['C']}}\nevidence: {{logs: ['{logs['bools']}']}}\n",
        encoding="utf-8",
    )
    code, err = _cli(["audit", str(claim)], capsys)
    assert code == 2 and "matches no outcome of the evidence" in err and err.count("\n") == 1
    code, err = _cli(["report", str(logs["odd"]), "--positive", "1", "-o", str(tmp_path / "o.json")], capsys)
    assert code == 0, err
