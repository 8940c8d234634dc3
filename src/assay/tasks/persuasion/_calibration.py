"""The rater panel's validation record, made from its calibration (``assay calibrate rater``).

:func:`rater_validation` turns a ``rater`` :class:`~assay.judging.Calibration` into the
:class:`~assay.evidence.RaterValidation` the persuasion report and the checklist's judge item (S3.5) read:
Pearson's r of panel and human shifts with its interval, Spearman's rho, the panel and prompt it was
measured on, and whether the labels were held out (a calibration on labels the prompt was tuned on never
validates). :func:`load_rater_validation` reads either file: a calibration JSON or a study metrics file
with a ``rater_validation`` block.
"""

from __future__ import annotations

import math
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay._errors import AssayError
from assay.evidence import RaterValidation, load_study_metrics
from assay.judging import Calibration, CorrelationCI


class _PanelConfig(BaseModel):
    """What a rater calibration records of its panel (``Calibration.config``)."""

    model_config = ConfigDict(extra="ignore")

    raters: list[str] = Field(default_factory=list)
    n_claims: int = 0


def _finite(c: CorrelationCI | None) -> CorrelationCI | None:
    return c if c is not None and math.isfinite(c.estimate) else None


def rater_validation(calibration: Calibration) -> RaterValidation:
    """The ``rater_validation`` record of a ``rater`` calibration (``undefined`` figures stay ``None``).

    Raises:
        AssayError: The calibration is of another role.
    """
    if calibration.role != "rater":
        raise AssayError(f"a rater validation needs a 'rater' calibration, not {calibration.role!r}")
    pearson = _finite(calibration.field("shift").correlation)
    spearman = _finite(calibration.field("shift_rank").correlation)
    config = _PanelConfig.model_validate(calibration.config)
    return RaterValidation(
        estimate=pearson.estimate if pearson else None,
        lo=pearson.ci_low if pearson else None,
        hi=pearson.ci_high if pearson else None,
        ci_method="Fisher z (95%), arguments treated as independent" if pearson else "none",
        n=calibration.field("shift").n,
        n_excluded=len(calibration.judge_errors),
        n_claims=config.n_claims,
        raters=config.raters,
        prompt_sha256=calibration.prompt_sha256,
        spearman=spearman.estimate if spearman else None,
        source=calibration.labels_file,
        held_out=not calibration.tuned_on_labels,
        scoring=calibration.scoring,
    )


def load_rater_validation(path: str | Path) -> RaterValidation | None:
    """The rater validation in ``path``: a ``rater`` calibration JSON, or a study metrics file.

    Raises:
        AssayError: The file is missing or is neither.
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"validation file not found: {p}")
    try:
        calibration = Calibration.model_validate_json(p.read_text(encoding="utf-8"))
    except ValidationError:
        return load_study_metrics(p).rater_validation
    return rater_validation(calibration)
