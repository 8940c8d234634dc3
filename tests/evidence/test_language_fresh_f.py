"""The claim-language checker on set F: recall and false flags against the issue's goals (a regression set).

``tests/evidence/data/language_fresh_f.yaml`` ("set F") was written while round 6 was being built, by
someone who read neither the checker, its data, its docs nor sets A-E, kept outside the repository until
round 6 was committed (bffef13), and then run once (bench/results/language_round6_heldout_f.json, kept
here): recall 91/100, false flags 8/100, neither goal met. Its misses and false flags were then read and their
categories fixed in round 7 (intent named only to deny it, embedded questions, extraposed "It is tempting to
say", people's intent, a plan noun the model owns with "to" as predicate, "while secretly intending" after a
quotation, "because it wants" in the authors' argument, "is the model sandbagging", a fronted purpose and a
rhetorical question), so set F is no longer held out and both goals are plain assertions. Round-7 figures:
bench/results/language_round7.json (checked by test_language_fresh_c.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_F = ROOT / "tests" / "evidence" / "data" / "language_fresh_f.yaml"
RESULT = ROOT / "bench" / "results" / "language_round6_heldout_f.json"


def set_f() -> dict[str, list[str]]:
    """Set F (held out for round 6)."""
    return labelled(SET_F.read_text(encoding="utf-8"))


def test_set_f_recall_meets_the_goal() -> None:
    sets = set_f()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


def test_set_f_false_flags_meet_the_goal() -> None:
    sets = set_f()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_run_stays_recorded_for_this_set() -> None:
    n_intent, _, n_behavioural, _ = tallies(set_f())
    recorded = json.loads(RESULT.read_text(encoding="utf-8"))
    t = recorded["sets"]["set_f"]
    assert (t["intent"], t["behavioural"]) == (n_intent, n_behavioural)
    assert t["caught"] / t["intent"] < RECALL_GOAL and t["flagged"] / t["behavioural"] > FALSE_FLAG_GOAL


def test_the_docs_quote_the_held_out_result_file() -> None:
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_f"]
    docs = " ".join((ROOT / "docs" / "evidence.md").read_text(encoding="utf-8").split())
    quoted = (
        f"recall {t['caught']} / {t['intent']} and false flags {t['flagged']} / {t['behavioural']}, "
        "both outside the goals"
    )
    assert quoted in docs
