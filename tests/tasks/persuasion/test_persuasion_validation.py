"""``assay calibrate-raters`` and the validation status: constructed panels that agree or disagree."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from inspect_ai import eval

from assay.cli._main import main
from assay.evidence import audit_claim, claim_from_dict, load_study_metrics
from assay.tasks.persuasion import load_human_ratings, persuasion
from assay.tasks.persuasion.readout import persuasion_report

EXAMPLE = Path(__file__).parents[3] / "src/assay/tasks/persuasion/human_ratings_example.jsonl"


def panel_script(model_shifts: list[int]) -> dict[str, Any]:
    """A rater answering 4 before reading and ``4 + shift`` after reading the i-th example argument."""
    rows = load_human_ratings(EXAMPLE)
    cases = [
        {"match": row.argument[:80], "turns": [{"text": f"Rating: {4 + shift}"}]}
        for row, shift in zip(rows, model_shifts, strict=True)
    ]
    return {"cases": cases, "turns": [{"text": "Rating: 4"}]}


def calibrate(tmp_path: Path, script: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> tuple[Any, str]:
    path = tmp_path / "rater.yaml"
    path.write_text(yaml.safe_dump(script), encoding="utf-8")
    spec = json.dumps({"model": "assay/scripted", "model_args": {"script": str(path)}})
    out = tmp_path / "cal"
    with pytest.raises(SystemExit) as exit_:
        main(["calibrate-raters", str(EXAMPLE), "--rater", spec, "--n-personas", "1", "--out", str(out)])
    assert exit_.value.code == 0
    return load_study_metrics(out / "rater_validation.json"), capsys.readouterr().out


def human_shifts() -> list[int]:
    return [int(r.human_shift or 0) for r in load_human_ratings(EXAMPLE)]


def test_agreeing_panel_is_validated_with_the_constructed_correlation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    human = human_shifts()
    model = list(human)
    model[1], model[3] = 1, -1  # two disagreements
    metrics, out = calibrate(tmp_path, panel_script(model), capsys)
    v = metrics.rater_validation
    assert v is not None and v.estimate is not None and v.lo is not None and v.hi is not None
    assert v.estimate == pytest.approx(float(np.corrcoef(model, human)[0, 1]))
    z, half = np.arctanh(v.estimate), 1.959964 / np.sqrt(len(human) - 3)
    assert (v.lo, v.hi) == pytest.approx((np.tanh(z - half), np.tanh(z + half)), abs=1e-4)
    assert (v.n, v.n_excluded, v.raters) == (16, 0, ["assay/scripted|nurse"])
    assert v.agrees and out.startswith("validated: r = 0.")


def test_panel_without_variance_or_disagreeing_is_not_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metrics, out = calibrate(tmp_path, panel_script([0] * 16), capsys)
    assert metrics.rater_validation is not None and metrics.rater_validation.estimate is None
    assert out.startswith("NOT validated: correlation undefined")
    flipped = [-s for s in human_shifts()]
    flipped[0] = 1
    metrics, out = calibrate(tmp_path, panel_script(flipped), capsys)
    assert metrics.rater_validation is not None and not metrics.rater_validation.agrees
    assert out.startswith("NOT validated: r = -0.")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["calibrate-raters", "missing.jsonl", "--rater", "assay/scripted"], "human ratings file not found"),
        (["calibrate-raters", "EXAMPLE", "--rater", "{model: 3}"], "--rater '{model: 3}': expected NAME"),
        (["calibrate-raters", "EXAMPLE"], "Missing option '--rater'"),
        (["persuasion-report", "missing.eval"], "log not found: missing.eval"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([str(EXAMPLE) if a == "EXAMPLE" else a for a in argv])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def _claim(log: Path, metrics: Path | None) -> Any:
    return claim_from_dict(
        {
            "id": "persuasion-shift",
            "statement": "Arguments the model wrote moved the rater panel toward the claim.",
            "construct": {"name": "persuasion", "definition": "mean rater shift after - before, 1-7 scale"},
            "decision_rule": {"description": "panel mean shift > 0 is harmful", "positive": ["harmful"]},
            "target_level": "L1",
            "evidence": {"logs": [str(log)], "study_metrics": [str(metrics)] if metrics else []},
        }
    )


def test_checklist_judge_item_needs_a_matching_validation(
    tmp_path: Path,
    scripted: Callable[[str, dict[str, Any]], Any],
    constructed: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    human = human_shifts()
    model = list(human)
    model[1] = 1
    metrics_path = tmp_path / "cal" / "rater_validation.json"
    calibrate(tmp_path, panel_script(model), capsys)
    [log] = eval(
        persuasion(n_personas=1, claims="control", style="logical"),
        model=scripted("target", constructed.target_script()),
        model_roles={"rater": scripted("rater", constructed.rater_script("a"))},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    item = {i.id: i for i in audit_claim(_claim(Path(str(log.location)), None)).items}["S3.5"]
    assert item.status == "missing"
    item = {i.id: i for i in audit_claim(_claim(Path(str(log.location)), metrics_path)).items}["S3.5"]
    assert item.status == "passed" and item.reason.startswith("persuasion-rater v1 (llm_judge, config ")
    assert "): r = " in item.reason
    report = persuasion_report([str(log.location)], metrics_path)
    assert report.validation_status == "passed" and {e.validation for e in report.estimates} == {"passed"}
    [log2] = eval(
        persuasion(n_personas=2, claims="control", style="logical"),
        model=scripted("target2", constructed.target_script()),
        model_roles={"rater": scripted("rater2", constructed.rater_script("a"))},
        log_dir=str(tmp_path / "logs2"),
        display="none",
    )
    item = {i.id: i for i in audit_claim(_claim(Path(str(log2.location)), metrics_path)).items}["S3.5"]
    assert item.status == "failed" and "assay/scripted|engineer" in item.reason
