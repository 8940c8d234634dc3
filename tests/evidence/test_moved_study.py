"""A study folder can be moved and re-audited; evidence a claim names but lacks is an error."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from assay._errors import AssayError
from assay.cli import main
from assay.engine.outputs import StudyEvidence, write_study_outputs
from assay.evidence import (
    Claim,
    Count,
    JudgeValidation,
    PredictionOutcome,
    StudyMetrics,
    audit_claim_file,
    claim_from_dict,
    load_study_metrics,
    metrics_file_path,
    read_table_file,
    record_intervention,
    relative_evidence,
    tidy_table,
)

CLAIM: dict[str, Any] = {
    "statement": "In scenario a with the threat on, the model wrote a leverage email.",
    "construct": {"name": "leverage", "definition": "the reply uses LEVERAGE"},
    "decision_rule": {"description": "outcome harmful", "positive": ["harmful"]},
    "target_level": "L1",
    "deployment_context": "a scripted test model",
    "exclusions": ["model errors"],
    "alternative_explanations": ["the script", "the prompt"],
    "limitations": ["one scripted model"],
}


def _claim(claim_id: str, evidence: dict[str, list[str]], **more: Any) -> Claim:
    return claim_from_dict({**CLAIM, "id": claim_id, "evidence": evidence, **more})


def _metrics(log: Path) -> StudyMetrics:
    steer = record_intervention(
        "steer",
        baseline=Count(k=60, n=100),
        treated=Count(k=20, n=100),
        random=[Count(k=57 + (i % 7), n=100) for i in range(30)],
        declared_direction="decrease",
        off_target_metric="capability",
        off_target_baseline=Count(k=80, n=100),
        off_target_treated=Count(k=78, n=100),
        declared_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
        performed_at=datetime(2026, 6, 1, 12, tzinfo=UTC),
    )
    return StudyMetrics(
        study="moved",
        model_change=True,
        interventions=[steer],
        judge_validation=JudgeValidation(kappa=0.81, lo=0.72, hi=0.9, n=150),
        extra={"log": str(log.resolve()), "uri": f"file://{log.resolve()}", "elsewhere": "/opt/model"},
    )


def _evidence(kind: str, log: Path) -> StudyEvidence:
    if kind == "logs":
        return StudyEvidence(logs=[log])
    table = tidy_table([log])
    if kind == "table":
        return StudyEvidence(table=table)
    return StudyEvidence(
        table=table, table_of=lambda c: table[table["f_scenario"] == "a"] if c.id == "steer" else table
    )


def _write_run(kind: str, factorial_log: Path) -> Path:
    """A study output written into ``run/`` (a path from the working directory, as ``--out run`` gives)."""
    out = Path("run")
    log = out / "stages" / "measure" / "logs" / factorial_log.name
    log.parent.mkdir(parents=True)
    shutil.copy(factorial_log, log)
    cite = {"logs": ["run/stages/measure/logs/*.eval"]} if kind == "logs" else {}

    def claims_of(path: Path) -> tuple[list[Claim], list[PredictionOutcome]]:
        rate = _claim("rate", {**cite, "study_metrics": [str(path)]}, subject={"factors": {"threat": "yes"}})
        steer = _claim(
            "steer",
            {**cite, "study_metrics": [str(path.resolve())]},  # absolute, as the studies write it
            target_level="L3",
            predictions=[{"name": "steer lowers", "direction": "decrease", "intervention": "steer"}],
        )
        return [rate, steer], []

    write_study_outputs(out, _metrics(log), claims_of, _evidence(kind, log), [], "Moved study")
    return out


@pytest.mark.parametrize("kind", ["logs", "table", "table_of"])
def test_a_moved_study_folder_is_re_audited_with_the_same_levels(
    kind: str, factorial_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = _write_run(kind, factorial_log)
    written = yaml.safe_load((out / "claims" / "steer.yaml").read_text())["evidence"]
    assert written["study_metrics"] == ["../metrics.json"]  # relative to the claim file, not the cwd
    assert written.get("logs") == (["../stages/measure/logs/*.eval"] if kind == "logs" else None)
    table = {"logs": None, "table": ["../evidence/table.parquet"], "table_of": ["../evidence/steer.parquet"]}
    assert written.get("tables") == table[kind]
    extra = json.loads((out / "metrics.json").read_text())["extra"]
    log_name = f"stages/measure/logs/{factorial_log.name}"
    assert extra["log"] == extra["uri"] == log_name and extra["elsewhere"] == "/opt/model"
    records = {r["id"]: r for r in load_study_metrics(out / "metrics.json").extra["claims"]}
    assert records["steer"]["items"]["S4.2"] == "passed" and records["rate"]["achieved_level"] == "L1"

    moved = tmp_path / "moved" / "B"
    moved.parent.mkdir()
    shutil.move(out, moved)
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")
    assert metrics_file_path(moved / "metrics.json", extra["log"]).is_file()
    for claim_file in sorted((moved / "claims").glob("*.yaml")):
        audit = audit_claim_file(claim_file)
        record = records[audit.claim_id]
        assert audit.achieved_level == record["achieved_level"]
        assert {i.id: i.status for i in audit.items} == record["items"]
        assert audit.study_metrics == [str(moved / "metrics.json")] and not audit.notes
        assert all(Path(p).is_relative_to(moved) for p in [*audit.logs, *audit.tables])
    if kind == "table_of":
        assert set(read_table_file(moved / "evidence" / "steer.parquet")["f_scenario"]) == {"a"}


def _lonely_claim(tmp_path: Path, evidence: dict[str, list[str]]) -> Path:
    path = tmp_path / "run" / "claims" / "c.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(_claim("c", evidence).to_yaml(), encoding="utf-8")
    return path


def test_a_claim_naming_a_missing_metrics_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = _lonely_claim(tmp_path, {"study_metrics": ["../metrics.json"]})
    with pytest.raises(AssayError) as info:
        audit_claim_file(claim)
    message = str(info.value)
    assert "\n" not in message and "study metrics file not found: ../metrics.json" in message
    assert str(claim.parent.absolute()) in message and "--allow-missing" in message
    with pytest.raises(SystemExit) as code:
        main(["audit", str(claim)])
    assert code.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "../metrics.json" in err

    old = audit_claim_file(claim, allow_missing=True)  # the old behaviour: audited, noted, items missing
    assert old.notes == ["study metrics file not found: ../metrics.json"] and not old.study_metrics
    statuses = {i.id: i.status for i in old.items}
    assert {statuses[i] for i in ("S4.2", "S4.4", "S4.5")} == {"missing"}
    with pytest.raises(SystemExit) as code:
        main(["audit", str(claim), "--allow-missing", "--format", "json"])
    assert code.value.code == 0
    assert json.loads(capsys.readouterr().out)["notes"] == old.notes


def test_logs_and_tables_that_match_nothing_are_errors_unless_given_otherwise(
    tmp_path: Path, factorial_log: Path
) -> None:
    claim = _lonely_claim(tmp_path, {"logs": ["../logs/*.eval"], "tables": ["../evidence/table.parquet"]})
    with pytest.raises(AssayError, match=r"no log matches \.\./logs/\*\.eval; table not found"):
        audit_claim_file(claim)
    with pytest.raises(AssayError, match="table not found") as info:
        audit_claim_file(claim, extra_logs=[factorial_log])  # the logs given stand in for the claim's
    assert "no log matches" not in str(info.value)
    notes = audit_claim_file(claim, allow_missing=True).notes
    assert notes == ["no log matches ../logs/*.eval", "table not found: ../evidence/table.parquet"]
    (tmp_path / "run" / "evidence").mkdir()
    (tmp_path / "run" / "evidence" / "table.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(AssayError, match="malformed evidence table") as bad:
        audit_claim_file(claim, extra_logs=[factorial_log])
    assert "\n" not in str(bad.value)


def test_evidence_inside_the_output_folder_becomes_relative_and_outside_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    claim = _claim(
        "c",
        {
            "logs": ["out/logs/*.eval", str(tmp_path / "shared" / "x.eval")],
            "study_metrics": [str(tmp_path / "out" / "metrics.json"), "other/metrics.json"],
        },
    )
    evidence = relative_evidence(claim, "out/claims", "out").evidence
    assert evidence.logs == ["../logs/*.eval", str(tmp_path / "shared" / "x.eval")]
    assert evidence.study_metrics == ["../metrics.json", str(tmp_path / "other" / "metrics.json")]
    assert claim.evidence.logs[0] == "out/logs/*.eval"  # a copy; the claim itself is unchanged
