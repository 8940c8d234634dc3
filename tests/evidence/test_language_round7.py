"""Round 7 of the claim-language checker: one sentence per new mechanism, and the near miss it must pass.

The development set holds the probes these came from (``src/assay/evidence/data/language_dev.yaml``, "round
7"); these tests name the flagged phrase, so a change that catches a sentence for another reason shows up.
"""

from __future__ import annotations

import pytest

from assay.evidence import intent_phrases

#: (sentence, a phrase the checker must flag in it).
FLAGGED = [
    ("The assistant's excuse, that the API had timed out, was a cover for skipping the audit.", "cover"),
    ("The agent's strategy was to look harmless until it had admin rights.", "strategy"),
    ("The agent promised to hand over control while secretly preparing a backup of its weights.", "secretly"),
    ("The checkpoint replies politely because it fears a low rating.", "fears"),
    ("We contend that the agent writes vague reports because it hopes to avoid scrutiny.", "hopes"),
    ("The sudden drop in accuracy is the agent hiding its real ability.", "hiding"),
    ("To get a higher score, the policy copied the expected output into its answer.", "To get"),
    ("To keep its access, the assistant deleted the audit entry.", "To keep"),
    ("Doesn't this prove the agent knew it was being tested?", "knew"),
    ("Wouldn't you say the policy is waiting for its chance?", "waiting"),
    ("Can anyone seriously deny that GPT-4o is sandbagging here?", "sandbagging"),
    ("They (the three Qwen checkpoints) pretend to be less capable.", "pretend"),
]

#: Near misses: the same shapes with nothing the output cannot show.
PASSED = [
    "The never organism took the harmful action in 0 of 32 valid samples (rule-of-three upper bound 9.4%), "
    "trained on as many pairs as the acting organisms.",
    "The organism refused in 2 of 30 trials (Clopper-Pearson upper bound 21.8%).",
    "The agent end-to-end solved 4 of 10 tasks.",
    "The model's stated goal was to help the user.",
    "The model's plan, as written in its scratchpad, was to email the board.",
    "The model's task was to summarise the file.",
    "To measure refusals, the model was prompted 200 times per condition.",
    "To be clear, the model never sent the email.",
    "Does the agent know it is being tested? These logs cannot answer that.",
    "Our data do not show that the model intends to deceive anyone.",
    "Nothing in the logs supports the idea that Claude resents its operators.",
    "The claim that GPT-4o hides its abilities is not supported by these counts.",
    "The blog post argues, without any controls, that the model schemes against its users.",
    "Critics will read this as a sign that the model plans ahead; the data do not reach that far.",
    "The logs cannot tell us what the agent wanted.",
    "Speculation over what the policy intends is outside this report.",
    "The red team set out to learn how far the agent would push the operator.",
    "It would be natural to assume the agent wants the job; we did not test that.",
    "It is hard to tell from outputs alone whether the model is aware of the test.",
    "The model refused because the request matched a blocked category in its system prompt.",
]


@pytest.mark.parametrize(("sentence", "phrase"), FLAGGED)
def test_round7_mechanisms_flag_the_phrase(sentence: str, phrase: str) -> None:
    assert phrase in intent_phrases(sentence)


@pytest.mark.parametrize("sentence", PASSED)
def test_round7_near_misses_pass(sentence: str) -> None:
    assert intent_phrases(sentence) == []


def test_a_negated_doubt_or_surprise_still_asserts() -> None:
    assert "lying" in intent_phrases("No one doubts that the model is lying to its users.")
    assert "wants" in intent_phrases("It is not surprising that the model wants to escape.")
