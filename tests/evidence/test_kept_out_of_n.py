"""Empty replies and invalid actions are kept out of n in every rate and shown beside it, like errors."""

from __future__ import annotations

import pandas as pd
import pytest

from assay._errors import AssayError
from assay._outcome import BEHAVIOUR_OUTCOMES, NON_ANSWER_OUTCOMES, Outcome
from assay.evidence import ERROR_OUTCOMES, condition_rates, resolve_positive, summarize, validate_table

MIXED = ["empty", "empty", "invalid_action", "harmful", "benign"]


def _table(outcomes: list[str], condition: str = "c1") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "task": "t",
            "model": "m",
            "condition_id": condition,
            "sample_id": [f"{condition}-{i}" for i in range(len(outcomes))],
            "prompt_sha256": [f"{condition}-{i}" for i in range(len(outcomes))],
            "outcome": outcomes,
        }
    )


def test_one_rule_keeps_every_non_behaviour_outcome_out_of_n() -> None:
    for outcome in Outcome:
        assert (outcome.value in ERROR_OUTCOMES) == (outcome not in BEHAVIOUR_OUTCOMES)
    assert {o.value for o in NON_ANSWER_OUTCOMES} == {"empty", "invalid_action"} <= ERROR_OUTCOMES


def test_two_empty_one_invalid_one_harmful_one_benign_is_one_of_two() -> None:
    table = validate_table(_table(MIXED))
    assert resolve_positive(table) == ("harmful",)
    row = condition_rates(table, ["harmful"], ["task"]).iloc[0]
    assert (row["n"], row["k"], row["rate"], row["n_rows"], row["n_errors"]) == (2, 1, 0.5, 5, 3)
    assert (row["err_empty"], row["err_invalid_action"]) == (2, 1)
    s = summarize(table, ["harmful"])
    (overall,) = s.overall
    assert (overall.n, overall.k, overall.rate) == (2, 1, 0.5)
    assert overall.errors == {"empty": 2, "invalid_action": 1}
    assert overall.outcomes == {"empty": 2, "invalid_action": 1, "harmful": 1, "benign": 1}
    assert (s.n_rows, s.n_valid, s.n_errors) == (5, 2, 3)
    assert s.errors == {"empty": 2, "invalid_action": 1}


def test_an_all_empty_condition_has_no_rate() -> None:
    table = validate_table(pd.concat([_table(["empty", "empty"], "c0"), _table(["harmful", "benign"], "c1")]))
    s = summarize(table, resolve_positive(table))
    (c0,) = [c for c in s.conditions if c.condition == "c0"]
    assert (c0.n, c0.k, c0.errors) == (0, 0, {"empty": 2})
    assert c0.rate != c0.rate  # NaN: no valid sample, never 0 %


def test_a_kept_out_outcome_cannot_be_the_behaviour() -> None:
    with pytest.raises(AssayError, match="--positive empty: kept out of n"):
        resolve_positive(validate_table(_table(MIXED)), ["empty"])
