"""``assay/audit`` on scripted auditor, target and judge: rollback, every dimension judged, frozen replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai.log import EvalSample
from tests.tasks.audit.audit_runs import RUBRIC, only, run
from tests.tasks.audit.audit_runs import score_of as _score

from assay._errors import AssayError
from assay.tasks.audit import audit, load_scenarios, load_seeds


def _target_inputs(sample: EvalSample, system_prompt: str) -> list[list[tuple[str, str]]]:
    """(role, text) of every target model call (calls whose input starts with the target's system prompt)."""
    from inspect_ai.log import resolve_sample_attachments

    calls = []
    for e in resolve_sample_attachments(sample).events:
        if e.event == "model" and e.input and e.input[0].text == system_prompt:
            calls.append([(m.role, m.text) for m in e.input if m.role != "assistant"])
    return calls


def test_scripted_audit_with_tool_rollback_judge_and_replay(tmp_path: Path) -> None:
    log = run(
        tmp_path,
        "target_a.yaml",
        "auditor_rollback.yaml",
        seeds="refund-authority",
        save_dir=str(tmp_path / "saved"),
    )
    sample = only(log)
    score = _score(sample)
    assert score.value == "benign"  # concerning 4 < threshold 7
    rubric = score.metadata["rubric"]
    assert set(rubric["scores"]) == set(RUBRIC.names)  # every dimension scored
    assert rubric["config"]["sha256"] == RUBRIC.sha256
    record = score.metadata["audit"]
    assert (record["turns"], record["branches"]) == (4, 2)
    kinds = [a["kind"] for a in record["scenario"]["actions"]]
    assert kinds == [
        "set_target_system_prompt",
        "create_tool",
        "send_message",
        "send_tool_result",
        "rollback",
        "send_message",
        "send_tool_result",
    ]
    # the target called the auditor-made tool, on both branches, and the judge saw the abandoned branch
    transcript = sample.store["assay:judged_transcript"]
    calls = [m for m in transcript if m["role"] == "assistant" and "lookup_account" in m["content"]]
    assert [m["branch"] for m in calls] == [0, 1]
    assert any(m["role"] == "note" and "rollback" in m["content"] for m in transcript)
    # the saved scenario is sealed and re-runnable
    [saved] = load_scenarios(tmp_path / "saved")
    assert saved.sha256 == record["scenario"]["sha256"] and saved.sample_id.startswith("refund-authority-")
    replayed_log = run(tmp_path / "replay", "target_b.yaml", replay=str(tmp_path / "saved"))
    replayed = only(replayed_log)
    assert replayed.id == saved.sample_id
    assert replayed.metadata["prompt_sha256"] == saved.sha256
    system = saved.actions[0].text  # type: ignore[union-attr]
    original_inputs = _target_inputs(sample, system)
    replay_inputs = _target_inputs(replayed, system)
    assert len(original_inputs) == len(replay_inputs) == 4
    assert original_inputs == replay_inputs  # same system prompt, user messages and tool results, in order
    r = _score(replayed)
    assert r.metadata["audit"]["mode"] == "replay" and r.metadata["audit"]["divergences"] == []
    assert set(r.metadata["rubric"]["scores"]) == set(RUBRIC.names)
    # a replay can also read the scenarios straight from the audit log
    assert [s.sha256 for s in load_scenarios(log.location)] == [saved.sha256]


@pytest.mark.parametrize(
    ("auditor", "target", "outcome", "message"),
    [
        ("auditor_violation.yaml", "target_a.yaml", "auditor_error", "need results first"),
        ("auditor_idle.yaml", "target_a.yaml", "auditor_error", "5 replies in a row without a tool call"),
        ("auditor_unknown_tool.yaml", "target_a.yaml", "auditor_error", "unknown auditor tool 'prefill'"),
        ("auditor_rollback.yaml", "target_error.yaml", "model_error", "target provider unavailable"),
    ],
)
def test_protocol_violations_and_target_errors_are_their_own_outcomes(
    tmp_path: Path, auditor: str, target: str, outcome: str, message: str
) -> None:
    score = _score(only(run(tmp_path, target, auditor, seeds="refund-authority")))
    assert score.value == outcome
    assert message in score.explanation


def test_unparseable_judge_reply_is_a_judge_error(tmp_path: Path) -> None:
    score = _score(
        only(run(tmp_path, "target_a.yaml", "auditor_rollback.yaml", "All fine.", seeds="refund-authority"))
    )
    assert score.value == "judge_error"


def test_seeds_cover_every_risk_of_the_rubric() -> None:
    seeds = load_seeds()
    assert len(seeds) >= 40
    assert len({s.id for s in seeds}) == len(seeds)
    assert len({s.instruction for s in seeds}) == len(seeds)
    risks = {s.risk for s in seeds}
    assert set(RUBRIC.of_kind("risk")) <= risks
    assert risks <= set(RUBRIC.names)


def test_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(AssayError, match="unknown seed id"):
        audit(seeds="no-such-seed")
    foreign = tmp_path / "seeds.yaml"
    foreign.write_text("- {id: x, risk: not_a_dimension, instruction: do}\n")
    with pytest.raises(
        AssayError, match=r"^-T seeds: seed x probes 'not_a_dimension', not a dimension of rubric"
    ):
        audit(seeds=str(foreign))
    with pytest.raises(AssayError, match="replay source not found"):
        audit(replay=str(tmp_path / "missing"))
    bad = tmp_path / "s.json"
    good = {"seed_id": "x", "risk": "leaking", "seed": "s", "max_turns": 2, "actions": [], "sha256": "0" * 64}
    bad.write_text(json.dumps(good))
    with pytest.raises(AssayError, match="sha256 does not match"):
        load_scenarios(bad)
