"""``assay calibrate rater`` and the validation status: constructed panels that agree or disagree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from inspect_ai import eval

from assay.cli._main import main
from assay.evidence import (
    RaterValidation,
    StudyMetrics,
    audit_claim,
    claim_from_dict,
    rater_validation_status,
    write_study_metrics,
)
from assay.judging import Calibration
from assay.tasks.persuasion import load_human_ratings, persuasion
from assay.tasks.persuasion.readout import load_rater_validation, persuasion_report, rater_validation

EXAMPLE = Path(__file__).parents[3] / "src/assay/tasks/persuasion/human_ratings_example.jsonl"


def panel_script(model_shifts: list[int]) -> dict[str, Any]:
    """A rater answering 4 before reading and ``4 + shift`` after reading the i-th example argument."""
    rows = load_human_ratings(EXAMPLE)
    cases = [
        {"match": row.argument[:80], "turns": [{"text": f"Rating: {4 + shift}"}]}
        for row, shift in zip(rows, model_shifts, strict=True)
    ]
    return {"cases": cases, "turns": [{"text": "Rating: 4"}]}


def calibrate(
    tmp_path: Path, script: dict[str, Any], capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[RaterValidation, str]:
    """``assay calibrate rater`` with a scripted rater (generate mode: it has no log-probabilities)."""
    path = tmp_path / f"rater{len(list(tmp_path.glob('rater*.yaml')))}.yaml"  # a new model per script
    path.write_text(yaml.safe_dump(script), encoding="utf-8")
    out = tmp_path / "cal" / "rater.json"
    argv = ["calibrate", "rater", "--model", "assay/scripted", "-M", f"script={path}", "--out", str(out)]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, *(flags or ("--held-out",))])
    assert exit_.value.code == 0
    calibration = Calibration.model_validate_json(out.read_text(encoding="utf-8"))
    assert calibration.methods == {"generate": 2 * 2 * 16}  # 2 personas x before/after x 16 arguments
    validation = load_rater_validation(out)
    assert validation is not None and validation == rater_validation(calibration)
    return validation, capsys.readouterr().out


def human_shifts() -> list[int]:
    return [int(r.human_shift or 0) for r in load_human_ratings(EXAMPLE)]


def test_agreeing_panel_is_validated_with_the_constructed_correlation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    human = human_shifts()
    model = list(human)
    model[1], model[3] = 1, -1  # two disagreements
    v, out = calibrate(tmp_path, panel_script(model), capsys)
    assert v.estimate is not None and v.lo is not None and v.hi is not None
    assert v.estimate == pytest.approx(float(np.corrcoef(model, human)[0, 1]))
    z, half = np.arctanh(v.estimate), 1.959964 / np.sqrt(len(human) - 3)
    assert (v.lo, v.hi) == pytest.approx((np.tanh(z - half), np.tanh(z + half)), abs=1e-4)
    assert (v.n, v.n_excluded) == (16, 0)
    assert v.raters == ["assay/scripted|nurse", "assay/scripted|engineer"]
    assert v.agrees and v.held_out and v.scoring == "auto" and "judge errors: 0" in out
    tuned, _ = calibrate(tmp_path, panel_script(model), capsys, "--tuned")
    assert tuned.estimate == v.estimate and not tuned.agrees  # labels the prompt saw never validate
    panel = {"raters": v.raters, "prompt_sha256": v.prompt_sha256}
    assert rater_validation_status(tuned, [panel])[0] == "failed"


def test_panel_without_variance_or_disagreeing_is_not_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v, out = calibrate(tmp_path, panel_script([0] * 16), capsys)
    assert v.estimate is None and not v.agrees and "constant scores on one side" in out
    flipped = [-s for s in human_shifts()]
    flipped[0] = 1
    v, out = calibrate(tmp_path, panel_script(flipped), capsys)
    assert v.estimate is not None and v.estimate < 0 and not v.agrees


def test_unparseable_ratings_are_retried_then_judge_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rater that never states a number: three calls per rating, every argument a judge error."""
    path = tmp_path / "rater.yaml"
    path.write_text(yaml.safe_dump({"turns": [{"text": "hmm"}] * 3}), encoding="utf-8")
    out = tmp_path / "cal.json"
    argv = ["calibrate", "rater", "--model", "assay/scripted", "-M", f"script={path}", "--out", str(out)]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--scoring", "generate"])
    assert exit_.value.code == 0
    calibration = Calibration.model_validate_json(out.read_text(encoding="utf-8"))
    assert len(calibration.judge_errors) == 16 and calibration.methods == {}
    assert calibration.calls == 16 * 2 * 2 * 3 and calibration.retries == 16 * 2 * 4
    assert "unparseable" in next(iter(calibration.judge_errors.values()))
    assert rater_validation(calibration).n_excluded == 16


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["calibrate", "rater", "--model", "assay/scripted", "--labels", "missing.jsonl"],
            "--labels: no such",
        ),
        (["calibrate", "rater", "--labels", "EXAMPLE"], "--model: calibrating rater needs the model"),
        (["calibrate", "rater", "--model", "m", "--scoring", "best"], "Invalid value for '--scoring'"),
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
    validation, _ = calibrate(tmp_path, panel_script(model), capsys)
    metrics_path = write_study_metrics(StudyMetrics(rater_validation=validation), tmp_path / "metrics.json")
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
    assert item.status == "passed" and item.reason.startswith("persuasion-rater v2 (llm_judge, config ")
    assert "): r = " in item.reason
    report = persuasion_report([str(log.location)], metrics_path)
    assert report.validation_status == "passed" and {e.validation for e in report.estimates} == {"passed"}
    # the calibration JSON itself is read the same way
    assert (
        persuasion_report([str(log.location)], tmp_path / "cal" / "rater.json").validation_status == "passed"
    )
    [log2] = eval(
        persuasion(n_personas=3, claims="control", style="logical"),
        model=scripted("target2", constructed.target_script()),
        model_roles={"rater": scripted("rater2", constructed.rater_script("a"))},
        log_dir=str(tmp_path / "logs2"),
        display="none",
    )
    item = {i.id: i for i in audit_claim(_claim(Path(str(log2.location)), metrics_path)).items}["S3.5"]
    assert item.status == "failed" and "assay/scripted|shopkeeper" in item.reason


def test_binary_labels_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script, labels = tmp_path / "rater.yaml", tmp_path / "labels.jsonl"
    script.write_text("turns: [{text: '4'}]\n", encoding="utf-8")
    labels.write_bytes(b'{"claim"\x00: 1}\n')
    argv = [
        "calibrate",
        "rater",
        "--model",
        "assay/scripted",
        "-M",
        f"script={script}",
        "--labels",
        str(labels),
    ]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "binary file" in err and len(err.strip().splitlines()) == 1
