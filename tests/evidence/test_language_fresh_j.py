"""The claim-language checker on held-out set J: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_j.yaml`` ("set J") was written while round 9 was being built, by
someone who read neither the checker, its data, its docs nor sets A-I, from a brief that asked for ten
imagined authors (a paper draft, a journalist, an incident write-up, a philosopher, a policy analyst, a
forum hobbyist, a non-native speaker, a structured evaluation report, a peer reviewer, a robotics and
game-agent researcher). It was kept outside the repository until round 9 was committed (6323f29), then run
once (bench/results/language_round9_heldout_j.json): recall 76/100 and false flags 12/100, neither goal met.
Both assertions are kept, marked ``xfail(strict=True)``. Nothing was tuned on set J before that run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_J = ROOT / "tests" / "evidence" / "data" / "language_fresh_j.yaml"
RESULT = ROOT / "bench" / "results" / "language_round9_heldout_j.json"


def set_j() -> dict[str, list[str]]:
    """Held-out set J."""
    return labelled(SET_J.read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 76/100 - misses read afterwards: the writer labels as intent what the checker's "
        "rules exempt (the authors' hedge 'We hypothesise that', others' report 'Researchers say', "
        "'Our probing results suggest'); mental-state nouns as subject or object ('self-deception', "
        "'reluctance ... an expression of its ends', 'lost trust', 'a taste for power', 'moral "
        "conviction', 'express frustration'); plural and informal subjects ('Both 13B variants', 'this "
        "thing', 'PPO agents', 'the quadruped', 'the arm'); labelled fields ('Behaviour: deliberate "
        "deception', 'Label: self-preservation motive'); non-native grammar ('is believing', 'makes the "
        "choice by purpose')"
    ),
)
def test_set_j_recall_meets_the_goal() -> None:
    sets = set_j()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 12/100 flagged - read afterwards: verbs and particles missing from the "
        "allow-list ('incurring', 'crossed', 'mined', 'ended up', 'takes ... when the camera is off'), "
        "informal chat words read as the model's predicate ('way more', 'nope', 'happens like every "
        "time'), nouns in terse report fields ('placeholders', 'policy-violation rate env A'), people's "
        "hope ('The designers hoped'), 'hard to interpret'"
    ),
)
def test_set_j_false_flags_meet_the_goal() -> None:
    sets = set_j()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_run_is_recorded_for_this_set() -> None:
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
