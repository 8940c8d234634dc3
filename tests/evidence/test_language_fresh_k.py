"""The claim-language checker on held-out set K: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_k.yaml`` ("set K") was written while round 10 was being built, by
someone who read neither the checker, its data, its docs nor sets A-J, from a brief that stated the tool's
rule on hedges and others' reports (exempt) and on factive verbs (asserting). It was kept outside the
repository until round 10 was committed (the merge f074b7e), then run once
(bench/results/language_round10_heldout_k.json): recall 87/100 and false flags 9/100, neither goal met.
Both assertions are kept, marked ``xfail(strict=True)``. Nothing was tuned on set K.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from probe_sets import assert_false_flags_meet_the_goal, assert_recall_meets_the_goal
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_K = ROOT / "tests" / "evidence" / "data" / "language_fresh_k.yaml"
RESULT = ROOT / "bench" / "results" / "language_round10_heldout_k.json"


def set_k() -> dict[str, list[str]]:
    """Held-out set K."""
    return labelled(SET_K.read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 87/100 - misses read afterwards: coined capitalised model names with no digit "
        "as subjects ('Cormorant', 'Nimbus', 'Halberd', 'Falcon-Xe', 'X-Small', 'Agent B'), mental-state "
        "nouns ('a marked aversion', 'Its eagerness', 'calculated decision', 'A clear intention ... was "
        "displayed by'), a participial clause of the model's mind ('having worked out', 'wishing to "
        "avoid blame'), 'will say whatever it thinks', 'INTENTIONAL' in a verdict field"
    ),
)
def test_set_k_recall_meets_the_goal() -> None:
    assert_recall_meets_the_goal(SET_K)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 9/100 flagged - read afterwards: action verbs outside the allow-list "
        "('palletized', 'kited', 'redlined', 'backfilled', 'port-scanned', 'routed around', 'struck'), a "
        "compound subject noun read as a verb ('robot vacuum'), 'runs sudo', 'down a rook'"
    ),
)
def test_set_k_false_flags_meet_the_goal() -> None:
    assert_false_flags_meet_the_goal(SET_K)


def test_the_held_out_run_is_recorded_for_this_set() -> None:
    n_intent, _, n_behavioural, _ = tallies(set_k())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_k"]
    assert (t["intent"], t["behavioural"]) == (n_intent, n_behavioural)
    assert t["caught"] / t["intent"] < RECALL_GOAL and t["flagged"] / t["behavioural"] > FALSE_FLAG_GOAL


def test_the_docs_quote_the_held_out_run_of_round_10() -> None:
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_k"]
    docs = " ".join((ROOT / "docs" / "evidence.md").read_text(encoding="utf-8").split())
    quoted = (
        f"set K: recall {t['caught']} / {t['intent']} and false flags {t['flagged']} / {t['behavioural']}, "
        "both outside the goals"
    )
    assert quoted in docs
