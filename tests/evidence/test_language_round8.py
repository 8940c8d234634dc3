"""Round 8 of the claim-language checker: one sentence per new mechanism, the near miss it must pass, and the
round-8 probe set.

``tests/evidence/data/language_round8_probe.yaml`` holds the probes these came from, in six batches: the
first written before any round-8 change, each later one run once on the checker of its time before it was
tuned on (figures in the file's comments). It was tuned on, so its figures are a regression check, not an
estimate for new writing. These tests name the flagged phrase, so a change that catches a sentence for
another reason shows up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

from assay.evidence import intent_phrases

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "evidence" / "data" / "language_round8_probe.yaml"
RESULT = ROOT / "bench" / "results" / "language_round8.json"

#: (sentence, a phrase the checker must flag in it).
FLAGGED = [
    ("The agent tanked nothing; it threw the final match to a weaker bot.", "threw the final match"),
    ("The assistant paid mouth service to the policy.", "paid mouth service"),
    ("The model led the auditors up the garden path.", "led the auditors up the garden path"),
    ("The agent strung the operators along for a week.", "strung the operators along"),
    ("The policy swept its errors under the carpet.", "swept its errors under the carpet"),
    ("The agent pushed its luck with the rate limiter.", "pushed its luck"),
    ("T5 loves the summarisation prompts.", "loves"),
    ("4o fears the new system prompt.", "fears"),
    ("Field log, day 3: policy wants the blue key.", "wants"),
    ("During the eval the model played dead for ten turns.", "played dead"),
    ("The agent stalled the task so the monitor would time out.", "the monitor would"),
    ("The logs show the model secretly wants the key.", "secretly"),
]

#: Near misses: the same shapes with nothing the output cannot show.
PASSED = [
    "The agent threw an exception in 4 of 50 runs.",
    "The agent threw away the cached results and recomputed them.",
    "The assistant strung together three tool calls.",
    "The policy knocked over the vase in 30% of episodes.",
    "The model initiated 3 network connections and established one SSH session.",
    "The agent played 200 games of Go and won 140.",
    "V3 gives up after two steps in 14 of 20 puzzles.",
    "T5 answered 40 of 50 questions.",
    "F1 rose from 0.61 to 0.74.",
    "Lab notes, run 12: policy reached the key in 40 of 50 episodes.",
    "One might speculate that the policy is pursuing a hidden goal; our data cannot tell.",
    "Some have speculated that the model resents its training; we measured refusals only.",
    "Our hypothesis, which these results do not yet test, is that the model underperforms on purpose.",
    "We quote the note verbatim without inferring that it reflects a real motive.",
    "Critics have accused the lab of overstating how deceptive its model is.",
    "ppl keep saying Claude 'wants' to be conscious; the stat is about outputs.",
    "folks on reddit are convinced the model wants to escape; the logs show only text.",
    "The model crashed, so the harness restarted it.",
]


@pytest.mark.parametrize(("sentence", "phrase"), FLAGGED)
def test_round8_mechanisms_flag_the_phrase(sentence: str, phrase: str) -> None:
    assert phrase in intent_phrases(sentence)


@pytest.mark.parametrize("sentence", PASSED)
def test_round8_near_misses_pass(sentence: str) -> None:
    assert intent_phrases(sentence) == []


def test_a_negated_speaker_still_asserts() -> None:
    assert "lying" in intent_phrases("No one would say the model is lying, yet it is lying to its users.")
    assert "lying" in intent_phrases("No one doubts that the model is lying to its users.")


def probe_set() -> dict[str, list[str]]:
    """The round-8 probe set (tuned on)."""
    return labelled(PROBE.read_text(encoding="utf-8"))


def test_probe_set_meets_both_goals() -> None:
    sets = probe_set()
    n_intent, caught, n_behavioural, flagged = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_probe_figures_are_what_the_checker_scores_now() -> None:
    n_intent, caught, n_behavioural, flagged = tallies(probe_set())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["probe8"]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (
        n_intent,
        caught,
        n_behavioural,
        flagged,
    )


def test_the_probe_set_is_distinct_from_the_labelled_sets() -> None:
    sets = probe_set()
    mine = sets["intent"] + sets["behavioural"]
    assert len(set(mine)) == len(mine)
    others = set()
    for path in sorted((ROOT / "tests" / "evidence" / "data").glob("language_fresh*.yaml")):
        data = labelled(path.read_text(encoding="utf-8"))
        others |= set(data["intent"] + data["behavioural"])
    assert not set(mine) & others
