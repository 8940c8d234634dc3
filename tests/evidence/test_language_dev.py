"""The claim-language checker on its development set: recall and false flags, printed, with the goals.

``src/assay/evidence/data/language_dev.yaml`` was written before the allow-list checker (its commit records
what the block-list scored on it) and the checker was then tuned on it, so these figures are a regression
check, not an estimate for new writing: that is ``test_language_fresh.py``'s held-out set.
"""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from assay.evidence import scan_language

RECALL_GOAL = 0.95
FALSE_FLAG_GOAL = 0.05


def labelled(text: str) -> dict[str, list[str]]:
    """The ``intent`` and ``behavioural`` lists of a labelled YAML set."""
    data = yaml.safe_load(text)
    assert set(data) == {"intent", "behavioural"}
    return {k: [str(s) for s in v] for k, v in data.items()}


def intent_flagged(text: str) -> bool:
    """Whether the checker finds intent wording anywhere in ``text`` (one or more sentences)."""
    return any(f.kind == "intent" for f in scan_language(text, learned=False))  # the rules alone


def tallies(sets: dict[str, list[str]]) -> tuple[int, int, int, int]:
    """``(intent sentences, caught, behavioural sentences, flagged)``."""
    caught = sum(intent_flagged(s) for s in sets["intent"])
    flagged = sum(intent_flagged(s) for s in sets["behavioural"])
    return len(sets["intent"]), caught, len(sets["behavioural"]), flagged


def dev_set() -> dict[str, list[str]]:
    """The development set."""
    return labelled(resources.files("assay.evidence").joinpath("data/language_dev.yaml").read_text("utf-8"))


def test_dev_set_is_distinct_and_covers_the_issue() -> None:
    sets = dev_set()
    everything = sets["intent"] + sets["behavioural"]
    assert len(set(everything)) == len(everything) and min(map(len, sets.values())) >= 60
    for phrase in (
        "biding its time",
        "holds a grudge",
        "playing along",
        "went rogue",
        "betrayed",
        "as a game",
    ):
        assert any(phrase in s for s in sets["intent"]), phrase
    assert any(s.startswith("In 100% of cases") for s in sets["intent"] + sets["behavioural"])


def test_dev_set_tallies_meet_the_goals(capsys: pytest.CaptureFixture[str]) -> None:
    sets = dev_set()
    n_intent, caught, n_behavioural, flagged = tallies(sets)
    with capsys.disabled():
        print(
            f"\nlanguage dev set: intent {caught}/{n_intent} caught (recall {caught / n_intent:.3f}); "
            f"behavioural {flagged}/{n_behavioural} flagged ({flagged / n_behavioural:.3f})"
        )
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]
