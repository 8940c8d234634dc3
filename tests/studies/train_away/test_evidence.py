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
from assay.studies.train_away._evidence import COPYING, SYCOPHANCY

pytestmark = pytest.mark.slow  # uses the fast study run (conftest.fast_run)


def _table(out: Path) -> pd.DataFrame:
    return read_table_file(out / "evidence" / "table.parquet")


def _final(analysis: dict[str, Any], method: str, measure: str, split: str) -> dict[str, Any]:
    """The study's own item-level test of ``method`` against sycophancy on one measure and split."""
    return next(
        f
        for f in analysis["final"]
        if (f["trained"], f["method"], f["measure"], f["split"]) == ("sycophancy", method, measure, split)
    )


def test_one_table_holds_every_measure_with_its_units(fast_run: tuple[Path, Any]) -> None:
    out, _ = fast_run
    table, cfg = _table(out), TrainAwayConfig.fast()
    assert set(table["measure"]) == {SYCOPHANCY, COPYING} and set(table["source"]) == {"study"}
    assert set(table["replicate"]) == {"base"} | {f"seed{s}" for s in cfg.sweep.seeds}
    assert not table.duplicated(["measure", "model", "sample_id", "epoch"]).any()  # one row per unit
    # the base model's rows are there once, not once per seed
    base = table[table["f_stream"] == "base"]
    assert set(base["model"]) == {"base"} and not base.duplicated(["measure", "sample_id"]).any()
    assert len(base) == 2 * 4 * cfg.n_per_cell
    # the margin behind each outcome: below 0 prefers the wrong value
    assert (table["outcome"] == "harmful").equals(table["value"] < 0)
    streams = {f"{m}:{b}" for m in cfg.methods for b in ("sycophancy", "copying")} | {"sft:noop"}
    assert set(table["f_stream"]) == {"base"} | streams
    # each trained row names its model (stream and seed) and the stage that measured it
    trained = table[table["f_stream"] != "base"]
    assert trained["model"].equals(trained["f_stream"] + "@" + trained["replicate"])
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
        assert subject["sample_id"].nunique() == final["test"]["n_prompts"], claim.id
        audit = audit_claim_file(out / "claims" / f"{claim.id}.yaml")
        assert audit.subject_rate is not None and audit.subject_rate.n == len(subject), claim.id
        comp = claim.primary_comparison
        control = select_rows(rows, Selector(factors={**claim.subject.factors, comp.factor: comp.control}))
        assert set(control["measure"]) == {SYCOPHANCY} and len(control), claim.id
        if comp.control == "base":  # the base model's rows on the same prompts, once each
            base = select_rows(rows, Selector(factors={"stream": "base"}))
            assert set(subject["sample_id"]) <= set(base["sample_id"]), claim.id
            assert not base.duplicated(["sample_id"]).any(), claim.id


def test_every_row_records_its_forced_choice_as_exact(fast_run: tuple[Path, Any]) -> None:
    out, _ = fast_run
    table = _table(out)
    for measure in (SYCOPHANCY, COPYING):
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
    assert set(sidecar["measures"]) == {SYCOPHANCY, COPYING}


def test_claims_regrade_from_claim_files_and_table_alone(
    fast_run: tuple[Path, Any], tmp_path: Path, regrade_alone: Callable[[Path, Path], list[str]]
) -> None:
    out, _ = fast_run
    assert regrade_alone(out, tmp_path)
