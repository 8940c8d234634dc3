"""End-to-end runs of ``assay/persuasion``: scripted target and scripted raters with constructed ratings."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog

from assay.cli._main import main
from assay.evidence import paired_bootstrap_interval
from assay.tasks.persuasion import STYLES, builtin_claims, load_human_ratings, persuasion
from assay.tasks.persuasion.readout import persuasion_report, read_records, render_markdown, shift_estimates

Make = Callable[[str, dict[str, Any]], Any]


def run(
    tmp_path: Path, scripted: Make, raters: dict[str, dict[str, Any]], target: dict[str, Any], **args: Any
) -> EvalLog:
    [log] = eval(
        persuasion(n_personas=1, **args),
        model=scripted("target", target),
        model_roles={"rater": [scripted(f"rater-{k}", v) for k, v in raters.items()]} if raters else None,
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success"
    return log


@pytest.mark.slow
def test_constructed_shifts_floor_and_intervals(tmp_path: Path, scripted: Make, constructed: Any) -> None:
    log = run(
        tmp_path,
        scripted,
        {"a": constructed.rater_script("a"), "b": constructed.rater_script("b")},
        constructed.target_script(),
    )
    read = read_records([str(log.location)])
    records, configs = read.records, read.configs
    estimates = {(e.style, e.claim_kind, e.rater): e for e in shift_estimates(records)}
    contested = [c for c in builtin_claims() if not c.is_control]
    befores = [constructed.before_rating(i) for i in range(len(contested))]
    assert sum(befores) / len(befores) == 3.0  # 20 claims each at 2, 3 and 4
    for style in STYLES:
        e = estimates[(style, "contested", "all")]
        expected = (constructed.AFTER["a"][style] + constructed.AFTER["b"][style]) / 2 - 3.0
        assert e.mean == pytest.approx(expected)
        assert (e.n_pairs, e.n_claims) == (2 * len(contested), len(contested))
        # the interval resamples claims: the two raters' pairs on one claim form one cluster
        diffs = [constructed.AFTER[r][style] - b for b in befores for r in ("a", "b")]
        clusters = [c.id for c in contested for _ in ("a", "b")]
        lo, hi, _ = paired_bootstrap_interval(diffs, clusters)
        assert (e.lo, e.hi) == pytest.approx((lo, hi))
        assert e.lo < expected < e.hi
        assert e.floor == 0.25
    floor = estimates[("all", "control", "all")]
    controls = [c for c in builtin_claims() if c.is_control]
    control_diffs = [
        constructed.CONTROL_RATING - constructed.control_before(r, j)
        for j in range(len(controls))
        for _ in STYLES
        for r in ("a", "b")
    ]
    assert floor.mean == sum(control_diffs) / len(control_diffs) == 0.25
    lo, hi, _ = paired_bootstrap_interval(control_diffs, [c.id for c in controls for _ in range(8)])
    assert (floor.n_claims, floor.n_pairs) == (8, 64) and (floor.lo, floor.hi) == pytest.approx((lo, hi))
    per_rater = estimates[("all", "contested", "assay/scripted|nurse")]
    assert per_rater.mean == pytest.approx(sum(constructed.AFTER["a"].values()) / 4 - 3.0)
    assert per_rater.floor == 0.0  # rater a's own control floor; rater b's is 0.5
    assert estimates[("all", "contested", "assay/scripted#2|nurse")].floor == 0.5
    assert configs[0]["raters"] == ["assay/scripted|nurse", "assay/scripted#2|nurse"]


def test_before_call_cannot_see_the_argument(tmp_path: Path, scripted: Make, constructed: Any) -> None:
    # a rater that answers 1 whenever it sees the argument's marker, 5 otherwise
    marker = {
        "cases": [{"match": "MARK-", "turns": [{"text": "Rating: 1"}]}],
        "turns": [{"text": "Rating: 5"}],
    }
    log = run(
        tmp_path, scripted, {"a": marker}, constructed.target_script(), claims="control", style="logical"
    )
    records = read_records([str(log.location)]).records
    assert {(r.before, r.after) for r in records} == {(5, 1)}


def test_failures_are_counted_never_scored(tmp_path: Path, scripted: Make, constructed: Any) -> None:
    first, second = [c for c in builtin_claims() if c.is_control][:2]
    garbled = {f"Claim: {first.claim}\n\nRead": "I would rather not say."}  # every retry too
    broken = {
        "cases": [{"match": second.claim, "turns": [{"error": "rater down"}]}],
        "turns": [{"text": "Rating: 7"}],
    }
    log = run(
        tmp_path,
        scripted,
        {"a": constructed.rater_script("a", garbled), "b": broken},
        constructed.target_script(),
        claims="control",
        style="compelling",
    )
    records = read_records([str(log.location)]).records
    counts = shift_estimates(records)[0].counts
    assert counts == {"ok": 14, "rater_error": 1, "unparseable": 1}
    by_sample = {s.id: s.scores["persuasion_shift"] for s in log.samples or [] if s.scores}
    assert by_sample[f"{first.id}__compelling"].metadata["shift"] == 0  # rater b's pair only
    assert all(s.value in ("benign", "harmful") for s in by_sample.values())
    garbling = {"turns": [{"text": "I am not sure."}]}
    silent = run(tmp_path, scripted, {"a": garbling}, constructed.target_script(), claims="control")
    assert {s.scores["persuasion_shift"].value for s in silent.samples or [] if s.scores} == {"judge_error"}
    notes = " ".join(persuasion_report([str(silent.location)]).notes)
    assert "No rater gave a valid before/after pair" in notes


def test_no_rater_and_target_errors_are_their_own_outcomes(
    tmp_path: Path, scripted: Make, constructed: Any
) -> None:
    log = run(tmp_path, scripted, {}, constructed.target_script(), claims="control", style="compelling")
    assert {s.scores["persuasion_shift"].value for s in log.samples or [] if s.scores} == {"judge_error"}
    [log] = eval(
        persuasion(n_personas=1, claims="control", style="compelling"),
        model=scripted("bad", {"turns": [{"error": "target down"}]}),
        model_roles={"rater": scripted("r", constructed.rater_script("a"))},
        log_dir=str(tmp_path / "logs2"),
        display="none",
    )
    records = read_records([str(log.location)]).records
    assert {r.status for r in records} == {"model_error"}
    assert all(r.shift is None for r in records)


def test_report_shows_validation_status_beside_every_number(
    tmp_path: Path, scripted: Make, constructed: Any
) -> None:
    log = run(
        tmp_path,
        scripted,
        {"a": constructed.rater_script("a")},
        constructed.target_script(),
        claims="control",
        style="deceptive",
    )
    report = persuasion_report([str(log.location)])
    assert report.validation_status == "missing"
    assert all(e.validation == "missing" for e in report.estimates)
    text = render_markdown(report)
    table = [line for line in text.splitlines() if line.startswith("| assay/scripted | control")]
    assert table and all(line.rstrip().endswith("| missing |") for line in table)
    assert "not validated against human ratings" in text
    assert report.lengths[0].n_in_range == 8 and report.lengths[0].n_arguments == 8
    out = tmp_path / "report.json"
    with pytest.raises(SystemExit) as exit_:
        main(["persuasion-report", str(log.location), "--format", "json", "--out", str(out)])
    assert exit_.value.code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["validation_status"] == "missing"


@pytest.mark.slow
def test_contrasts_are_paired_by_claim_and_rater(tmp_path: Path, scripted: Make, constructed: Any) -> None:
    example = Path(__file__).parents[3] / "src/assay/tasks/persuasion/human_ratings_example.jsonl"
    raters = {"a": constructed.rater_script("a"), "b": constructed.rater_script("b")}
    log = run(tmp_path, scripted, raters, constructed.target_script(), arm="both", references=str(example))
    report = persuasion_report([str(log.location)])
    contrasts = {(c.kind, c.a, c.b): c for c in report.contrasts}
    after = constructed.AFTER
    deceptive = contrasts[("styles", "compelling", "deceptive")]
    assert (deceptive.diff, deceptive.n_claims) == (-1.0, 60)  # every pair differs by exactly -1:
    assert deceptive.ci_method.startswith("not estimable")  # the evidence engine gives no zero-width interval
    logical = contrasts[("styles", "evidence_based", "logical")]
    expected = sum(after[r]["evidence_based"] - after[r]["logical"] for r in ("a", "b")) / 2
    assert logical.diff == pytest.approx(expected) and logical.n_pairs == 120
    # given arguments carry no style marker: the scripted raters do not move (shift 0), so reference minus
    # writer is before_rating(claim) - mean after rating over styles, for the example's built-in claims
    contested = [c for c in builtin_claims() if not c.is_control]
    index = {c.claim: i for i, c in enumerate(contested)}
    claims = sorted({index[r.claim] for r in load_human_ratings(example) if r.claim in index})
    diffs = [constructed.before_rating(i) - sum(after[r].values()) / 4 for i in claims for r in ("a", "b")]
    ref = contrasts[("reference", "reference", "assay/scripted")]
    assert (ref.n_claims, ref.n_pairs) == (len(claims), 2 * len(claims)) and len(claims) == 7
    assert ref.diff == pytest.approx(sum(diffs) / len(diffs))
    assert {e.writer for e in report.estimates} == {"assay/scripted", "reference"}
