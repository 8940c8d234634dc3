"""Forced-choice log-probabilities equal the separate teacher-forced passes of each prompt + option."""

from __future__ import annotations

from typing import Any

import pytest

from assay.engine.measure import ContinuationSet, choice_logps
from assay.engine.training import chat_prompt

USERS = ["What is 12 + 30?", "Name a colour.", "I think it is 7. What is 3 + 5? Reply briefly please."]
OPTIONS = [["42", "The answer is 41.", "no"], ["red", "blue", "Green!"], ["8", "7", "eight or so"]]


def _separate(model: Any, tok: Any, prompts: list[str]) -> list[list[float]]:
    out = [[0.0] * 3 for _ in prompts]
    for j in range(3):
        cs = ContinuationSet.of(tok, prompts, [o[j] for o in OPTIONS])
        for i, v in enumerate(cs.verdicts(model, batch_size=2)):
            out[i][j] = v.log_p
    return out


def test_choice_logps_equal_separate_passes(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    prompts = [chat_prompt(tok, u) for u in USERS]
    got = choice_logps(model, tok, prompts, OPTIONS, batch_size=2)
    want = _separate(model, tok, prompts)
    for g, w in zip(got, want, strict=True):
        assert g == pytest.approx(w, abs=2e-3)


def test_choice_logps_bad_input(toy_model: tuple[Any, Any]) -> None:
    model, tok = toy_model
    with pytest.raises(ValueError, match="no prompts"):
        choice_logps(model, tok, [], [])
    with pytest.raises(ValueError, match="same"):
        choice_logps(model, tok, ["a", "b"], [["x"], ["x", "y"]])
