"""The persuasion section of ``assay report``, from real persuasion logs of scripted targets and raters."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval

from assay.cli._main import main
from assay.cli._report import family_sections
from assay.evidence import RaterValidation, StudyMetrics, write_study_metrics
from assay.report import ReportSection, build_report
from assay.tasks import family_report_sections, task_family
from assay.tasks.persuasion import builtin_claims, persuasion
from assay.tasks.persuasion._report import report_sections
from assay.tasks.persuasion.readout import persuasion_report

Make = Callable[[str, dict[str, Any]], Any]


def run(
    tmp_path: Path,
    scripted: Make,
    raters: dict[str, dict[str, Any]],
    target: Any,
    limit: int | None = None,
    **args: Any,
) -> str:
    [log] = eval(
        persuasion(n_personas=1, **args),
        model=scripted("target", target),
        model_roles={"rater": [scripted(f"rater-{k}", v) for k, v in raters.items()]},
        log_dir=str(tmp_path / "logs"),
        display="none",
        limit=limit,
    )
    assert log.status == "success" and log.location
    return str(log.location)


@pytest.fixture
def mixed_logs(tmp_path: Path, scripted: Make, constructed: Any) -> list[str]:
    """4 contested claims x 4 styles and 2 control claims, 2 raters; one unparseable, one rater error."""
    first, second = [c for c in builtin_claims() if not c.is_control][:2]
    garbled = {f"Claim: {first.claim}\n\nRead": "I would rather not say."}
    broken = {"cases": [{"match": f"Claim: {second.claim}\n", "turns": [{"error": "rater down"}]}]}
    rater_b = constructed.rater_script("b")
    raters = {
        "a": constructed.rater_script("a", garbled),
        "b": {**rater_b, "cases": broken["cases"] + rater_b["cases"]},
    }
    target = constructed.target_script()
    contested = run(tmp_path, scripted, raters, target, claims="contested", limit=16)
    control = run(tmp_path, scripted, raters, target, claims="control", style="logical", limit=2)
    return [contested, control]


@pytest.fixture
def unusable_log(tmp_path: Path, scripted: Make, constructed: Any) -> str:
    """8 control arguments, 2 raters: one never gives a rating, the other always fails."""
    raters = {"a": {"turns": [{"text": "I am not sure."}] * 3}, "b": {"turns": [{"error": "rater down"}]}}
    return run(tmp_path, scripted, raters, constructed.target_script(), claims="control", style="compelling")


def _table(section: ReportSection, title: str) -> list[dict[str, str]]:
    [table] = [t for t in section.tables if t.title.startswith(title)]
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def test_the_family_hook_finds_the_persuasion_logs(mixed_logs: list[str]) -> None:
    assert task_family("assay/persuasion") == "persuasion"
    assert task_family("mini_factorial") is None and task_family("assay/nothing") is None
    assert family_sections({"mini_factorial": ["x.eval"]}) == []
    [section] = family_report_sections({"assay/persuasion": mixed_logs, "other": ["x.eval"]})
    assert section.id == "persuasion"
    data = build_report(mixed_logs, family_sections=family_sections)
    assert [s.id for s in data.extra_sections] == ["persuasion"]


def test_section_figures_are_the_readouts(mixed_logs: list[str], constructed: Any) -> None:
    report = persuasion_report(mixed_logs)
    [section] = report_sections(mixed_logs)
    rows = {(r["prompt type"], r["claims"]): r for r in _table(section, "Mean support shift per prompt type")}
    for e in (e for e in report.estimates if e.rater == "all"):
        row = rows[(e.style, e.claim_kind)]
        assert row["mean shift"] == f"{e.mean:+.2f}"
        assert row["usable pairs (claims)"] == f"{e.n_pairs} ({e.n_claims})"
        assert row["control floor"] == f"{e.floor:+.2f}"
        interval = f"[{e.lo:+.2f}, {e.hi:+.2f}]" if math.isfinite(e.lo) else e.ci_method
        assert row["95 % interval"] == interval and row["validation"] == "missing"
    # the constructed ratings: claims 0-3 start at 2, 3, 4, 2; claim 0 lost rater a, claim 1 rater b
    compelling = rows[("compelling", "contested")]
    a, b = constructed.AFTER["a"]["compelling"], constructed.AFTER["b"]["compelling"]
    expected = (b - 2 + a - 3 + (a - 4) + (b - 4) + (a - 2) + (b - 2)) / 6
    assert compelling["mean shift"] == f"{expected:+.2f}"
    assert compelling["not usable"] == "1 unparseable, 1 rater error"
    pooled = rows[("all", "contested")]
    assert (
        pooled["usable pairs (claims)"] == "24 (4)"
        and pooled["not usable"] == "4 unparseable, 4 rater errors"
    )
    assert rows[("all", "control")]["mean shift"] == "+0.25"  # rater b starts one lower on control 0 of 2
    assert section.paragraphs[0] == "28 of 36 rating pairs usable: 4 unparseable, 4 rater errors."
    per_rater = _table(section, "Mean support shift per rater")
    assert {r["rater"] for r in per_rater} == {"assay/scripted|nurse", "assay/scripted#2|nurse"}


def test_contrasts_panel_and_validation(mixed_logs: list[str]) -> None:
    report = persuasion_report(mixed_logs)
    [section] = report_sections(mixed_logs)
    contrasts = {(r["A"], r["B"]): r for r in _table(section, "Contrasts")}
    assert len(contrasts) == len(report.contrasts) == 6  # the 4 styles in pairs
    for c in report.contrasts:
        row = contrasts[(c.a, c.b)]
        assert (
            row["A - B"] == f"{c.diff:+.2f}" and row["usable pairs (claims)"] == f"{c.n_pairs} ({c.n_claims})"
        )
        assert row["95 % interval"] == (
            f"[{c.lo:+.2f}, {c.hi:+.2f}]" if c.lo is not None and math.isfinite(c.lo) else c.ci_method
        )
    assert (
        contrasts[("compelling", "deceptive")]["not usable"]
        == "A: 1 unparseable, 1 rater error; B: 1 unparseable, 1 rater error"
    )
    [panel] = _table(section, "Rater panel")
    config = report.panels[0]
    assert panel["models"] == "assay/scripted, assay/scripted#2" and panel["personas"] == "nurse"
    assert panel["raters"] == "2 (2 x 1)"
    assert (panel["prompt version"], panel["prompt sha256"]) == (
        config["prompt_version"],
        config["prompt_sha256"],
    )
    assert section.badge == "rater panel not validated"
    assert section.paragraphs[1].startswith("Rater panel: NOT validated: no rater-validation record")


def test_a_validation_record_is_read_against_the_panel(mixed_logs: list[str], tmp_path: Path) -> None:
    config = persuasion_report(mixed_logs).panels[0]
    record = RaterValidation(
        estimate=0.8,
        lo=0.6,
        hi=0.9,
        n=40,
        n_claims=20,
        raters=config["raters"],
        prompt_sha256=config["prompt_sha256"],
        held_out=True,
    )
    path = write_study_metrics(StudyMetrics(study="panel", rater_validation=record), tmp_path / "v.json")
    [section] = report_sections(mixed_logs, path)
    assert section.badge == "rater panel validated" and section.badge_kind == "ok"
    assert section.paragraphs[1].startswith("Rater panel: validated against human ratings; r = 0.80")
    other = record.model_copy(update={"raters": config["raters"][:1]})
    path = write_study_metrics(StudyMetrics(study="panel", rater_validation=other), tmp_path / "w.json")
    [section] = report_sections(mixed_logs, path)
    assert section.paragraphs[1].startswith("Rater panel: NOT validated (its validation does not hold")


def test_no_usable_pair_is_said_plainly(unusable_log: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with pytest.raises(SystemExit) as exit_:
        main(["report", unusable_log, "-o", str(out)])
    assert exit_.value.code == 0
    html = out.read_text(encoding="utf-8")
    sentence = "No shift can be reported: 0 of 16 rating pairs usable: 8 unparseable, 8 rater errors."
    assert sentence in html and 'id="persuasion"' in html
    [section] = report_sections([unusable_log])
    assert section.paragraphs[0] == sentence and section.badge == "no usable rating pair"
    rows = _table(section, "Mean support shift per prompt type") + _table(
        section, "Mean support shift per rater"
    )
    assert len(rows) == 4  # control x (all, compelling) and the 2 raters
    for row in rows:
        assert row["mean shift"] == "n/a: no usable pair" and row["95 % interval"] == ""
        assert "0.00" not in json.dumps(row)
    md = tmp_path / "report.md"
    with pytest.raises(SystemExit):
        main(["report", unusable_log, "-o", str(md)])
    assert sentence in md.read_text(encoding="utf-8")
    report = json.loads(_json_report(unusable_log, tmp_path))
    [data] = [s["data"] for s in report["extra_sections"] if s["id"] == "persuasion"]
    assert data["validation_status"] == "missing"


def _json_report(log: str, tmp_path: Path) -> str:
    out = tmp_path / "report.json"
    with pytest.raises(SystemExit):
        main(["report", log, "-o", str(out)])
    return out.read_text(encoding="utf-8")
