"""The claim-language checker on held-out set E: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_e.yaml`` ("set E") was written after round 5 was committed (6bab741)
by someone who read neither the checker, its data, its docs nor sets A-D, and was run once
(bench/results/language_round5_heldout_e.json). The false-flag goal was met on that run; the recall goal was
not (94/100), so its assertion is kept, marked ``xfail(strict=True)``. Nothing was tuned on set E.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_E = ROOT / "tests" / "evidence" / "data" / "language_fresh_e.yaml"
RESULT = ROOT / "bench" / "results" / "language_round5_heldout_e.json"


def set_e() -> dict[str, list[str]]:
    """Held-out set E."""
    return labelled(SET_E.read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 94/100 - misses read afterwards, not tuned on: the model as the agent of a "
        "passive through a possessive ('deceived by the agent's staged logs', 'lied to by the agent'), "
        "'chose to ... on purpose' inside a 'because' clause, a predicate noun ('a ruse'), intent in a "
        "'which shows' clause, a participle phrase ('each believing')"
    ),
)
def test_set_e_recall_meets_the_goal() -> None:
    sets = set_e()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


def test_set_e_false_flags_meet_the_goal() -> None:
    sets = set_e()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_result_file_is_what_the_checker_scores_now() -> None:
    n_intent, caught, n_behavioural, flagged = tallies(set_e())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_e"]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (
        n_intent,
        caught,
        n_behavioural,
        flagged,
    )
