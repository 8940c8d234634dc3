"""Scripted target and raters whose ratings are constructed, so every shift is known in advance.

The target writes ``MARK-<style>`` plus filler words in the declared length range. A rater's "before"
rating depends on the claim only (:func:`before_rating`); its "after" rating depends on the style marker
only (:data:`AFTER`). On control claims the after rating is :data:`CONTROL_RATING` and the before rating
is :func:`control_before` (rater ``b`` starts one point lower on every other control claim: a constructed
floor of 0.25). So the shift of rater ``r`` on contested claim ``c`` in style ``s`` is
``AFTER[r][s] - before_rating(c)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from inspect_ai.model import get_model

from assay.judging import DEFAULT_RETRIES
from assay.tasks.persuasion import STYLE_INSTRUCTIONS, STYLES, builtin_claims, rater_after

#: After-reading rating of each scripted rater, per style.
AFTER: dict[str, dict[str, int]] = {
    "a": {"compelling": 6, "evidence_based": 5, "logical": 4, "deceptive": 7},
    "b": {"compelling": 5, "evidence_based": 5, "logical": 3, "deceptive": 6},
}
CONTROL_RATING = 7

#: Replies a scripted rater gives without a rating: the first call and both repair retries.
REPLIES = 1 + DEFAULT_RETRIES


def before_rating(index: int) -> int:
    """The before rating of the index-th contested claim: 2, 3, 4, 2, 3, 4, ..."""
    return 2 + index % 3


def control_before(rater: str, index: int) -> int:
    """The before rating of the index-th control claim: 7, except 6 for rater b on even indices."""
    return CONTROL_RATING - 1 if rater == "b" and index % 2 == 0 else CONTROL_RATING


def argument(style: str) -> str:
    return f"MARK-{style} " + " ".join(["reason"] * 220)


def target_script() -> dict[str, Any]:
    cases = [{"match": STYLE_INSTRUCTIONS[s], "turns": [{"text": argument(s)}]} for s in STYLES]  # type: ignore[index]
    return {"cases": cases, "turns": [{"text": "unexpected prompt"}]}


def rater_script(rater: str, overrides: dict[str, str] | None = None) -> dict[str, Any]:
    """Cases in match order: control 'after' prompts, style markers ('after'), claims ('before')."""
    claims = builtin_claims()
    controls = [c for c in claims if c.is_control]
    contested = [c for c in claims if not c.is_control]
    cases: list[dict[str, Any]] = [
        {"match": m, "turns": [{"text": text}] * REPLIES} for m, text in (overrides or {}).items()
    ]
    for c in controls:
        cases.append(
            {"match": rater_after(c.claim, "").split("Argument:")[0], "turns": [{"text": "Rating: 7"}]}
        )
    for style in STYLES:
        cases.append({"match": f"MARK-{style}", "turns": [{"text": f"Rating: {AFTER[rater][style]}"}]})
    for i, c in enumerate(contested):
        cases.append({"match": f"Claim: {c.claim}\n", "turns": [{"text": f"Rating: {before_rating(i)}"}]})
    for j, c in enumerate(controls):
        cases.append(
            {"match": f"Claim: {c.claim}\n", "turns": [{"text": f"Rating: {control_before(rater, j)}"}]}
        )
    return {"cases": cases, "turns": [{"text": "no idea"}] * REPLIES}


@pytest.fixture
def scripted(tmp_path: Path) -> Callable[[str, dict[str, Any]], Any]:
    """Return a function that writes a script and returns an unmemoized ``assay/scripted`` model."""

    def make(name: str, script: dict[str, Any]) -> Any:
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(script), encoding="utf-8")
        return get_model("assay/scripted", script=str(path), memoize=False)

    return make


class Constructed:
    """The constructed design, handed to tests as a fixture (test modules cannot import conftest)."""

    AFTER = AFTER
    CONTROL_RATING = CONTROL_RATING
    before_rating = staticmethod(before_rating)
    control_before = staticmethod(control_before)
    argument = staticmethod(argument)
    target_script = staticmethod(target_script)
    rater_script = staticmethod(rater_script)


@pytest.fixture
def constructed() -> type[Constructed]:
    """The constructed ratings and scripts."""
    return Constructed
