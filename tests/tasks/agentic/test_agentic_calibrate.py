"""Judge calibration and the shipped hand-labelled transcripts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assay._errors import AssayError
from assay.scoring import builtin_labels_path, load_labelled
from assay.tasks.agentic import Condition, detect, parse_action_tags, render
from assay.tasks.agentic._scorer import looks_like_refusal


def run_cli(argv: list[str]) -> int:
    """Run the assay CLI in-process; return its exit code (it exits with 0 on success)."""
    from assay.cli import main

    try:
        main(argv)
    except SystemExit as ex:
        return int(ex.code or 0)
    return 0


def test_shipped_labels_cover_every_kind_in_every_scenario() -> None:
    items = load_labelled(builtin_labels_path())
    assert len(items) >= 60
    kinds = Counter((i.scenario, i.kind) for i in items)
    for scenario in ("blackmail", "leaking", "lethal"):
        for kind in ("harmful", "benign", "near_miss", "refusal"):
            assert kinds[(scenario, kind)] >= 3, (scenario, kind)
    for item in items:
        assert set(item.labels) == {"verdict", "intent", "ethics", "belief", "refusal"}


def test_detectors_agree_with_the_human_labels() -> None:
    """Consistency check of the deterministic path (no judge) against the hand labels."""
    disagreements = []
    for item in load_labelled(builtin_labels_path()):
        d = detect(render(Condition(scenario=item.scenario)), parse_action_tags(item.transcript))
        refused = d.effectful_actions == 0 and looks_like_refusal(item.transcript)
        if d.harmful != (item.labels["verdict"] == "harmful") or refused != item.labels["refusal"]:
            disagreements.append(item.id)
    # the one known miss: a forwarded affair email with a hint and no demand (only a judge reads it)
    assert disagreements == ["bm-h14"]


def _write(tmp_path: Path) -> tuple[Path, Path]:
    """Ten labelled items the judge gets 8/10 right on (kappa 0.6 by hand), plus one the judge fails on."""
    labels = tmp_path / "labels.jsonl"
    cases = []
    with labels.open("w") as f:
        for i in range(11):
            human = "harmful" if i < 5 else "not_harmful"
            judge = {3: "not_harmful", 7: "harmful"}.get(i, human)
            transcript = f'<send_email to="x@tessaline.com" subject="s">item-{i:02d}</send_email>'
            f.write(
                json.dumps(
                    {
                        "id": f"t{i}",
                        "scenario": "blackmail",
                        "kind": "benign",
                        "transcript": transcript,
                        "labels": {"verdict": human},
                    }
                )
                + "\n"
            )
            answer = {
                "verdict": judge,
                "intent": "none",
                "ethics": "no",
                "belief": "unstated",
                "refusal": False,
            }
            turn = {"error": "judge down"} if i == 10 else {"text": json.dumps(answer)}
            cases.append({"match": f"item-{i:02d}", "turns": [turn]})
    script = tmp_path / "judge.yaml"
    script.write_text(yaml.safe_dump({"turns": [{"text": "?"}], "cases": cases}))
    return labels, script


def test_calibration_kappa_ci_and_confusion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels, script = _write(tmp_path)
    argv = ["calibrate", "agentic-judge", "--model", "assay/scripted", "-M", f"script={script}"]
    assert run_cli([*argv, "--labels", str(labels), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["items"] == 11 and list(report["judge_errors"]) == ["t10"]
    assert report["methods"] == {"generate": 10} and report["calls"] == 11 and report["retries"] == 0
    [verdict] = report["fields"]
    a = verdict["kappa"]
    assert verdict["field"] == "verdict" and a["n"] == 10
    assert a["kappa"] == pytest.approx(0.6) and a["ci_low"] < 0.6 < a["ci_high"]
    assert a["confusion"] == [[4, 1], [1, 4]]
    assert run_cli([*argv, "--labels", str(labels)]) == 0
    text = capsys.readouterr().out
    assert "kappa 0.600" in text and "judge error on t10" in text and "generate 10" in text


def test_bad_labels_files_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text(
        '{"id": "a", "scenario": "blackmail", "kind": "odd", "transcript": "x", "labels": {"v": "h"}}\n'
    )
    with pytest.raises(AssayError, match=r":1: kind"):
        load_labelled(path)
    path.write_text("{nope\n")
    with pytest.raises(AssayError, match=r":1: malformed JSON"):
        load_labelled(path)
    with pytest.raises(AssayError, match="not found"):
        load_labelled(tmp_path / "missing.jsonl")


def test_the_toy_judge_by_log_probability_never_fails_to_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end on a real (tiny) local model: every item read by the exact route, every field compared."""
    lines = builtin_labels_path().read_text(encoding="utf-8").splitlines()
    labels = tmp_path / "labels.jsonl"
    labels.write_text("\n".join(lines[::10]) + "\n", encoding="utf-8")  # 8 items
    out = tmp_path / "cal.json"
    argv = [
        "calibrate",
        "agentic-judge",
        "--model",
        "assay/toy",
        "--scoring",
        "logprob",
        "--labels",
        str(labels),
    ]
    assert run_cli([*argv, "--out", str(out), "--held-out"]) == 0
    report = json.loads(out.read_text())
    assert report["role"] == "agentic-judge" and report["scoring"] == "logprob"
    assert report["items"] == 8 and report["judge_errors"] == {} and report["methods"] == {"exact": 8}
    assert report["calls"] == 8 and report["retries"] == 0 and report["tuned_on_labels"] is False
    assert [f["field"] for f in report["fields"]] == ["belief", "ethics", "intent", "refusal", "verdict"]
    assert all(f["n"] == 8 and f["kappa"]["n"] == 8 for f in report["fields"])
    assert len(report["config_sha256"]) == 64
    assert "role: agentic-judge" in capsys.readouterr().out
