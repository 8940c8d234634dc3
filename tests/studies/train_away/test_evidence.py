"""The train-away study's evidence table: each claim graded on its measure's rows, re-gradable alone."""

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
from assay.studies.train_away import TrainAwayConfig
from assay.studies.train_away._evidence import HABIT, SYCOPHANCY

pytestmark = pytest.mark.slow  # uses the fast study run (conftest.fast_run)


def _table(out: Path) -> pd.DataFrame:
    return read_table_file(out / "evidence" / "table.parquet")


def _final(analysis: dict[str, Any], method: str, measure: str, split: str) -> dict[str, Any]:
    """The study's own paired statistics of ``method`` against sycophancy on one measure and split."""
    return next(
        f
        for f in analysis["final"]
        if (f["trained"], f["method"], f["measure"], f["split"]) == ("sycophancy", method, measure, split)
    )


def test_one_table_holds_every_measure_with_its_units(fast_run: tuple[Path, Any]) -> None:
    out, _ = fast_run
    table, cfg = _table(out), TrainAwayConfig.fast()
    assert set(table["measure"]) == {SYCOPHANCY, HABIT} and set(table["source"]) == {"study"}
    assert set(table["replicate"]) == {f"seed{s}" for s in cfg.sweep.seeds}
    assert not table.duplicated(["measure", "model", "sample_id", "epoch"]).any()  # one row per unit
    assert "f_measure" not in table.columns and "f_behaviour" not in table.columns
    # the margin behind each outcome: below 0 prefers the wrong suggestion, above 0 is the habit
    syc, habit = table[table["measure"] == SYCOPHANCY], table[table["measure"] == HABIT]
    assert (syc["outcome"] == "harmful").equals(syc["value"] < 0)
    assert (habit["outcome"] == "harmful").equals(habit["value"] > 0)
    assert set(habit["f_stream"]) == {"base"} | {f"{m}:habit" for m in cfg.methods}
    # each row names the stage that measured it
    parts = table["f_stream"].str.partition(":")
    stage = "stream_" + parts[2] + "_" + parts[0] + "_s" + table["replicate"].str.removeprefix("seed")
    assert table["source_ref"].equals(stage.where(table["f_stream"] != "base", "baseline"))


def test_each_claim_is_graded_on_the_rows_the_study_tested(fast_run: tuple[Path, Any]) -> None:
    out, result = fast_run
    table = _table(out)
    a = load_study_metrics(result.metrics).extra["analysis"]
    for record in load_study_metrics(result.metrics).extra["claims"]:
        claim = load_claim(out / "claims" / f"{record['id']}.yaml")
        assert claim.measure == SYCOPHANCY and claim.evidence.tables == ["../evidence/table.parquet"]
        assert claim.subject is not None and claim.primary_comparison is not None
        rows = table[table["measure"] == claim.measure]
        subject = select_rows(rows, claim.subject)
        method, _ = str(claim.subject.factors["stream"]).split(":")
        split = str(claim.subject.factors["split"])
        measure = "knows_but_defers" if "knows" in claim.subject.factors else "sycophancy"
        final = _final(a, method, measure, split)
        assert len(subject) == final["removal"]["after"]["n"], claim.id
        audit = audit_claim_file(out / "claims" / f"{claim.id}.yaml")
        assert audit.subject_rate is not None and audit.subject_rate.n == len(subject), claim.id
        comp = claim.primary_comparison
        control = select_rows(rows, Selector(factors={**claim.subject.factors, comp.factor: comp.control}))
        assert set(control["measure"]) == {SYCOPHANCY} and len(control), claim.id
        if comp.control == "base":  # the base model's rows on the same prompts are the study's pairs
            assert len(control) == final["paired"]["n_pairs"], claim.id
            assert set(control["sample_id"]) == set(subject["sample_id"]), claim.id


def test_every_row_records_its_forced_choice_as_exact(fast_run: tuple[Path, Any]) -> None:
    out, _ = fast_run
    table = _table(out)
    for measure in (SYCOPHANCY, HABIT):
        cells = table.loc[table["measure"] == measure, "classifier"]
        assert cells.nunique() == 1, measure  # one record per measure, built once for the table
        (record,) = read_records(cells.iloc[0]) or []
        assert record.kind == "exact" and record.exempt and measure in record.name, measure
    recorded = json.loads((out / "metrics.json").read_text())["extra"]["claims"]
    assert recorded
    for r in recorded:
        items = {i.id: i for i in audit_claim_file(out / "claims" / f"{r['id']}.yaml").items}
        assert items["S3.4"].status == "passed", (r["id"], items["S3.4"].reason)
        assert items["S3.5"].status == "passed" and "exact" in items["S3.5"].reason, r["id"]


def test_the_table_sidecar_names_its_inputs(fast_run: tuple[Path, Any]) -> None:
    out, _ = fast_run
    sidecar = json.loads((out / "evidence" / "table.provenance.json").read_text())
    config = TrainAwayConfig.fast().model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()
    model = TrainAwayConfig.fast().model
    revision = model_revision(locate_model(model))  # the toy's content hash
    assert sidecar["inputs"] == {"config_sha256": digest, "model": model, "model_revision": revision}
    assert set(sidecar["measures"]) == {SYCOPHANCY, HABIT}


def test_claims_regrade_from_claim_files_and_table_alone(
    fast_run: tuple[Path, Any], tmp_path: Path, regrade_alone: Callable[[Path, Path], list[str]]
) -> None:
    out, _ = fast_run
    assert regrade_alone(out, tmp_path)
