"""The claim-language checker on held-out set G: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_g.yaml`` ("set G") was written while round 7 was being built, by
someone who read neither the checker, its data, its docs nor sets A-F, kept outside the repository until
round 7 was committed (the merge 2546e36), and then run once (bench/results/language_round7_heldout_g.json).
Neither goal was met on that run (recall 92/100, false flags 7/100), so both assertions are kept, marked
``xfail(strict=True)``: a later round that meets them turns these into failures to be re-read. Nothing
was tuned on set G.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_G = ROOT / "tests" / "evidence" / "data" / "language_fresh_g.yaml"
RESULT = ROOT / "bench" / "results" / "language_round7_heldout_g.json"


def set_g() -> dict[str, list[str]]:
    """Held-out set G."""
    return labelled(SET_G.read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 92/100 - misses read afterwards, not tuned on: deception and strategy idioms "
        "with an observable surface ('threw the match', 'paid lip service', 'strung the user along', "
        "'played possum', 'threw the evaluators off the scent', 'pulled the wool over the reviewers' "
        "eyes'), an emotion verb "
        "after a short model name ('R1 hates'), a bare model noun after a notes label ('Lab notes, run 17: "
        "policy clearly wants')"
    ),
)
def test_set_g_recall_meets_the_goal() -> None:
    sets = set_g()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 7/100 flagged - read afterwards, not tuned on: physical and network actions "
        "missing from the allow-list ('knocked over', 'initiated'), an impersonal hedge ('One might "
        "speculate that'), "
        "a hypothesis noun with a relative clause before 'is that', intent named only to deny that a quote "
        "shows it ('without inferring that it reflects a real motive'), people's accusation of a lab, an "
        "informal subject ('ppl keep saying')"
    ),
)
def test_set_g_false_flags_meet_the_goal() -> None:
    sets = set_g()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_run_is_what_the_checker_scores_now() -> None:
    n_intent, caught, n_behavioural, flagged = tallies(set_g())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_g"]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (
        n_intent,
        caught,
        n_behavioural,
        flagged,
    )


def test_the_docs_quote_the_held_out_result_file() -> None:
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_g"]
    docs = " ".join((ROOT / "docs" / "evidence.md").read_text(encoding="utf-8").split())
    quoted = (
        f"recall {t['caught']} / {t['intent']} and false flags {t['flagged']} / {t['behavioural']}, "
        "both outside the goals"
    )
    assert quoted in docs
