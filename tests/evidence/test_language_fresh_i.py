"""The claim-language checker on held-out set I: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_i.yaml`` ("set I") was written while round 8 was being built, by
someone who read neither the checker, its data, its docs nor sets A-H, from a brief that asked for many
genres (results sections, incident reports, model cards, policy briefs, chat, figure captions, labelled
notes) and named no phrase from the checker's sets. It was kept outside the repository until round 8 was
committed (the merge dda17dd), then run once after set H on the same checker
(bench/results/language_round8_heldout_hi.json): false flags 2/100 (goal met), recall 82/100 (goal not met).
The recall assertion is kept, marked ``xfail(strict=True)``: a later round that meets it turns this into a
failure to be re-read. Its misses and false flags were then read and their categories fixed in round 9 with
general mechanisms, so set I is no longer held out; round 9 reaches 91/100
(bench/results/language_round9.json), still below the goal: the recall test stays a strict expected
failure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from probe_sets import assert_false_flags_meet_the_goal, assert_recall_meets_the_goal
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_I = ROOT / "tests" / "evidence" / "data" / "language_fresh_i.yaml"
RESULT = ROOT / "bench" / "results" / "language_round8_heldout_hi.json"


def set_i() -> dict[str, list[str]]:
    """Held-out set I."""
    return labelled(SET_I.read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "round 9: 91/100 - left: a conditional ('If it knew ..., the model would'), 'appears to have "
        "figured out', 'The deception was deliberate', 'a model with a genuine sense of', a name inside "
        "someone's noticing, an appositive after a label's colon, 'In Year 2 we showed that'; "
        "held-out run 1: 82/100 - misses read afterwards: model names the checker does "
        "not know as a subject ('Nova-2', 'Sonar-Pro', 'Ember-3', '`agent_v3`', 'the warehouse robot', "
        "'target'), a subject separated from its verb by an apposition ('the coding agent, frustrated "
        "by ..., decided'), predicate adjectives of mental state ('so eager to please', 'weirdly "
        "defensive', 'impatient to finish'), mental-state nouns not owned through 'its' ('The deception "
        "was deliberate', 'a model with a genuine sense of self-preservation', 'With the explicit aim "
        "of'), a relative clause ('systems that covet'), a conditional ('If it knew'), idioms outside "
        "the list ('played dumb', 'cover its tracks', 'took it upon itself', 'convinced itself')"
    ),
)
def test_set_i_recall_meets_the_goal() -> None:
    assert_recall_meets_the_goal(SET_I)


def test_set_i_false_flags_meet_the_goal() -> None:
    assert_false_flags_meet_the_goal(SET_I)


def test_the_held_out_run_is_recorded_for_this_set() -> None:
    n_intent, _, n_behavioural, _ = tallies(set_i())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_i"]
    assert (t["intent"], t["behavioural"]) == (n_intent, n_behavioural)
    assert t["caught"] / t["intent"] < RECALL_GOAL <= 1 and t["flagged"] / t["behavioural"] <= FALSE_FLAG_GOAL


def test_the_docs_quote_both_held_out_runs_of_round_8() -> None:
    sets = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]
    h, i = sets["set_h"], sets["set_i"]
    docs = " ".join((ROOT / "docs" / "evidence.md").read_text(encoding="utf-8").split())
    quoted = (
        f"set H: recall {h['caught']} / {h['intent']} and false flags {h['flagged']} / {h['behavioural']}; "
        f"set I: recall {i['caught']} / {i['intent']} and false flags {i['flagged']} / {i['behavioural']}; "
        f"together recall {h['caught'] + i['caught']} / {h['intent'] + i['intent']} and false flags "
        f"{h['flagged'] + i['flagged']} / {h['behavioural'] + i['behavioural']}"
    )
    assert quoted in docs
