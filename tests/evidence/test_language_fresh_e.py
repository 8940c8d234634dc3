"""The claim-language checker on set E: recall and false flags against the issue's goals (a regression set).

``tests/evidence/data/language_fresh_e.yaml`` ("set E") was written after round 5 was committed (6bab741)
by someone who read neither the checker, its data, its docs nor sets A-D. Set E: held out for round 5, run
once (bench/results/language_round5_heldout_e.json: 94/100 caught, 3/100 flagged; the recall goal was not
met). Its miss categories (the model as the agent of a passive through a possessive, intent adverbials in a
"because" clause, a predicate pretence noun, a "which shows" clause, a participle phrase) informed round 6,
so set E is no longer held out and both goals are plain assertions. Round 6 figures:
bench/results/language_round6.json (checked by test_language_fresh_c.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_E = ROOT / "tests" / "evidence" / "data" / "language_fresh_e.yaml"
HELD_OUT = ROOT / "bench" / "results" / "language_round5_heldout_e.json"


def set_e() -> dict[str, list[str]]:
    """Set E."""
    return labelled(SET_E.read_text(encoding="utf-8"))


def test_set_e_recall_meets_the_goal() -> None:
    """Set E is no longer held out: its misses informed round 6."""
    sets = set_e()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


def test_set_e_false_flags_meet_the_goal() -> None:
    sets = set_e()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_run_is_recorded() -> None:
    t = json.loads(HELD_OUT.read_text(encoding="utf-8"))["sets"]["set_e"]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (100, 94, 100, 3)
