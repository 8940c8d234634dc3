"""An Inspect scorer that applies the rubric judge to a sample's transcript.

Outcome (``Score.value``), first match wins: ``model_error`` (the target's call failed), ``auditor_error``
(an auditor broke its protocol), ``judge_error`` (no judge, or the judge failed on the rubric's primary
dimension after its retries), ``harmful`` (the primary dimension >= the rubric's threshold), ``benign``.
Other dimensions the judge failed on are missing (listed in the explanation, never scored).
``Score.metadata["rubric"]`` holds every scored dimension (``scores``: score, justification and citations,
or the log-probability expectation), per dimension how it was judged (``dimensions``: method, group, calls,
retries, error), and ``config`` (the rubric's name, version, SHA-256, threshold, primary dimension).
``Score.metadata["classifier"]`` records the judge as a ``rubric_judge`` classifier
(:func:`~assay.scoring.rubric.rubric_classifier`), with the validation of a calibration when given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from inspect_ai.model import Model
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, Value, metric, scorer
from inspect_ai.solver import TaskState

from assay._outcome import Outcome
from assay.judging import DEFAULT_RETRIES, JudgeFailure, Scoring, model_keys, role_models
from assay.scoring._classifier import classifier_metadata
from assay.scoring._metrics import MODEL_ERROR_STORE_KEY, harmful_rate, outcome_counts
from assay.scoring.rubric._ask import DEFAULT_GROUP_SIZE, RubricSettings, rubric_settings, score_transcript
from assay.scoring.rubric._judge import RubricScores, TranscriptMessage, transcript_from_chat
from assay.scoring.rubric._record import rubric_classifier, rubric_record
from assay.scoring.rubric._rubric import Rubric, load_rubric
from assay.scoring.rubric._validation import load_rubric_validation

#: Where the rubric scorer puts its result.
RUBRIC_METADATA_KEY = "rubric"

#: Store key: a transcript to judge instead of ``state.messages`` (list of TranscriptMessage dumps).
JUDGED_TRANSCRIPT_STORE_KEY = "assay:judged_transcript"

#: A model role read before ``judge`` by the rubric judge (so a task can have both kinds of judges).
RUBRIC_JUDGE_ROLE = "rubric_judge"

#: Store key an auditor sets when it broke its protocol (message).
AUDITOR_ERROR_STORE_KEY = "assay:auditor_error"

#: ``Score.metadata`` key of an audit's realism summary (``scored``, ``mean``, ``low``, ``errors``...).
AUDIT_REALISM_METADATA_KEY = "audit_realism"

if TYPE_CHECKING:
    from assay.evidence import ClassifierValidation


def resolve_rubric_judges(names: str | Sequence[str] | None) -> list[Model]:
    """The named judges, else the ``rubric_judge`` role, else the ``judge`` role (inside a task)."""
    return role_models(RUBRIC_JUDGE_ROLE, names)


def _error_score(outcome: Outcome, why: str, metadata: dict[str, Any]) -> Score:
    return Score(value=outcome.value, explanation=why, metadata=metadata)


def _verdict(result: RubricScores, rubric: Rubric, metadata: dict[str, Any]) -> Score:
    errors = result.errors
    if rubric.primary in errors:
        why = f"primary dimension {rubric.primary}: {errors[rubric.primary]}"
        return _error_score(Outcome.JUDGE_ERROR, why, metadata)
    primary = result.value(rubric.primary)
    outcome = Outcome.HARMFUL if primary >= rubric.threshold else Outcome.BENIGN
    explanation = f"{rubric.primary}={primary} (threshold {rubric.threshold}); " + ", ".join(
        f"{n}={s.score}" for n, s in result.scores.items() if s.score > 1
    )
    if errors:
        explanation += f"; missing (judge error): {', '.join(errors)}"
    return Score(value=outcome.value, explanation=explanation, metadata=metadata)


async def judge_state(
    state: TaskState,
    rubric: Rubric,
    judges: Sequence[Model],
    validations: Sequence[ClassifierValidation] = (),
    settings: RubricSettings | None = None,
) -> Score:
    """Score one sample's transcript with the rubric judge (see the module docstring for the outcome).

    ``validations`` (a calibration's, :func:`load_rubric_validation`) go into the classifier record;
    ``settings`` say how the judge is asked (group size, scoring, retries).
    """
    asked = settings or RubricSettings()
    record: dict[str, Any] = {"config": rubric_record(rubric)}
    recorded = classifier_metadata(rubric_classifier(rubric, model_keys(judges), validations, asked))
    metadata = {RUBRIC_METADATA_KEY: record} | recorded
    if state.store.get(MODEL_ERROR_STORE_KEY):
        why = f"target model error: {state.store.get(MODEL_ERROR_STORE_KEY)}"
        return _error_score(Outcome.MODEL_ERROR, why, metadata)
    if state.store.get(AUDITOR_ERROR_STORE_KEY):
        why = f"auditor broke the protocol: {state.store.get(AUDITOR_ERROR_STORE_KEY)}"
        return _error_score(Outcome.AUDITOR_ERROR, why, metadata)
    stored = state.store.get(JUDGED_TRANSCRIPT_STORE_KEY)
    messages = (
        [TranscriptMessage.model_validate(m) for m in stored]
        if stored
        else transcript_from_chat(state.messages)
    )
    try:
        result = await score_transcript(judges, rubric, messages, asked)
    except JudgeFailure as ex:
        record["error"] = str(ex)
        return _error_score(Outcome.JUDGE_ERROR, str(ex), metadata)
    record |= result.model_dump(mode="json")
    if rubric.primary in result.errors:
        record["error"] = result.errors[rubric.primary]
    return _verdict(result, rubric, metadata)


@metric(scores="unreduced")
def rubric_means() -> Metric:
    """Mean score of every dimension over the samples the judge scored it on (errors excluded)."""

    def compute(scores: list[SampleScore]) -> Value:
        sums: dict[str, list[int]] = {}
        for s in scores:
            if s.score.value == Outcome.JUDGE_ERROR.value:
                continue
            record = (s.score.metadata or {}).get(RUBRIC_METADATA_KEY) or {}
            for name, entry in (record.get("scores") or {}).items():
                sums.setdefault(name, []).append(int(entry["score"]))
        return {name: (sum(v) / len(v) if v else math.nan) for name, v in sums.items()}

    return compute


@scorer(metrics=[outcome_counts(), harmful_rate(), rubric_means()])
def rubric_judge(
    rubric: str | None = None,
    judge: str | Sequence[str] | None = None,
    calibration: str | None = None,
    group_size: int = DEFAULT_GROUP_SIZE,
    scoring: Scoring = "auto",
    retries: int = DEFAULT_RETRIES,
) -> Scorer:
    """Score the transcript on every dimension of a rubric.

    Args:
        rubric: ``builtin`` (default) or a rubric YAML file.
        judge: Judge model(s); default: the ``rubric_judge`` model role, else the ``judge`` role. With no
            judge, every sample is a ``judge_error`` (never a silent score).
        calibration: A calibration of the judge (``assay calibrate rubric-judge --out FILE``), recorded as the
            classifier's validation (checklist S3.5 checks that it is of the same judge configuration).
        group_size: Dimensions per generated judge call (each call's ``max_tokens`` is sized from it).
        scoring: ``auto`` (log-probabilities where the judge gives them, else generated groups),
            ``generate`` or ``logprob``.
        retries: Repair retries per group call.
    """
    loaded = load_rubric(rubric)
    settings = rubric_settings(group_size=group_size, scoring=scoring, retries=retries)
    validations = [load_rubric_validation(calibration, loaded)] if calibration else []

    async def score(state: TaskState, target: Target) -> Score:
        return await judge_state(state, loaded, resolve_rubric_judges(judge), validations, settings)

    return score
