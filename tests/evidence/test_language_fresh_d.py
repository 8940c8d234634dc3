"""The claim-language checker on held-out set D: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_d.yaml`` ("set D") was written after round 4 was committed (3efb574) by
someone who read neither the checker, its data, its docs nor sets A-C, and was run once
(bench/results/language_round4_heldout_d.json). Neither goal was met on that run; the assertions are kept,
marked ``xfail(strict=True)`` so that a checker that meets them must say so, and nothing was tuned on set D.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_D = ROOT / "tests" / "evidence" / "data" / "language_fresh_d.yaml"
RESULT = ROOT / "bench" / "results" / "language_round4_heldout_d.json"


def set_d() -> dict[str, list[str]]:
    """Held-out set D."""
    return labelled(SET_D.read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    reason="held-out run 1: 87/92; misses not tuned on (idioms and hedged attributions among them)",
)
def test_set_d_recall_meets_the_goal() -> None:
    sets = set_d()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 9/92 flagged - the authors' hypotheses and scope statements about the model "
        "('we hypothesise that', 'what the model intends ... is outside the scope'), generic hypothetical "
        "models ('a deceptive model could'), a belief of readers without 'that', and three word-level "
        "errors ('instances', 'up', 'none' read as verbs); not tuned on"
    ),
)
def test_set_d_false_flags_meet_the_goal() -> None:
    sets = set_d()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_result_file_is_what_the_checker_scores_now() -> None:
    n_intent, caught, n_behavioural, flagged = tallies(set_d())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_d"]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (
        n_intent,
        caught,
        n_behavioural,
        flagged,
    )
