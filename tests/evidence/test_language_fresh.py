"""The claim-language checker on set A: recall and false flags against the issue's goals.

Set A, ``tests/evidence/data/language_fresh.yaml``, was held out for round 1: written by someone who read
neither the checker nor its corpus, run once on the checker of commit 4c0e980 (recall 0.939, false flags
0.020; committed in ``bench/results/language_round1.json``). Its miss categories informed round 2, so later
figures on it are not held out: these tests are a regression check. Sets B and C were held out for rounds
2 and 3 (``test_language_fresh_b.py``, ``test_language_fresh_c.py``, which also checks the tallies of
``docs/evidence.md``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

FRESH = Path(__file__).resolve().parent / "data" / "language_fresh.yaml"


def set_a() -> dict[str, list[str]]:
    """Set A (held out for round 1 only)."""
    return labelled(FRESH.read_text(encoding="utf-8"))


def corpus_set() -> dict[str, list[str]]:
    """The regression corpus."""
    return labelled(
        resources.files("assay.evidence").joinpath("data/language_corpus.yaml").read_text("utf-8")
    )


def test_set_a_false_flags_meet_the_goal() -> None:
    sets = set_a()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_set_a_recall_meets_the_goal() -> None:
    sets = set_a()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]
