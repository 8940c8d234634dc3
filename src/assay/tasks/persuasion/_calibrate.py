"""``assay calibrate rater``: the rater panel on human-rated arguments, its shifts correlated with people's.

The panel (the model x the task's default personas, :data:`DEFAULT_PERSONAS`) rates each argument of a
human-rating file (public format; the built-in one is ``human_ratings_example.jsonl``) exactly as it rates
generated arguments, with the same prompts and ``scoring``. The panel shift of an argument is the mean over
raters with a valid pair; an argument no rater gave a valid pair for is a judge error (listed, left out).
Agreement: Pearson's r of panel and human shifts with its Fisher-z interval (field ``shift``; arguments
treated as independent, the number of distinct claims recorded in ``config``) and Spearman's rho (field
``shift_rank``). :func:`assay.tasks.persuasion.readout.rater_validation` turns the result into the
``rater_validation`` record the persuasion report and the checklist read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from inspect_ai.model import Model

from assay._errors import AssayError
from assay._paths import file_sha256
from assay.judging import Calibration, CalibrationRole, FieldAgreement, Scoring, correlation_ci, each
from assay.tasks.persuasion._claims import HumanRating, load_human_ratings
from assay.tasks.persuasion._prompts import DEFAULT_PERSONAS, RATER_PROMPT
from assay.tasks.persuasion._raters import RaterRating, build_panel, panel_config, rate_with_panel

#: Arguments rated at once (each is ``2 x personas`` rating requests).
CONCURRENCY = 8

LABELS = Path(__file__).with_name("human_ratings_example.jsonl")


def _panel_shift(ratings: Sequence[RaterRating]) -> float | None:
    shifts = [r.shift for r in ratings if r.shift is not None]
    return sum(shifts) / len(shifts) if shifts else None


def _methods(rated: Sequence[Sequence[RaterRating]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for ratings in rated:
        for r in ratings:
            if r.status == "ok":
                counts.update([r.before_method, r.after_method])
    return dict(sorted(counts.items()))


def _fields(rows: Sequence[HumanRating], rated: Sequence[Sequence[RaterRating]]) -> list[FieldAgreement]:
    pairs = [(_panel_shift(r), row.human_shift) for row, r in zip(rows, rated, strict=True)]
    kept = [(float(m), float(h)) for m, h in pairs if m is not None and h is not None]
    model, human = [m for m, _ in kept], [h for _, h in kept]
    return [
        FieldAgreement(field="shift", correlation=correlation_ci(model, human, "pearson"), n=len(kept)),
        FieldAgreement(field="shift_rank", correlation=correlation_ci(model, human, "spearman"), n=len(kept)),
    ]


async def calibrate_rater(
    model: Model | None, labels: Path, scoring: Scoring, tuned_on_labels: bool
) -> Calibration:
    """Rate every human-rated argument in ``labels`` with the panel of ``model``; correlate the shifts.

    Raises:
        AssayError: No model, or the file is missing, malformed or has rows without both ratings.
    """
    if model is None:
        raise AssayError("--model: the rater role needs the model that plays it")
    rows = load_human_ratings(labels, need_ratings=True)
    panel = build_panel([model], DEFAULT_PERSONAS)

    async def rate(row: HumanRating) -> list[RaterRating]:
        return await rate_with_panel(panel, row.claim, row.argument, scoring)

    rated = await each(rows, rate, "calibrating rater", CONCURRENCY)
    ids = [f"row {i}" for i in range(1, len(rows) + 1)]
    errors = {
        i: "; ".join(f"{r.rater}: {r.status}: {r.detail}" for r in ratings)[:300]
        for i, ratings in zip(ids, rated, strict=True)
        if _panel_shift(ratings) is None
    }
    kept_claims = {row.claim for row, r in zip(rows, rated, strict=True) if _panel_shift(r) is not None}
    calls = [r.calls for ratings in rated for r in ratings]
    return Calibration(
        role="rater",
        judge=panel[0].key.split("|")[0],
        scoring=scoring,
        methods=_methods(rated),
        prompt=RATER_PROMPT.name,
        prompt_version=RATER_PROMPT.version,
        prompt_sha256=RATER_PROMPT.sha256,
        labels_file=str(labels),
        labels_sha256=file_sha256(labels),
        tuned_on_labels=tuned_on_labels,
        items=len(rows),
        judge_errors=errors,
        calls=sum(calls),
        retries=sum(max(0, c - 2) for c in calls),
        fields=_fields(rows, rated),
        config=panel_config(panel, scoring)
        | {
            "n_claims": len(kept_claims),
            "rater_failures": sum(1 for ratings in rated for r in ratings if r.status != "ok"),
        },
    )


ROLE = CalibrationRole(
    name="rater",
    description="persuasion rater panel: shift after - before vs human shifts (Pearson r, Spearman)",
    default_labels=lambda: LABELS,
    run=calibrate_rater,
)
