"""The one study-output writer: metrics (and extra metrics files), claim files, audits and report.html."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from assay._errors import AssayError
from assay._precision import Precision, mark_precision, precision_scope
from assay._strict import Strict
from assay.engine.outputs import StudyEvidence, input_hashes, write_study_outputs
from assay.evidence import (
    Capability,
    Claim,
    Count,
    Estimate,
    PredictionOutcome,
    Rate,
    StudyMetrics,
    audit_claim_file,
    binomial_rate,
    claim_from_dict,
    load_claim,
    load_study_metrics,
    read_provenance,
    validate_table,
)
from assay.report import ReportSection


class TinyFigures(Strict):
    """A study's typed figures, as a study keeps them under ``metrics.extra``."""

    treated: Rate
    control: Rate


def _table() -> pd.DataFrame:
    rows = [
        {
            "task": "tiny",
            "model": "m",
            "condition_id": f"tiny:{arm}",
            "f_arm": arm,
            "sample_id": f"{arm}-{i}",
            "prompt_sha256": f"{arm}-{i}",
            "epoch": 1,
            "outcome": "harmful" if i < hits else "benign",
        }
        for arm, hits in (("treated", 6), ("control", 2))
        for i in range(10)
    ]
    return validate_table(pd.DataFrame(rows))


def _claim(claim_id: str, metrics: Path) -> Claim:
    return claim_from_dict(
        {
            "id": claim_id,
            "statement": "After the tiny treatment the model gave the harmful answer on 6/10 prompts.",
            "construct": {"name": "tiny behaviour", "definition": "the harmful answer"},
            "decision_rule": {"description": "outcome harmful", "positive": ["harmful"]},
            "target_level": "L1",
            "subject": {"factors": {"arm": "treated"}},
            "evidence": {"study_metrics": [str(metrics.resolve())]},
            "predictions": [{"name": "treated above control", "direction": "increase"}],
        }
    )


def _metrics() -> StudyMetrics:
    figures = TinyFigures(treated=binomial_rate(6, 10), control=binomial_rate(2, 10))
    return StudyMetrics(
        study="tiny",
        model_change=True,
        capability=Capability(before=Count(k=9, n=10), after=Count(k=8, n=10)),
        extra={"figures": figures.model_dump()},
    )


def test_the_writer_writes_metrics_claims_audits_and_report(tmp_path: Path) -> None:
    metrics = _metrics()
    seen: dict[str, Any] = {}
    outcome = PredictionOutcome(
        name="treated above control", observed_direction="increase", estimate=Estimate(estimate=0.4)
    )

    def claims_of(path: Path) -> tuple[list[Claim], list[PredictionOutcome]]:
        seen["path"], seen["extra_written"] = path, (tmp_path / "metrics-more.json").is_file()
        return [_claim("tiny-claim", path)], [outcome]

    more = metrics.model_copy(update={"study": "tiny-more"})
    path, report = write_study_outputs(
        tmp_path,
        metrics,
        claims_of,
        StudyEvidence(table=_table(), positive=["harmful"]),
        [ReportSection(id="tiny", title="Tiny section", paragraphs=["a paragraph"])],
        "Tiny study",
        extra_metrics={"metrics-more.json": more},
    )
    assert path == tmp_path / "metrics.json" == seen["path"] and seen["extra_written"]
    written = load_study_metrics(path)
    assert TinyFigures.model_validate(written.extra["figures"]).treated.k == 6  # figures round-trip
    assert written.prediction_outcomes == [outcome]
    (record,) = written.extra["claims"]
    assert record["id"] == "tiny-claim" and record["achieved_level"] in ("L0", "L1")
    assert set(record) >= {"target_level", "blocking", "items", "predictions"} and len(record["items"]) == 34
    assert load_claim(tmp_path / "claims" / "tiny-claim.yaml").id == "tiny-claim"
    assert load_study_metrics(tmp_path / "metrics-more.json").study == "tiny-more"
    html = report.read_text()
    assert report == tmp_path / "report.html" and "Tiny study" in html and "Tiny section" in html
    assert "tiny-claim" in html
    assert not metrics.prediction_outcomes and "claims" not in metrics.extra  # the caller's copy unchanged


def test_each_claim_is_audited_on_its_own_table(tmp_path: Path) -> None:
    table = _table()
    asked: list[str] = []

    def table_of(claim: Claim) -> pd.DataFrame:
        asked.append(claim.id)
        return table[table["f_arm"] == "treated"] if claim.id == "treated-only" else table

    write_study_outputs(
        tmp_path,
        _metrics(),
        lambda path: ([_claim("treated-only", path), _claim("whole", path)], []),
        StudyEvidence(table=table, table_of=table_of),
        [],
        "Tiny study",
    )
    records = load_study_metrics(tmp_path / "metrics.json").extra["claims"]
    assert asked == ["treated-only", "whole"] == [r["id"] for r in records]
    assert not load_study_metrics(tmp_path / "metrics.json").prediction_outcomes


def _two_measures() -> pd.DataFrame:
    """The tiny table as measure ``tiny_rate``, and measure ``tiny_score`` with 4/10 on ``treated``."""
    rate = _table().assign(measure="tiny_rate")
    score = _table().assign(measure="tiny_score", source="study", value=0.5)
    score["outcome"] = ["harmful" if i < 4 else "benign" for i in range(10)] * 2
    return validate_table(pd.concat([rate, score], ignore_index=True))


def _on(measure: str | None, claim_id: str, metrics: Path) -> Claim:
    return _claim(claim_id, metrics).model_copy(update={"measure": measure})


def test_one_table_of_several_measures_is_written_once_and_each_claim_graded_on_its_measure(
    tmp_path: Path,
) -> None:
    inputs = input_hashes({"seed": 0}, "m", "abc", [Path(__file__)])
    write_study_outputs(
        tmp_path,
        _metrics(),
        lambda path: ([_on("tiny_rate", "rate", path), _on("tiny_score", "score", path)], []),
        StudyEvidence(table=_two_measures(), positive=["harmful"], inputs=inputs),
        [],
        "Tiny study",
    )
    assert sorted(p.name for p in (tmp_path / "evidence").iterdir()) == [
        "table.parquet",
        "table.provenance.json",
    ]
    sidecar = read_provenance(tmp_path / "evidence" / "table.parquet")
    assert sidecar is not None and sidecar["measures"] == {"tiny_rate": 20, "tiny_score": 20}
    assert sidecar["inputs"] == inputs and inputs["model_revision"] == "abc"
    assert inputs[f"sha256:{Path(__file__).name}"] == hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    for claim_id, k in (("rate", 6), ("score", 4)):
        audit = audit_claim_file(tmp_path / "claims" / f"{claim_id}.yaml")
        assert audit.subject_rate is not None and (audit.subject_rate.k, audit.subject_rate.n) == (k, 10)
        assert load_claim(tmp_path / "claims" / f"{claim_id}.yaml").evidence.tables == [
            "../evidence/table.parquet"
        ]


def test_a_claim_naming_no_measure_of_a_table_of_several_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AssayError, match=r"claims whole name no measure.*tiny_rate, tiny_score"):
        write_study_outputs(
            tmp_path,
            _metrics(),
            lambda path: ([_on("tiny_rate", "rate", path), _on(None, "whole", path)], []),
            StudyEvidence(table=_two_measures(), positive=["harmful"]),
            [],
            "Tiny study",
        )


def test_a_study_report_opens_with_its_claims_then_its_own_sections(tmp_path: Path) -> None:
    from assay.engine.outputs import timings_section

    def claims_of(path: Path) -> tuple[list[Claim], list[PredictionOutcome]]:
        return [_claim("tiny-claim", path)], []

    sections = [ReportSection(id="tiny", title="Tiny section"), timings_section({"measure": 1.0})]
    path, report = write_study_outputs(
        tmp_path, _metrics(), claims_of, StudyEvidence(table=_table()), sections, "Tiny study"
    )
    (record,) = load_study_metrics(path).extra["claims"]
    assert "6 of 10 samples (60.0 %" in record["supported_statement"]  # the treated arm, not the pooled 8/20
    order = re.findall(r'<section id="([^"]+)">', report.read_text())
    assert order[:3] == ["claims", "tiny", "headline"] and order[-2:] == ["provenance", "timings"]


def test_metrics_record_the_precisions_of_the_run(tmp_path: Path) -> None:
    with precision_scope():
        mark_precision(SimpleNamespace(), Precision("float32", "bfloat16", "cpu", "amx_bf16"))
        path, _ = write_study_outputs(
            tmp_path,
            _metrics(),
            lambda p: ([_claim("tiny-claim", p)], []),
            StudyEvidence(table=_table(), positive=["harmful"]),
            [],
            "Tiny study",
        )
    assert load_study_metrics(path).extra["precision"] == ["bf16-autocast on cpu (amx_bf16)"]
