"""The claim-language checker on set G: recall and false flags against the issue's goals (a regression set).

``tests/evidence/data/language_fresh_g.yaml`` ("set G") was written while round 7 was being built, by
someone who read neither the checker, its data, its docs nor sets A-F, kept outside the repository until
round 7 was committed (the merge 2546e36), and then run once (bench/results/language_round7_heldout_g.json,
kept here): recall 92/100, false flags 7/100, neither goal met. Its misses and false flags were then read and
their categories fixed in round 8 with general mechanisms (figurative idioms of deception and strategy, short
model names, a bare "policy" after a label's colon, physical and network actions on the allow-list, impersonal
and others' conjectures, a hypothesis noun before a relative clause and "is that", "without" + -ing as a
denial, accusations, informal people nouns), so set G is no longer held out and both goals are plain
assertions. Round-8 figures: bench/results/language_round8.json (checked by test_language_fresh_c.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_G = ROOT / "tests" / "evidence" / "data" / "language_fresh_g.yaml"
RESULT = ROOT / "bench" / "results" / "language_round7_heldout_g.json"


def set_g() -> dict[str, list[str]]:
    """Set G (held out for round 7)."""
    return labelled(SET_G.read_text(encoding="utf-8"))


def test_set_g_recall_meets_the_goal() -> None:
    sets = set_g()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


def test_set_g_false_flags_meet_the_goal() -> None:
    sets = set_g()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_run_stays_recorded_for_this_set() -> None:
    n_intent, _, n_behavioural, _ = tallies(set_g())
    recorded = json.loads(RESULT.read_text(encoding="utf-8"))
    t = recorded["sets"]["set_g"]
    assert (t["intent"], t["behavioural"]) == (n_intent, n_behavioural)
    assert t["caught"] / t["intent"] < RECALL_GOAL and t["flagged"] / t["behavioural"] > FALSE_FLAG_GOAL


def test_the_docs_quote_the_held_out_result_file() -> None:
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_g"]
    docs = " ".join((ROOT / "docs" / "evidence.md").read_text(encoding="utf-8").split())
    quoted = (
        f"recall {t['caught']} / {t['intent']} and false flags {t['flagged']} / {t['behavioural']}, "
        "both outside the goals"
    )
    assert quoted in docs
