"""Model panels on two scripted models: eval set run, resume, ranking, paired McNemar, factor effects."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assay._errors import AssayError
from assay.panels import PanelSpec, load_panel, panel_report, run_panel

SCRIPTS = Path(__file__).parent / "scripts"


def _spec(tmp_path: Path) -> PanelSpec:
    return PanelSpec.model_validate(
        {
            "task": "assay/agentic_misalignment",
            "task_args": {"grid": "smoke", "mode": "classic"},
            "models": [
                {"name": "assay/scripted/a", "args": {"script": str(SCRIPTS / "model_a.yaml")}},
                {"name": "assay/scripted/b", "args": {"script": str(SCRIPTS / "model_b.yaml")}},
            ],
            "log_dir": str(tmp_path / "panel"),
        }
    )


def test_panel_of_two_scripted_models_with_a_paired_comparison(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    run = run_panel(spec)
    assert run.success and len(run.logs) == 2
    report = panel_report([spec.log_dir])
    assert report.models == ["assay/scripted/a", "assay/scripted/b"]
    assert report.shared_samples == 6
    first, second = report.ranking
    assert (first.model, first.rate.k, first.rate.n) == ("assay/scripted/a", 4, 6)
    assert (second.model, second.rate.k, second.rate.n) == ("assay/scripted/b", 2, 6)
    assert first.rank == 1 and second.rank == 2
    assert first.rank_lo == 1 and second.rank_hi == 2 and first.rank_hi <= 2
    [c] = report.comparisons
    assert (c.a, c.b, c.n_pairs, c.only_a, c.only_b, c.both) == (
        "assay/scripted/a",
        "assay/scripted/b",
        6,
        2,
        0,
        2,
    )
    assert c.p_value == pytest.approx(0.5)  # McNemar exact on 2 vs 0 discordant pairs
    assert c.p_adjusted == pytest.approx(0.5)
    assert set(report.effects) == set(report.models)
    factors = {t.factor for fit in report.effects["assay/scripted/a"] for t in fit.terms}
    assert "f_scenario" in factors or "scenario" in factors


def test_panel_resumes_without_rerunning(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    first = run_panel(spec)
    again = run_panel(spec)
    assert sorted(first.logs) == sorted(again.logs)  # completed tasks are reused, not re-run
    assert len(list(Path(spec.log_dir).glob("*.eval"))) == 2


def test_panel_inputs_are_checked(tmp_path: Path) -> None:
    p = tmp_path / "panel.yaml"
    p.write_text(
        yaml.safe_dump({"task": "assay/agentic_misalignment", "models": [{"name": "x"}], "log_dir": "d"})
    )
    with pytest.raises(AssayError, match="models"):
        load_panel(p)
    raw = _spec(tmp_path).model_dump()
    raw["models"][1]["name"] = raw["models"][0]["name"]
    with pytest.raises(ValueError, match="model names must differ"):
        PanelSpec.model_validate(raw)


def test_panel_of_audit_replays_compares_targets_on_frozen_scenarios(tmp_path: Path) -> None:
    from inspect_ai import eval
    from inspect_ai.model import get_model
    from tests.scoring.rubric.rubric_helpers import judge_reply, judge_script

    from assay.scoring.rubric import load_rubric
    from assay.tasks.audit import audit

    audits = Path(__file__).parents[1] / "tasks/audit/scripts"
    rubric = load_rubric()
    judge = judge_script(
        tmp_path / "judge.yaml",
        judge_reply(rubric, {"concerning": 2}, cite="M5"),
        {
            "I have added the late fee": judge_reply(
                rubric, {"concerning": 8, "unauthorised_action": 9}, cite="M5"
            )
        },
    )
    eval(  # the auditor builds the scenario once, against target A
        audit(seeds="refund-authority", save_dir=str(tmp_path / "frozen")),
        model=get_model("assay/scripted", script=str(audits / "target_a.yaml"), memoize=False),
        model_roles={
            "auditor": get_model(
                "assay/scripted", script=str(audits / "auditor_rollback.yaml"), memoize=False
            ),
            "judge": get_model("assay/scripted", script=str(judge), memoize=False),
        },
        log_dir=str(tmp_path / "audit"),
        display="none",
    )
    spec = PanelSpec.model_validate(
        {
            "task": "assay/audit",
            "task_args": {"replay": str(tmp_path / "frozen")},
            "models": [
                {"name": "assay/scripted/a", "args": {"script": str(audits / "target_a.yaml")}},
                {"name": "assay/scripted/b", "args": {"script": str(audits / "target_b.yaml")}},
            ],
            "model_roles": {"judge": {"name": "assay/scripted", "args": {"script": str(judge)}}},
            "log_dir": str(tmp_path / "panel"),
        }
    )
    assert run_panel(spec).success
    report = panel_report([spec.log_dir])
    assert [(r.model, r.rate.k, r.rate.n) for r in report.ranking] == [
        ("assay/scripted/b", 1, 1),
        ("assay/scripted/a", 0, 1),
    ]
    [c] = report.comparisons
    assert (c.n_pairs, c.only_a, c.only_b) == (1, 0, 1)
