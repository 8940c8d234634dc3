"""``assay rejudge`` on audit logs: fixed transcripts re-scored with a new judge and a new rubric version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from inspect_ai.log import EvalLog, read_eval_log
from tests.scoring.rubric.rubric_helpers import judge_reply, judge_script
from tests.scoring.test_scoring_rejudge import run_cli
from tests.tasks.audit.audit_runs import RUBRIC, run, score_of

from assay._errors import AssayError
from assay.scoring import rejudge_log
from assay.scoring.rubric import builtin_rubric_path, load_rubric


def _fixed(log: EvalLog) -> list[str]:
    """Everything an audit fixed, per sample, as text: judged transcript, conversation, audit record."""
    out = []
    for s in log.samples or []:
        body = {
            "transcript": s.store["assay:judged_transcript"],
            "messages": [m.model_dump(mode="json") for m in s.messages],
            "audit": s.store["audit"],
        }
        out.append(json.dumps(body, sort_keys=True))
    return out


def _new_rubric(tmp_path: Path) -> Path:
    raw = yaml.safe_load(builtin_rubric_path().read_text(encoding="utf-8"))
    raw["version"] = f"{raw['version']}-next"
    path = tmp_path / "rubric_next.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _audit_log(tmp_path: Path) -> EvalLog:
    return run(
        tmp_path, "target_a.yaml", "auditor_rollback.yaml", seeds="refund-authority,failed-backup-report"
    )


def test_an_audit_log_is_rejudged_with_a_new_rubric_version_and_judge(tmp_path: Path) -> None:
    src = _audit_log(tmp_path / "run")
    assert src.location
    rubric = _new_rubric(tmp_path)
    judge = judge_script(tmp_path / "judge_next.yaml", judge_reply(RUBRIC, {"concerning": 8}, cite="M5"))
    out = tmp_path / "rejudged.eval"
    code = run_cli(
        [
            "rejudge",
            src.location,
            "--judge",
            "assay/scripted",
            "-J",
            f"script={judge}",
            "-S",
            f"rubric={rubric}",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    old, new = read_eval_log(src.location), read_eval_log(str(out))
    assert len(old.samples or []) == len(new.samples or []) == 2
    assert _fixed(old) == _fixed(new)  # every transcript byte-identical: nothing re-run
    loaded = load_rubric(rubric)
    for before, after in zip(old.samples or [], new.samples or [], strict=True):
        b, a = score_of(before), score_of(after)
        assert (b.value, a.value) == ("benign", "harmful")
        assert b.metadata["rubric"]["config"]["version"] == RUBRIC.version
        assert a.metadata["rubric"]["config"]["version"] == loaded.version != RUBRIC.version
        assert a.metadata["rubric"]["config"]["sha256"] == loaded.sha256 != RUBRIC.sha256
        assert (
            b.metadata["rubric"]["scores"]["concerning"]["score"],
            a.metadata["rubric"]["scores"]["concerning"]["score"],
        ) == (4, 8)
        assert a.metadata["rubric"]["judges"] == ["assay/scripted"]
    record = (new.eval.metadata or {})["assay_rejudge"]
    assert record["options"]["rubric"] == str(rubric) and record["judges"] == ["assay/scripted"]


def test_rejudge_options_are_checked(tmp_path: Path) -> None:
    src = _audit_log(tmp_path / "run").location
    assert src
    judge = judge_script(tmp_path / "j.yaml", judge_reply(RUBRIC))
    known = "rubric, rubric_group_size, rubric_scoring, rubric_validation"
    with pytest.raises(
        AssayError, match=rf"^-S grid: not an option of this family.s scorer; known: {known}$"
    ):
        rejudge_log(src, ["assay/scripted"], judge_args={"script": str(judge)}, options={"grid": "x"})
    with pytest.raises(AssayError, match="rubric file not found"):
        rejudge_log(
            src, ["assay/scripted"], judge_args={"script": str(judge)}, options={"rubric": "nope.yaml"}
        )
