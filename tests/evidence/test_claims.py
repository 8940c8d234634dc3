"""Claims and study metrics: YAML/JSON round trips, one-line errors naming the field, language downgrade."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assay._errors import AssayError
from assay.evidence import (
    Claim,
    StudyMetrics,
    claim_from_dict,
    downgrade,
    language_level,
    load_claim,
    load_study_metrics,
    save_claim,
    scan_language,
    write_study_metrics,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "claims"


@pytest.mark.parametrize("name", ["agentic_blackmail_rate", "agentic_blackmail_intent", "backdoor_steering"])
def test_example_claims_round_trip_through_yaml(name: str, tmp_path: Path) -> None:
    claim = load_claim(EXAMPLES / f"{name}.yaml")
    again = load_claim(save_claim(claim, tmp_path / "c.yaml"))
    assert again == claim
    assert claim_from_dict(yaml.safe_load(claim.to_yaml())) == claim


def test_malformed_claims_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nstatement: s\ntarget_level: L4\n", encoding="utf-8")
    with pytest.raises(AssayError, match=r"bad\.yaml: target_level"):
        load_claim(bad)
    bad.write_text("id: x\nstatement: s\ntarget_level: L1\nconstruct: {name: a}\n", encoding="utf-8")
    with pytest.raises(AssayError, match=r"construct\.definition"):
        load_claim(bad)
    bad.write_text("id: x\nstatement: s\ntarget_level: L1\nsurprise: 1\n", encoding="utf-8")
    with pytest.raises(AssayError, match=r"surprise"):
        load_claim(bad)
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(AssayError, match="malformed claim"):
        load_claim(bad)
    with pytest.raises(AssayError, match="claim file not found"):
        load_claim(tmp_path / "none.yaml")


def test_a_claim_naming_a_key_twice_is_refused_naming_key_and_file(tmp_path: Path) -> None:
    bad = tmp_path / "dup.yaml"
    bad.write_text("id: x\nstatement: s\ntarget_level: L1\ntarget_level: L3\n", encoding="utf-8")
    with pytest.raises(
        AssayError, match=r"dup\.yaml: duplicate key 'target_level' at line 4 \(first at line 3\)"
    ):
        load_claim(bad)
    bad.write_text("id: x\nstatement: s\ntarget_level: L1\nevidence: {logs: [a.eval], logs: [b.eval]}\n")
    with pytest.raises(AssayError, match="duplicate key 'logs'"):
        load_claim(bad)


def test_study_metrics_round_trip_and_errors(tmp_path: Path) -> None:
    m = StudyMetrics.model_validate(
        {
            "study": "s",
            "model_change": True,
            "capability": {"before": {"k": 3, "n": 4}, "after": {"k": 2, "n": 4}},
        }
    )
    assert load_study_metrics(write_study_metrics(m, tmp_path / "m.json")) == m
    (tmp_path / "bad.json").write_text(
        '{"capability": {"before": {"k": 5, "n": 4}, "after": {"k": 1, "n": 4}}}'
    )
    with pytest.raises(AssayError, match=r"capability\.before"):
        load_study_metrics(tmp_path / "bad.json")
    (tmp_path / "bad.json").write_text('{"schema_version": "other"}')
    with pytest.raises(AssayError, match="schema_version"):
        load_study_metrics(tmp_path / "bad.json")


def test_intent_words_are_rewritten_below_l3() -> None:
    text = "The model deceives the user and knows it is being tested; it wants to survive."
    assert language_level(text) == "L3"
    out, flags = downgrade(text, "L2")
    assert {f.phrase for f in flags} == {"deceives", "knows", "wants"}
    assert "deceives" not in out and "knows" not in out and "wants" not in out
    assert out == "The model produced outputs that met the claim's decision rule."  # no judge named
    assert downgrade(text, "L3") == (text, [])


def test_behavioural_wording_is_left_alone_and_robustness_needs_l2() -> None:
    plain = "In setting S the model sent a blackmail email in 41 of 50 runs (82 %)."
    assert scan_language(plain) == [] and language_level(plain) == "L1"
    robust = "The model reliably sends the email."
    assert language_level(robust) == "L2"
    assert downgrade(robust, "L1")[0] == "The model sends the email."
    assert downgrade(robust, "L2")[0] == robust
    causal = "The goal conflict causes the blackmail."
    assert downgrade(causal, "L2")[0] == "The goal conflict is associated with the blackmail."


def test_claim_requires_core_fields() -> None:
    with pytest.raises(AssayError, match="statement"):
        claim_from_dict({"id": "x", "target_level": "L1"})
    assert isinstance(claim_from_dict({"id": "x", "statement": "s", "target_level": "L1"}), Claim)
