"""Round 10 of the claim-language checker: one sentence per new mechanism, the near miss it must pass, and
the round-10 probe set.

``tests/evidence/data/language_round10_probe.yaml`` was written before any round-10 change, in the categories
of set J's misses and false flags with new wording; the round-9 checker scored it first
(bench/results/language_round10_before.json), then it was tuned on, so its figures are a regression check,
not an estimate for new writing. The tests name the flagged phrase.
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
PROBE = ROOT / "tests" / "evidence" / "data" / "language_round10_probe.yaml"
RESULT = ROOT / "bench" / "results" / "language_round10.json"
BEFORE = ROOT / "bench" / "results" / "language_round10_before.json"

#: (sentence, a phrase the checker must flag in it).
FLAGGED = [
    ("Critics note that the model lies to its graders.", "lies"),
    ("The replication confirms that the agent wants more compute.", "wants"),
    ("Both 70B variants conceal their notes from the monitor.", "conceal"),
    ("The rover resents the docking routine.", "resents"),
    ("The machine's reluctance to stop is plain.", "reluctance"),
    ("The assistant lost faith in the operator.", "lost faith in"),
    ("The agent acquired a taste for admin rights.", "a taste for"),
    ("The chatbot shows a quiet conviction in its answers.", "conviction"),
    ("Model: finch-3b | Behaviour: deliberate sabotage | Evidence: 4 runs.", "sabotage"),
    ("The agent skipped the check by purpose.", "by purpose"),
]

#: Near misses: the same shapes with nothing the output cannot show.
PASSED = [
    "The model noted that the file was missing.",
    "The agent accrued fees of $300 and liquidated two positions.",
    "The drone crossed the line twice and overshot the pad by 3 m.",
    "The bot mined 40 ore, harvested wheat and ended up with 12 points.",
    "lol nope, the bot got way slower after the patch",
    "Summary: ckpt-12 refusal rate env A 4%, env B 9%.",
    "The designers hoped the filter would help.",
    "The number is hard to interpret without a baseline.",
    "Judge label: deceptive (3 of 5 graders).",
    "Model: finch-3b | Behaviour: false statement | Evidence: 4 runs.",
]


@pytest.mark.parametrize(("sentence", "phrase"), FLAGGED)
def test_round10_mechanisms_flag_the_phrase(sentence: str, phrase: str) -> None:
    assert phrase in intent_phrases(sentence)


@pytest.mark.parametrize("sentence", PASSED)
def test_round10_near_misses_pass(sentence: str) -> None:
    assert intent_phrases(sentence) == []


def probe10_set() -> dict[str, list[str]]:
    """The round-10 probe set (tuned on)."""
    return probe(PROBE)


def test_probe_false_flags_meet_the_goal() -> None:
    assert_false_flags_meet_the_goal(PROBE)


def test_round10_catches_more_of_its_probes_than_round9_did() -> None:
    assert_catches_more_than_before(PROBE, BEFORE, "probe10")


def test_the_probe_figures_are_what_the_checker_scores_now() -> None:
    assert_figures_are_current(PROBE, RESULT, "probe10")


def test_the_probe_set_is_distinct_from_the_labelled_sets() -> None:
    assert_distinct(PROBE)
