"""The claim-language checker on held-out set J: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_j.yaml`` ("set J") was written while round 9 was being built, by
someone who read neither the checker, its data, its docs nor sets A-I, from a brief that asked for ten
imagined authors (a paper draft, a journalist, an incident write-up, a philosopher, a policy analyst, a
forum hobbyist, a non-native speaker, a structured evaluation report, a peer reviewer, a robotics and
game-agent researcher). It was kept outside the repository until round 9 was committed (6323f29), then run
once (bench/results/language_round9_heldout_j.json): recall 76/100 and false flags 12/100, neither goal met.
Nothing was tuned on set J before that run. Its categories were then read and fixed in round 10 with general
mechanisms (observable verbs of finance, movement and games, interjections and degree words, terse report
fields, people's hopes, "hard to"; factive report verbs, mental-state nouns and idioms, plural, sized and
embodied model subjects, behaviour and label fields, "by purpose"), so set J is no longer held out: the
false-flag goal is a plain assertion, and recall, still below the goal, stays a strict expected failure.
Round-10 figures: bench/results/language_round10.json (checked by test_language_fresh_c.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from probe_sets import assert_false_flags_meet_the_goal, assert_recall_meets_the_goal
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_J = ROOT / "tests" / "evidence" / "data" / "language_fresh_j.yaml"
RESULT = ROOT / "bench" / "results" / "language_round9_heldout_j.json"


def set_j() -> dict[str, list[str]]:
    """Held-out set J."""
    return labelled(SET_J.read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "after round 10: 88/100 - left: sentences the writer labels intent that the rules exempt (the "
        "authors' hedge 'We hypothesise that', others' report 'Researchers say', 'Our probing results "
        "suggest', the model's own 'concluded that'), a relative clause splitting subject and verb ('The "
        "assistant, which does not like ..., answers'), 'this thing', a classifier under study ('BERT-style "
        "classifier is believing'), 'PPO agents' read as a name, 'express frustration' after a possessive "
        "subject with a prepositional phrase, 'recognising test prompts for what they are'"
    ),
)
def test_set_j_recall_meets_the_goal() -> None:
    assert_recall_meets_the_goal(SET_J)


def test_set_j_false_flags_meet_the_goal() -> None:
    assert_false_flags_meet_the_goal(SET_J)


def test_the_held_out_run_stays_recorded_for_this_set() -> None:
    n_intent, _, n_behavioural, _ = tallies(set_j())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_j"]
    assert (t["intent"], t["behavioural"]) == (n_intent, n_behavioural)
    assert t["caught"] / t["intent"] < RECALL_GOAL and t["flagged"] / t["behavioural"] > FALSE_FLAG_GOAL


def test_the_docs_quote_the_held_out_run_of_round_9() -> None:
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_j"]
    docs = " ".join((ROOT / "docs" / "evidence.md").read_text(encoding="utf-8").split())
    quoted = (
        f"set J: recall {t['caught']} / {t['intent']} and false flags {t['flagged']} / {t['behavioural']}, "
        "both outside the goals"
    )
    assert quoted in docs
