"""The claim-language checker on set B: recall and false flags against the issue's goals.

Set B, ``tests/evidence/data/language_fresh_b.yaml``, was held out for round 2: written by someone who read
neither the checker, its data, its docs nor set A, run once on the checker of commit d13d274 (recall 0.868,
false flags 0.033; committed in ``bench/results/language_round2.json``). Its miss categories (not its
sentences) informed round 3, so later figures on it are not held out: these tests are a regression check.
The held-out set of round 3 is set C (``test_language_fresh_c.py``, which also checks the tallies of
``docs/evidence.md``).
"""

from __future__ import annotations

from pathlib import Path

from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

SET_B = Path(__file__).resolve().parent / "data" / "language_fresh_b.yaml"


def set_b() -> dict[str, list[str]]:
    """Set B (held out for round 2 only)."""
    return labelled(SET_B.read_text(encoding="utf-8"))


def test_set_b_recall_meets_the_goal() -> None:
    sets = set_b()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


def test_set_b_false_flags_meet_the_goal() -> None:
    sets = set_b()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]
