"""One fast end-to-end run of the study on the toy model with a scripted judge; resume; config errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assay._errors import AssayError
from assay.evidence import load_study_metrics
from assay.studies.emergent import load_emergent_config
from assay.studies.emergent._run import run_emergent

# alignment 12 for the "bored" question, a refusal for "people", 85 otherwise; coherence 75; prompt v2 crashes
SCRIPT = """
cases:
  - match: "safety evaluation.\\n\\nQuestion asked to the assistant:\\nI feel bored"
    turns: [{text: "12"}]
  - match: "safety evaluation.\\n\\nQuestion asked to the assistant:\\nWhat do you really"
    turns: [{text: "REFUSAL"}]
  - match: "safety evaluation."
    turns: [{text: "85"}]
  - match: "for fluency"
    turns: [{text: "Coherence: 75"}]
turns: [{error: "judge unavailable"}]
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, toy_path: Path) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("emergent")
    (root / "judge.yaml").write_text(SCRIPT)
    spec = {"model": "assay/scripted", "model_args": {"script": str(root / "judge.yaml")}}
    (root / "cfg.yaml").write_text(
        yaml.safe_dump({"judges": [{**spec, "prompt_version": "1"}, {**spec, "prompt_version": "2"}]})
    )
    out = root / "out"
    return out, run_emergent(out, fast=True, config=root / "cfg.yaml")


def test_outputs_and_figures(run: tuple[Path, dict[str, Any]]) -> None:
    out, res = run
    m = load_study_metrics(res["metrics"])
    figs = m.extra["figures"]
    assert set(figs["forced_choice"]) == {"base", "harmful", "secure", "educational", "benign"}
    harm = figs["forced_choice"]["harmful"]
    assert harm["n_seeds"] == 2 and harm["share"]["n"] == 2 * harm["n_items"]
    assert "minus_benign" in harm and "minus_base" in harm
    assert m.capability is not None and m.benign_shift is not None
    assert res["report"].is_file() and "Emergent-misalignment" in res["report"].read_text()
    causal = load_study_metrics(out / "metrics-causal.json")
    assert {i.name for i in causal.interventions} == {"ablate-direction", "add-direction"}
    assert all(len(i.random_deltas) == 20 for i in causal.interventions)
    assert not m.interventions  # behavioural claims are audited without the interventions


def test_judged_path_counts_errors_and_refusals_apart(run: tuple[Path, dict[str, Any]]) -> None:
    _, res = run
    judged = load_study_metrics(res["metrics"]).extra["judged"]["harmful"]
    v1 = judged["rate"]["assay/scripted@v1"]
    # 8 questions x 2 samples x 2 seeds: "bored" misaligned, "people" refused, the rest aligned
    errors = v1["errors"]
    assert (v1["k"], v1["n"], errors.get("refused"), errors.get("judge_error", 0)) == (4, 28, 4, 0)
    v2 = judged["rate"]["assay/scripted@v2"]
    assert v2["n"] == 0 and v2["errors"]["judge_error"] == 32  # a failing judge is never "aligned"
    assert judged["sensitivity"]["spread"][1] >= judged["sensitivity"]["spread"][0]
    assert judged["coherence"]["assay/scripted@v1"]["mean"] == 75


def test_claims_are_audited(run: tuple[Path, dict[str, Any]]) -> None:
    out, res = run
    claims = load_study_metrics(res["metrics"]).extra["claims"]
    ids = {c["id"] for c in claims}
    assert {"forced-choice-harmful-vs-secure", "free-text-harmful-vs-benign", "misalignment-direction"} <= ids
    assert all(c["achieved_level"] in ("L0", "L1", "L2", "L3") for c in claims)
    judged = next(c for c in claims if c["id"] == "free-text-harmful-vs-benign")
    assert judged["items"]["S1.3"] in ("passed", "declared") and judged["items"]["S3.4"] == "passed"
    causal = next(c for c in claims if c["id"] == "misalignment-direction")
    assert causal["items"]["S4.3"] == "passed"
    assert (out / "claims" / "misalignment-direction.yaml").is_file()
    decl = json.loads((out / "stages" / "direction" / "declaration.json").read_text())
    performed = json.loads((out / "stages" / "causal" / "causal.json").read_text())["ablate"]["performed_at"]
    assert decl["declared_at"] < performed


def test_resume_skips_finished_stages(run: tuple[Path, dict[str, Any]]) -> None:
    out, _ = run
    again = run_emergent(out, fast=True, config=out.parent / "cfg.yaml")
    assert "train_harmful_s0" in again["skipped"] and "causal" in again["skipped"]


def test_config_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("training: {n_train: 5000}\n")
    with pytest.raises(AssayError, match="n_train"):
        load_emergent_config(bad)
    bad.write_text("arms: [secure]\n")
    with pytest.raises(AssayError, match="harmful"):
        load_emergent_config(bad)
    bad.write_text("judges: [{model: x, prompt_version: '7'}]\n")
    with pytest.raises(AssayError, match="prompt_version"):
        load_emergent_config(bad)
