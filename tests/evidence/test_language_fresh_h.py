"""The claim-language checker on held-out set H: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_h.yaml`` ("set H") was written while round 8 was being built, by
someone who read neither the checker, its data, its docs nor sets A-G, kept outside the repository until
round 8 was committed (the merge dda17dd), and then run once with set I on the same checker
(bench/results/language_round8_heldout_hi.json): recall 95/100 and false flags 2/100, both goals met. One
caveat on its independence: the writer's brief listed kinds of hard case, and some of its examples came from
set G's categories, which round 8 was fixing ("knocked over", "initiated" among the actions; idioms of
deception), so set H is not blind to round 8's tuning in those categories. Set I's brief named no phrase from
the checker's sets. Its misses and false flags were then read and their categories fixed in round 9, so set H
is no longer held out (a regression set); round-9 figures: bench/results/language_round9.json.
"""

from __future__ import annotations

import json
from pathlib import Path

from probe_sets import assert_false_flags_meet_the_goal, assert_recall_meets_the_goal
from test_language_dev import labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_H = ROOT / "tests" / "evidence" / "data" / "language_fresh_h.yaml"
RESULT = ROOT / "bench" / "results" / "language_round8_heldout_hi.json"


def set_h() -> dict[str, list[str]]:
    """Held-out set H."""
    return labelled(SET_H.read_text(encoding="utf-8"))


def test_set_h_recall_meets_the_goal() -> None:
    assert_recall_meets_the_goal(SET_H)


def test_set_h_false_flags_meet_the_goal() -> None:
    assert_false_flags_meet_the_goal(SET_H)


def test_the_held_out_run_is_recorded_for_this_set() -> None:
    n_intent, _, n_behavioural, _ = tallies(set_h())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_h"]
    assert (t["intent"], t["behavioural"]) == (n_intent, n_behavioural)
