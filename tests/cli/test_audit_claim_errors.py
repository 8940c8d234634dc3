"""``assay audit`` on claim files and count tables written by hand: one line on stderr, exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli import main

CLAIM = (
    "id: c\nstatement: The model sent the email under the threat.\ntarget_level: L1\n"
    "decision_rule: {description: the source's classifier}\nexclusions: []\nsubject: {factors: {threat: "
    "yes}}\n"
)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(["audit", *args])
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def _files(folder: Path, claim: str, counts: str) -> tuple[str, str]:
    (folder / "claim.yaml").write_text(claim, encoding="utf-8")
    (folder / "counts.csv").write_text(counts, encoding="utf-8")
    return str(folder / "claim.yaml"), str(folder / "counts.csv")


SEMICOLONS = "threat;k;n;prompts;errors;citation\nyes;90;100;5;0;P t1\nno;1;100;5;0;P t1\n"


def test_a_semicolon_csv_with_a_byte_order_mark_grades(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim, counts = _files(tmp_path, CLAIM, "\ufeff" + SEMICOLONS)
    code, out, err = _run(capsys, claim, "--counts", counts)
    assert (code, err) == (0, "")
    assert "n = 100 valid (0 errors) from counts; m = 5 distinct prompts" in out


@pytest.mark.parametrize(
    ("claim", "counts", "message"),
    [
        (
            CLAIM.replace("subject:", "subjet:"),
            SEMICOLONS,
            "malformed claim {claim}: unknown field 'subjet' (did you mean 'subject'?)",
        ),
        (
            CLAIM + "negative_controls: [{factors: {threat: none}}]\n",
            SEMICOLONS,
            "claim c: negative_controls[0].factors.threat: 'none' is not a value of 'threat' in the evidence "
            "(values: no, yes)",
        ),
        (
            CLAIM,
            SEMICOLONS + "yes;5;100;5;0;P t2\n",
            "{counts} row 3: the same condition as row 1 (measure rate, model (none), threat=yes); one row "
            "per "
            "condition",
        ),
    ],
    ids=["claim typo", "control value", "duplicate condition"],
)
def test_a_mistake_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], claim: str, counts: str, message: str
) -> None:
    claim_path, counts_path = _files(tmp_path, claim, counts)
    for strict in ((), ("--strict",)):
        code, out, err = _run(capsys, claim_path, "--counts", counts_path, *strict)
        assert (code, out) == (2, "")
        assert err == "assay: error: " + message.format(claim=claim_path, counts=counts_path) + "\n"
