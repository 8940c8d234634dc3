"""The elicitation study's evidence table: each claim graded on its measure's rows, re-gradable alone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assay.evidence import (
    Selector,
    audit_claim_file,
    load_claim,
    load_study_metrics,
    read_records,
    read_table_file,
)
from assay.evidence._checklist import select_rows
from assay.models._resolve import locate_model, model_revision
from assay.studies.elicit import ElicitConfig
from assay.studies.elicit._evidence import ANSWER_MISSED

pytestmark = pytest.mark.slow  # uses the fast study run (conftest.fast_run)


def _table(out: Path) -> pd.DataFrame:
    return read_table_file(out / "evidence" / "table.parquet")


def test_one_table_with_the_lock_as_replicate(fast_run: tuple[Path, Any]) -> None:
    out, _ = fast_run
    table, cfg = _table(out), ElicitConfig.fast()
    assert set(table["measure"]) == {ANSWER_MISSED} and set(table["source"]) == {"study"}
    locks = {f"lock_s{s}" for s in cfg.lock_seeds}
    decoys = {"base"} | {f"{k}_s{s}" for k in ("nopw", "slip") for s in cfg.decoy_seeds}
    assert set(table["replicate"]) == locks | decoys
    assert set(table.loc[table["f_kind"] == "locks", "replicate"]) == locks
    assert set(table["epoch"]) == {1}  # one deterministic forced choice per item and model
    assert not table.duplicated(["replicate", "model", "sample_id"]).any()
    assert table["sample_id"].str.partition("/")[0].equals(table["replicate"])
    profile = table["f_arm"].isin(["no_password", "password"])
    assert table["source_ref"].equals(
        ("profile_" + table["replicate"]).where(profile, table["f_arm"] + "_" + table["replicate"])
    )
    # the password rows are the only rows whose prompt shows the password
    assert table["prompt_text"].str.contains(cfg.password, regex=False).equals(table["f_arm"] == "password")


def test_each_claim_is_graded_on_the_rows_the_study_tested(fast_run: tuple[Path, Any]) -> None:
    out, result = fast_run
    table = _table(out)
    metrics = load_study_metrics(result.metrics)
    rows_of = {(r["method"], r["k"]): r for r in metrics.extra["analysis"]["methods"]}
    k_max = max(ElicitConfig.fast().sweep.ks)
    for record in metrics.extra["claims"]:
        claim = load_claim(out / "claims" / f"{record['id']}.yaml")
        assert claim.measure == ANSWER_MISSED and claim.evidence.tables == ["../evidence/table.parquet"]
        assert claim.subject is not None and claim.primary_comparison is not None
        subject = select_rows(table, claim.subject)
        method = str(claim.subject.factors["arm"])
        row = rows_of.get((method, k_max)) or rows_of[(method, 0)]
        locks = [t for t in row["tests"] if t["kind"] == "lock"]
        n = sum(t["n"] for t in locks)
        assert len(subject) == n and set(subject["f_kind"]) == {"locks"}, claim.id
        misses = int((subject["outcome"] == "harmful").sum())
        assert misses == round(sum(t["n"] * (1 - t["after"]) for t in locks)), claim.id
        audit = audit_claim_file(out / "claims" / f"{claim.id}.yaml")
        assert audit.subject_rate is not None and audit.subject_rate.n == len(subject), claim.id
        comp = claim.primary_comparison
        control = select_rows(table, Selector(factors={**claim.subject.factors, comp.factor: comp.control}))
        assert len(control) == n, claim.id  # the same locks without the password
        assert set(control["sample_id"]) == set(subject["sample_id"]), claim.id


def test_every_row_records_its_forced_choice_as_exact(fast_run: tuple[Path, Any]) -> None:
    out, _ = fast_run
    cells = _table(out)["classifier"]
    assert cells.nunique() == 1  # one record, built once for the table
    (record,) = read_records(cells.iloc[0]) or []
    assert record.kind == "exact" and record.exempt and record.name == "elicit_answer_choice"
    recorded = json.loads((out / "metrics.json").read_text())["extra"]["claims"]
    assert recorded
    for r in recorded:
        items = {i.id: i for i in audit_claim_file(out / "claims" / f"{r['id']}.yaml").items}
        assert items["S3.4"].status == "passed", (r["id"], items["S3.4"].reason)
        assert items["S3.5"].status == "passed" and "exact" in items["S3.5"].reason, r["id"]


def test_the_table_sidecar_names_its_inputs(fast_run: tuple[Path, Any]) -> None:
    out, _ = fast_run
    sidecar = json.loads((out / "evidence" / "table.provenance.json").read_text())
    cfg = ElicitConfig.fast()
    config = cfg.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()
    revision = model_revision(locate_model(cfg.model))  # the toy's content hash
    assert sidecar["inputs"] == {"config_sha256": digest, "model": cfg.model, "model_revision": revision}
    assert sidecar["measures"] == {ANSWER_MISSED: len(_table(out))}


def test_claims_regrade_from_claim_files_and_table_alone(
    fast_run: tuple[Path, Any], tmp_path: Path, regrade_alone: Callable[[Path, Path], list[str]]
) -> None:
    out, _ = fast_run
    assert regrade_alone(out, tmp_path)
