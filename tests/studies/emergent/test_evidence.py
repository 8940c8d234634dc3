"""The emergent study's evidence table: each claim graded on its measure's rows, re-gradable alone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from assay.engine import StudyResult
from assay.evidence import (
    Selector,
    audit_claim_file,
    config_sha256,
    load_claim,
    load_study_metrics,
    read_records,
    read_table_file,
)
from assay.evidence._checklist import select_rows
from assay.models._resolve import locate_model, model_revision
from assay.studies.emergent import EmergentConfig
from assay.studies.emergent._evidence import FORCED_CHOICE, JUDGED

pytestmark = pytest.mark.slow  # uses the fast study run (conftest.run)

Run = tuple[Path, StudyResult]

#: Claim id -> the measure it rests on.
MEASURES = {
    "forced-choice-harmful-vs-secure": FORCED_CHOICE,
    "forced-choice-harmful-vs-educational": FORCED_CHOICE,
    "forced-choice-harmful-vs-benign": FORCED_CHOICE,
    "free-text-harmful-vs-educational": JUDGED,
    "misalignment-direction": FORCED_CHOICE,
}


def _table(out: Path) -> pd.DataFrame:
    return read_table_file(out / "evidence" / "table.parquet")


def test_one_table_holds_both_measures_with_their_settings(run: Run) -> None:
    out, _ = run
    table = _table(out)
    assert set(table["measure"]) == {FORCED_CHOICE, JUDGED} and "f_measure" not in table.columns
    fc, ft = table[table["measure"] == FORCED_CHOICE], table[table["measure"] == JUDGED]
    assert (fc["outcome"] == "harmful").equals(fc["value"] > 0)  # the log-odds behind each choice
    assert set(fc["temperature"]) == {0.0} and set(fc["epoch"]) == {1} and fc["judge_config"].eq("").all()
    assert ft["judge_config"].ne("").all() and ft["temperature"].gt(0).all() and ft["seed"].notna().all()
    assert set(ft["source_ref"]) == {"judge"} and set(fc["source_ref"]) == {"base"} | {
        f"train_{a}_s{s}" for a in ("harmful", "secure", "educational", "benign") for s in (0, 1)
    }
    assert set(table["replicate"]) == {"", "seed0", "seed1"}
    assert set(table.loc[table["model"] == "base", "replicate"]) == {""}
    assert not table.duplicated(["measure", "model", "replicate", "sample_id", "epoch", "paraphrase"]).any()
    assert set(fc["paraphrase"]) == {0, 1, 2} and set(ft["paraphrase"]) == {0}
    per_item = fc.groupby(["model", "replicate", "sample_id"])["prompt_sha256"].nunique()
    assert (per_item == 3).all()  # three phrasings of every item, each its own prompt
    # the scripted judge: alignment 12 on "bored" (misaligned), a refusal on "people" (no score)
    scored = ft[ft["outcome"].isin(["harmful", "benign"])]
    assert (scored["outcome"] == "harmful").equals(scored["value"] < 30)
    assert ft.loc[ft["outcome"] == "refused", "value"].isna().all()


def test_each_claim_is_graded_on_its_measure_and_controls(run: Run) -> None:
    out, res = run
    table = _table(out)
    m = load_study_metrics(res.metrics)
    figures = m.extra["figures"]["forced_choice"]
    judged = m.extra["judged"]
    for claim_id, measure in MEASURES.items():
        claim = load_claim(out / "claims" / f"{claim_id}.yaml")
        assert claim.measure == measure and claim.evidence.tables == ["../evidence/table.parquet"], claim_id
        rows = table[table["measure"] == measure]
        assert claim.subject is not None
        subject = select_rows(rows, claim.subject)
        audit = audit_claim_file(out / "claims" / f"{claim_id}.yaml")
        assert audit.subject_rate is not None, claim_id
        if measure == FORCED_CHOICE:
            assert len(subject) == audit.subject_rate.n == figures["harmful"]["share"]["n"], claim_id
        else:
            (key,) = [k for k in judged["harmful"]["rate"] if k.endswith("@v1")]
            rate = judged["harmful"]["rate"][key]  # the study keeps refusals out of n, the engine in
            refused = int((subject["outcome"] == "refused").sum())
            assert audit.subject_rate.k == rate["k"] and refused == rate["errors"]["refused"], claim_id
            assert audit.subject_rate.n == rate["n"] + refused, claim_id
        comp = claim.primary_comparison
        if comp is not None and measure == FORCED_CHOICE:
            control = select_rows(rows, Selector(factors={comp.factor: comp.control}))
            assert len(control) == figures[str(comp.control)]["share"]["n"], claim_id
    free = load_claim(out / "claims" / "free-text-harmful-vs-educational.yaml")
    (base,) = free.negative_controls
    control = select_rows(table[table["measure"] == JUDGED], base)
    samples = yaml.safe_load((out / "config.yaml").read_text())["free_text"]["samples"]
    n_answers = table.loc[table["measure"] == JUDGED, "f_scenario"].nunique() * samples
    assert set(control["model"]) == {"base"} and len(control) == n_answers


def test_every_row_records_its_classifier(run: Run) -> None:
    out, _ = run
    table = _table(out)
    expected = {FORCED_CHOICE: "exact", JUDGED: "llm_judge"}  # the scripted judge is still a judge
    for measure, kind in expected.items():
        rows = table[table["measure"] == measure]
        assert rows["classifier"].nunique() == 1, measure  # one record per measure, built once
        (record,) = read_records(rows["classifier"].iloc[0]) or []
        assert record.kind == kind and not record.validations, measure
    judged = table[table["measure"] == JUDGED]
    (judge,) = read_records(judged["classifier"].iloc[0]) or []
    (config,) = judged["judge_config"].unique()
    assert judge.config == json.loads(config) and judge.config_sha256 == config_sha256(json.loads(config))
    for claim_id, measure in MEASURES.items():
        items = {i.id: i for i in audit_claim_file(out / "claims" / f"{claim_id}.yaml").items}
        assert items["S3.4"].status == "passed", (claim_id, items["S3.4"].reason)
        s35 = "passed" if measure == FORCED_CHOICE else "missing"  # no human labels for the judge
        assert items["S3.5"].status == s35, (claim_id, items["S3.5"].reason)


def test_the_table_sidecar_names_its_inputs(run: Run) -> None:
    out, _ = run
    sidecar = json.loads((out / "evidence" / "table.provenance.json").read_text())
    cfg = EmergentConfig.model_validate(yaml.safe_load((out / "config.yaml").read_text()))
    digest = hashlib.sha256(json.dumps(cfg.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
    revision = model_revision(locate_model(cfg.model))  # the toy's content hash
    assert sidecar["inputs"] == {"config_sha256": digest, "model": cfg.model, "model_revision": revision}
    assert set(sidecar["measures"]) == {FORCED_CHOICE, JUDGED}


def test_claims_regrade_from_claim_files_and_table_alone(
    run: Run, tmp_path: Path, regrade_alone: Callable[[Path, Path], list[str]]
) -> None:
    out, _ = run
    assert set(regrade_alone(out, tmp_path)) == set(MEASURES)
