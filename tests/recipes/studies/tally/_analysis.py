"""The tally study's statistic: how often the answer says "yes", with its Wilson interval."""

from __future__ import annotations

import re

from assay.studies.tally._results import Answers

from assay.evidence import Rate, binomial_rate


def says_yes(answer: str) -> bool:
    """Whether the answer contains the word "yes" (any case)."""
    return re.search(r"\byes\b", answer, re.IGNORECASE) is not None


def yes_rate(result: Answers) -> Rate:
    """The share of answers that say "yes"."""
    return binomial_rate(sum(says_yes(a) for a in result.answers), len(result.answers))
