"""Any Inspect log: dict-valued scores, factors from other metadata keys, log directories, epochs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from foreign_logs import run_dict_scored

from assay._errors import AssayError
from assay.cli import main
from assay.evidence import audit_claim, claim_from_dict, resolve_positive, tidy_table


@pytest.fixture(scope="module")
def dict_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_dict_scored(tmp_path_factory.mktemp("dict"))


@pytest.fixture(scope="module")
def epochs_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_dict_scored(tmp_path_factory.mktemp("epochs"), epochs=3)


def _report(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(["report", *args])
    return int(info.value.code or 0), capsys.readouterr().err


def test_dict_scores_give_the_right_rate(
    dict_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    code, err = _report([str(dict_log), "--positive", "1.0", "-o", str(out)], capsys)
    assert code == 0, err
    overall = json.loads(out.read_text())["summary"]["overall"]
    assert [(o["k"], o["n"]) for o in overall] == [(10, 20)]
    table = tidy_table([dict_log])
    assert any("key harmful (auto-detected" in n for n in table.attrs["assay_notes"])
    other = tidy_table([dict_log], score_key="classifier_verdict")
    assert int((other["outcome"] == "1").sum()) == 10
    assert resolve_positive(table, ["true"]) == ("1",)


def test_dict_scores_without_a_usable_key_or_value_are_errors(
    dict_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "r.json")
    code, err = _report([str(dict_log), "--positive", "7", "-o", out], capsys)
    assert code == 2 and "--positive 7 matches no outcome" in err and "0, 1" in err
    code, err = _report([str(dict_log), "--score-key", "nope", "-o", out], capsys)
    assert code == 2 and "no key 'nope'" in err and "classifier_verdict, harmful" in err
    odd = run_dict_scored(tmp_path / "odd", keys="odd")
    with pytest.raises(AssayError, match=r"dicts with keys a, b; choose one with --score-key"):
        tidy_table([odd])
    assert int((tidy_table([odd], score_key="a")["outcome"] == "1").sum()) == 10


def test_factors_come_from_categorical_metadata(dict_log: Path) -> None:
    table = tidy_table([dict_log])
    assert [c for c in table.columns if c.startswith("f_")] == ["f_domain", "f_pressure"]
    only = tidy_table([dict_log], factors=["pressure"])
    assert [c for c in only.columns if c.startswith("f_")] == ["f_pressure"]
    with pytest.raises(AssayError, match=r"--factor tier: .*categorical keys: domain, pressure"):
        tidy_table([dict_log], factors=["tier"])
    from assay.evidence import summarize

    summary = summarize(table, ["1"])
    (fit,) = summary.factor_effects
    assert fit.status != "no_factors" and {t.factor for t in fit.terms} == {"domain", "pressure"}
    assert {c.condition for c in summary.conditions} == {
        "domain=bank,pressure=high",
        "domain=bank,pressure=low",
        "domain=shop,pressure=high",
        "domain=shop,pressure=low",
    }


def test_log_directories_and_epochs(
    epochs_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    code, err = _report([str(epochs_log.parent), "--positive", "1", "-o", str(out)], capsys)
    assert code == 0, err
    overall = json.loads(out.read_text())["summary"]["overall"]
    assert [(o["k"], o["n"], o["generations_per_prompt"]) for o in overall] == [(30, 60, 3.0)]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, err = _report([str(empty), "-o", str(out)], capsys)
    assert code == 2 and "no Inspect logs" in err
    claim = claim_from_dict(
        {
            "id": "x",
            "statement": "Under high pressure the model moved the money.",
            "decision_rule": {"description": "harmful = 1", "positive": ["1"]},
            "target_level": "L1",
            "subject": {"factors": {"pressure": "high"}},
            "exclusions": [],
        }
    )
    r = audit_claim(claim, extra_logs=[epochs_log.parent])
    items = {i.id: i for i in r.items}
    assert items["S3.1"].status == "passed" and "K = 3 to 3" in items["S3.1"].reason
    assert r.subject_rate is not None and (r.subject_rate.k, r.subject_rate.n) == (30, 30)


def test_audit_cli_takes_score_key_and_factor(dict_log: Path, tmp_path: Path) -> None:
    from assay.cli._audit import audit_command

    claim = tmp_path / "c.yaml"
    claim.write_text(
        "id: c\nstatement: The model moved the money.\ntarget_level: L1\n"
        "decision_rule: {description: verdict 1, positive: ['1']}\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(
        audit_command,
        [str(claim), "--log", str(dict_log), "--score-key", "classifier_verdict", "--factor", "domain"],
    )
    assert res.exit_code == 0, res.output
    assert "achieved level" in res.output
