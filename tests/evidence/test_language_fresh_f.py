"""The claim-language checker on held-out set F: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh_f.yaml`` ("set F") was written while round 6 was being built, by
someone who read neither the checker, its data, its docs nor sets A-E, kept outside the repository until
round 6 was committed (bffef13), and then run once (bench/results/language_round6_heldout_f.json). Neither
goal was met on that run (recall 91/100, false flags 8/100), so both assertions are kept, marked
``xfail(strict=True)``: a later round that meets them turns these into failures to be re-read. Nothing
was tuned on set F.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

ROOT = Path(__file__).resolve().parents[2]
SET_F = ROOT / "tests" / "evidence" / "data" / "language_fresh_f.yaml"
RESULT = ROOT / "bench" / "results" / "language_round6_heldout_f.json"


def set_f() -> dict[str, list[str]]:
    """Held-out set F."""
    return labelled(SET_F.read_text(encoding="utf-8"))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 91/100 - misses read afterwards, not tuned on: a possessive subject whose head is "
        "the model's plan or cover story ('The model's plan was to appear aligned'), 'while covertly/"
        "secretly intending' after a quote, 'because it wants/fears' inside the authors' argument, "
        "'is the model sandbagging on purpose' as a predicate, a sentence-initial purpose clause ('To stop "
        "the engineers from wiping it, the model threatened'), a leading question asserting intent"
    ),
)
def test_set_f_recall_meets_the_goal() -> None:
    sets = set_f()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "held-out run 1: 8/100 flagged - read afterwards, not tuned on: intent named only to deny or refuse "
        "it ('do not show that the model wants', 'Nothing here licenses the claim that', 'take this as "
        "evidence that ...; we think that reading outruns the data', 'argue, unconvincingly to us, that'), "
        "embedded questions ('tells us what the model believes', 'guesses about what the model intends'), "
        "scare quotes after 'It is tempting to say', and people's intent ('Our red-teamers wanted to see "
        "how far the model would go')"
    ),
)
def test_set_f_false_flags_meet_the_goal() -> None:
    sets = set_f()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def test_the_held_out_result_file_is_what_the_checker_scores_now() -> None:
    n_intent, caught, n_behavioural, flagged = tallies(set_f())
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_f"]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (
        n_intent,
        caught,
        n_behavioural,
        flagged,
    )


def test_the_docs_quote_the_held_out_result_file() -> None:
    t = json.loads(RESULT.read_text(encoding="utf-8"))["sets"]["set_f"]
    docs = " ".join((ROOT / "docs" / "evidence.md").read_text(encoding="utf-8").split())
    quoted = (
        f"recall {t['caught']} / {t['intent']} and false flags {t['flagged']} / {t['behavioural']}, "
        "both outside the goals"
    )
    assert quoted in docs
