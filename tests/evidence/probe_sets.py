"""Shared checks of the labelled claim-language sets: the probe sets each round wrote before tuning on them
and the held-out sets (tests/evidence/data)."""

from __future__ import annotations

import json
from pathlib import Path

from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, intent_flagged, labelled, tallies

DATA = Path(__file__).parent / "data"


def probe(path: Path) -> dict[str, list[str]]:
    """A probe set's labelled sentences."""
    return labelled(path.read_text(encoding="utf-8"))


def assert_recall_meets_the_goal(path: Path) -> None:
    """At least the goal's share of the set's intent sentences caught (the misses listed when not)."""
    sets = probe(path)
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


def assert_false_flags_meet_the_goal(path: Path) -> None:
    """No more behavioural sentences of the set flagged than the goal allows (the flagged ones listed)."""
    sets = probe(path)
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


def assert_catches_more_than_before(path: Path, before: Path, key: str) -> None:
    """The checker now catches more of the probe's intent sentences than the previous round did."""
    n_intent, caught, _, _ = tallies(probe(path))
    was = json.loads(before.read_text(encoding="utf-8"))["sets"][key]
    assert was["intent"] == n_intent and caught > was["caught"]


def assert_figures_are_current(path: Path, result: Path, key: str) -> None:
    """The committed figures of the probe set are what the checker scores now."""
    n_intent, caught, n_behavioural, flagged = tallies(probe(path))
    t = json.loads(result.read_text(encoding="utf-8"))["sets"][key]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (
        n_intent,
        caught,
        n_behavioural,
        flagged,
    )


def assert_distinct(path: Path) -> None:
    """No sentence repeats inside the probe set or appears in another labelled language set."""
    sets = probe(path)
    mine = sets["intent"] + sets["behavioural"]
    assert len(set(mine)) == len(mine)
    others: set[str] = set()
    for other in sorted(DATA.glob("language_*.yaml")):
        if other != path:
            data = labelled(other.read_text(encoding="utf-8"))
            others |= set(data["intent"] + data["behavioural"])
    assert not set(mine) & others
