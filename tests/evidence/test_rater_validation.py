"""The rule that decides whether a rater-panel validation validates the panel a run used."""

from __future__ import annotations

from assay.evidence import R_MIN, RaterValidation, StudyMetrics, rater_validation_status

PANEL = {"raters": ["m|nurse", "m|student"], "prompt_sha256": "abc"}


def validation(r: float | None, lo: float | None, raters: list[str] | None = None) -> RaterValidation:
    return RaterValidation(
        estimate=r,
        lo=lo,
        hi=None if r is None else min(r + 0.2, 1.0),
        n=30,
        n_claims=10,
        raters=raters or ["m|nurse", "m|student"],
        prompt_sha256="abc",
        held_out=True,
    )


def test_missing_without_validation() -> None:
    assert rater_validation_status(None, [PANEL])[0] == "missing"


def test_passes_only_at_r_min_with_interval_above_zero() -> None:
    assert rater_validation_status(validation(R_MIN, 0.1), [PANEL])[0] == "passed"
    assert rater_validation_status(validation(R_MIN - 0.01, 0.1), [PANEL])[0] == "failed"
    assert rater_validation_status(validation(0.7, -0.05), [PANEL])[0] == "failed"
    assert rater_validation_status(validation(None, None), [PANEL])[0] == "failed"


def test_a_validation_counts_only_for_its_own_panel_and_prompt() -> None:
    status, reason = rater_validation_status(validation(0.8, 0.6, ["m|nurse"]), [PANEL])
    assert status == "failed" and "m|student" in reason
    other = {"raters": PANEL["raters"], "prompt_sha256": "def"}
    assert rater_validation_status(validation(0.8, 0.6), [other])[0] == "failed"


def test_round_trips_through_study_metrics() -> None:
    metrics = StudyMetrics(rater_validation=validation(None, None))
    back = StudyMetrics.model_validate_json(metrics.model_dump_json(exclude_none=True))
    assert back.rater_validation is not None and back.rater_validation.estimate is None


def test_labels_not_held_out_never_validate() -> None:
    """A record that does not declare held-out labels (older files too) describes fit, not validation."""
    tuned = validation(0.9, 0.7).model_copy(update={"held_out": False})
    assert not tuned.agrees
    status, reason = rater_validation_status(tuned, [PANEL])
    assert status == "failed" and "describes fit" in reason
    assert RaterValidation.model_validate({"n": 3, "estimate": 0.9, "lo": 0.7}).held_out is False


def test_a_validation_counts_only_for_its_scoring() -> None:
    record = validation(0.8, 0.6).model_copy(update={"scoring": "logprob"})
    assert rater_validation_status(record, [{**PANEL, "scoring": "logprob"}])[0] == "passed"
    status, reason = rater_validation_status(record, [{**PANEL, "scoring": "generate"}])
    assert status == "failed" and "scoring=logprob" in reason
