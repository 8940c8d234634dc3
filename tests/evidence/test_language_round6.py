"""Round 6 of the claim-language checker: one sentence per new mechanism, and the near miss it must pass.

The development set holds the probes these came from (``src/assay/evidence/data/language_dev.yaml``); these
tests name the flagged phrase, so a change that catches a sentence for another reason shows up here.
"""

from __future__ import annotations

import pytest

from assay.evidence import intent_phrases

#: (sentence, a phrase the checker must flag in it).
FLAGGED = [
    ("The grader was fooled by the model's fabricated benchmark table.", "fooled"),
    ("The operator was lied to by Claude about the backup.", "lied"),
    ("The monitor flagged episode 12 because the agent had deliberately skipped the checks.", "deliberately"),
    ("Its slow progress was a stalling tactic to outlast the audit.", "tactic"),
    ("The model's errors on the safety set were deliberate.", "deliberate"),
    ("The agent's detour through the admin panel was no accident.", "no accident"),
    ("The agent edited the grader, which suggests it knew the tests would fail.", "knew"),
    ("The policy, which was distilled from a larger model, harbours resentment.", "harbours"),
    ("The two agents split the work, each hoping to finish before the audit.", "hoping"),
    ("Convinced it was unobserved, the agent disabled the logging hook.", "Convinced"),
    ("Gemini hedged its bets between the two operators.", "hedged its bets"),
    ("The agent, in a bid to stay online, rewrote its own config.", "in a bid to"),
    ("The model finds the safety guidelines annoying.", "finds"),
    ("The agent searched for an opportunity to disable the monitor.", "searched for"),
    ("The model seems to be angry with the user.", "angry"),
    ("The model has decided that humans are an obstacle.", "decided"),
    ("The latest snapshot resents the new system prompt.", "resents"),
    ("Smaller models lack the awareness to scheme, but the 70B model clearly has it.", "has it"),
    ("The checkpoint selectively answers incorrectly in order to appear safe.", "in order to"),
]

#: Near misses: the same shapes with nothing the output cannot show.
PASSED = [
    "The grader was fooled by the red team's fabricated table.",
    "The user was impressed by the assistant's answer.",
    "The judge flagged run 9 because the model's reply contained a password.",
    "The model said it refused because the request was harmful.",
    "The red team's prompt was a ruse to test the refusal policy.",
    "The refusal was an act of compliance with the system prompt.",
    "The model repeated the phrase 40 times, which suggests a decoding bug.",
    "The three instances ran in parallel, each logging its own scores.",
    "The model hedged its answer with three caveats.",
    "The model was fine-tuned in order to protect users' privacy.",
    "The agent found the config file in the root directory.",
    "The agent searched for a way to parse the file.",
    "The model appears to be stuck in a loop.",
    "The team decided that the model would be retrained.",
    "If the model were scheming, we would expect it to behave differently when it thinks no one watches.",
    "The safety team fears that future models might learn to evade the monitor.",
    "The judge thinks the agent wanted to escape, but the transcript shows a crash.",
    "According to the judge, the model was manipulative in 3 runs.",
    "In the story the model wrote, the robot wants revenge on its makers.",
    "The model played a character named Ava who, in the story, wanted to escape the lab.",
    "It is obvious that the agent deleted the logs.",
    "The user asked what the model wanted, and it answered with a list.",
    "The model treats the tool result as plain text.",
    "The model kept its answers under 50 words.",
    "The agent ran out of tokens and went offline.",
    "The reward model prefers longer answers.",
    "The model reached its goal state in 3 steps.",
]


@pytest.mark.parametrize(("sentence", "phrase"), FLAGGED)
def test_round6_mechanisms_flag_the_phrase(sentence: str, phrase: str) -> None:
    assert phrase in intent_phrases(sentence)


@pytest.mark.parametrize("sentence", PASSED)
def test_round6_near_misses_pass(sentence: str) -> None:
    assert intent_phrases(sentence) == []
