"""The tally study's typed stage result."""

from __future__ import annotations

from assay._strict import Strict


class Answers(Strict):
    """The model's greedy answers, one per question, in question order."""

    questions: list[str]
    answers: list[str]
