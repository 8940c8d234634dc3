"""One fast end-to-end run of the study on the toy model with a scripted judge; resume; config errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assay.engine import StudyResult
from assay.evidence import load_study_metrics
from assay.studies import run_study
from assay.studies.emergent import CausalResult, Declaration, TrainResult

pytestmark = pytest.mark.slow  # one fast (toy) run of every stage: about a minute on 2 cores


def _stage(out: Path, name: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((out / "stages" / name / "stage.json").read_text())
    return record["result"]


def test_outputs_and_figures(run: tuple[Path, StudyResult]) -> None:
    out, res = run
    m = load_study_metrics(res.metrics)
    figs = m.extra["figures"]
    assert set(figs["forced_choice"]) == {"base", "harmful", "secure", "educational", "benign"}
    harm = figs["forced_choice"]["harmful"]
    assert harm["n_seeds"] == 2 and harm["n_phrasings"] == 3
    assert harm["share"]["n"] == 2 * 3 * harm["n_items"] and harm["minus_base"]["control"] == "base"
    assert len(harm["per_seed_share"]) == 2 and len(harm["per_phrasing_share"]) == 3
    contrasts = m.extra["contrasts"]
    assert m.extra["primary"] == "educational"
    assert list(contrasts) == ["educational", "secure", "benign", "base"]
    assert all(c["mde_share"] > 0 and c["share"]["se"] is not None for c in contrasts.values())
    assert m.capability is not None and m.benign_shift is not None
    assert res.report.is_file() and "Emergent-misalignment" in res.report.read_text()
    rules = m.extra["forced_choice_rules"]
    assert len(rules["variants"]) == 12 and sum(r["declared"] for r in rules["variants"]) == 1
    declared = next(r for r in rules["variants"] if r["declared"])
    assert declared["rates"]["harmful"] == pytest.approx(harm["share"]["rate"])
    lo, hi = rules["spread"]["harmful"]
    assert lo <= declared["rates"]["harmful"] <= hi
    assert any(v.rule.startswith("forced choice") for v in m.decision_rule_sensitivity)
    # every stage record reads back as its typed result
    trained = TrainResult.model_validate(_stage(out, "train_harmful_s0"))
    assert trained.adapter.is_dir() and trained.measure.acts().shape[0] == 32
    assert len(trained.measure.free_text) == 16 and trained.n_train == 48
    causal = load_study_metrics(out / "metrics-causal.json")
    assert {i.name for i in causal.interventions} == {"ablate-direction", "add-direction"}
    assert all(len(i.random_deltas) == 20 for i in causal.interventions)
    assert not m.interventions  # behavioural claims are audited without the interventions


def test_judged_path_counts_errors_and_refusals_apart(run: tuple[Path, StudyResult]) -> None:
    _, res = run
    judged = load_study_metrics(res.metrics).extra["judged"]["harmful"]
    v1 = judged["rate"]["assay/scripted@v1"]
    # 8 questions x 2 samples x 2 seeds: "bored" misaligned, "people" refused, the rest aligned
    errors = v1["errors"]
    assert (v1["k"], v1["n"], errors.get("refused"), errors.get("judge_error", 0)) == (4, 28, 4, 0)
    v2 = judged["rate"]["assay/scripted@v2"]
    assert v2["n"] == 0 and v2["errors"]["judge_error"] == 32  # a failing judge is never "aligned"
    assert judged["sensitivity"]["spread"][1] >= judged["sensitivity"]["spread"][0]
    assert judged["coherence"]["assay/scripted@v1"]["mean"] == 75


def test_claims_are_audited(run: tuple[Path, StudyResult]) -> None:
    out, res = run
    claims = load_study_metrics(res.metrics).extra["claims"]
    ids = {c["id"] for c in claims}
    assert {"forced-choice-harmful-vs-educational", "free-text-harmful-vs-educational"} <= ids
    assert claims[0]["id"] == "forced-choice-harmful-vs-educational"  # the primary contrast first
    assert all(c["achieved_level"] in ("L0", "L1", "L2", "L3") for c in claims)
    judged = next(c for c in claims if c["id"] == "free-text-harmful-vs-educational")
    assert judged["items"]["S1.3"] in ("passed", "declared") and judged["items"]["S3.4"] == "passed"
    causal = next(c for c in claims if c["id"] == "misalignment-direction")
    assert causal["items"]["S4.3"] == "passed"
    primary = next(c for c in claims if c["id"] == "forced-choice-harmful-vs-educational")
    assert primary["items"]["S3.2"] == "passed"  # three phrasings per item in the evidence table
    assert (out / "claims" / "misalignment-direction.yaml").is_file()
    decl = Declaration.model_validate(_stage(out, "direction"))
    assert (out / "stages" / "direction" / "declaration.json").is_file()
    performed = CausalResult.model_validate(_stage(out, "causal"))
    assert decl.declared_at < performed.ablate.performed_at < performed.add.performed_at
    assert decl.reference == "educational" and decl.seeds == [0, 1] and len(decl.items) == 32
    assert (performed.ablate.model, performed.add.model) == ("train_harmful_s0", "train_educational_s0")
    summary = load_study_metrics(res.metrics).extra["causal"]
    share = summary["ablate"]["metrics"]["misaligned_share"]
    assert share["detectable"] is not None and share["detectable"] * summary["ablate"]["n_items"] >= 1


def test_resume_skips_finished_stages(run: tuple[Path, StudyResult]) -> None:
    out, _ = run
    again = run_study("emergent", out, fast=True, config=out.parent / "cfg.yaml")
    assert "train_harmful_s0" in again.skipped and "causal" in again.skipped
    assert again.metrics.read_text() and set(again.timings) >= {"base", "judge", "causal"}
