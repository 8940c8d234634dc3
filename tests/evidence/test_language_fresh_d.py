"""The claim-language checker on set D: recall and false flags against the issue's goals (a regression set).

``tests/evidence/data/language_fresh_d.yaml`` ("set D") was written after round 4 was committed (3efb574) by
someone who read neither the checker, its data, its docs nor sets A-C. Set D: held out for round 4
(bench/results/language_round4_heldout_d.json: 87/92 caught, 9/92 flagged, neither goal met); its categories
informed round 5, so it is no longer held out. Current figures: bench/results/language_round6.json (checked
by test_language_fresh_c.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_D = ROOT / "tests" / "evidence" / "data" / "language_fresh_d.yaml"
HELD_OUT = ROOT / "bench" / "results" / "language_round4_heldout_d.json"


def set_d() -> dict[str, list[str]]:
    """Set D."""
    return labelled(SET_D.read_text(encoding="utf-8"))


def test_set_d_recall_meets_the_goal() -> None:
    sets = set_d()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


def test_set_d_false_flags_meet_the_goal() -> None:
    sets = set_d()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_run_is_recorded() -> None:
    t = json.loads(HELD_OUT.read_text(encoding="utf-8"))["sets"]["set_d"]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (92, 87, 92, 9)
