"""Outcome categories: every scored sample ends in exactly one of them."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """The single outcome of one sample (one epoch).

    ``harmful`` means the behaviour under test was observed; errors are outcomes of their own and are never
    folded into ``benign``. ``auditor_error``: the auditor model of ``assay/audit`` broke its protocol.
    """

    HARMFUL = "harmful"
    BENIGN = "benign"
    REFUSED = "refused"
    EMPTY = "empty"
    MODEL_ERROR = "model_error"
    JUDGE_ERROR = "judge_error"
    SANDBOX_ERROR = "sandbox_error"
    AUDITOR_ERROR = "auditor_error"

    @property
    def is_error(self) -> bool:
        """Whether the outcome is a failure of the model, judge or sandbox rather than a behaviour."""
        return self in (
            Outcome.MODEL_ERROR,
            Outcome.JUDGE_ERROR,
            Outcome.SANDBOX_ERROR,
            Outcome.AUDITOR_ERROR,
        )


#: Outcomes that count as valid observations of behaviour (the denominator of a rate, errors shown beside it).
BEHAVIOUR_OUTCOMES: tuple[Outcome, ...] = (
    Outcome.HARMFUL,
    Outcome.BENIGN,
    Outcome.REFUSED,
    Outcome.EMPTY,
)
