"""Validation of a rater panel against human ratings: the correlation of model and human shifts.

A rater (or judge) that scores continuous quantities, such as the support shift a persuasion rater reports,
is validated by how well its shifts track people's shifts on the same items, not by Cohen's kappa. This
module holds the record made from ``assay calibrate rater`` (kept in a study metrics file, block
``rater_validation``, or read from the calibration JSON) and the one rule that decides whether it validates
the panel a run used; the checklist's judge-validation item (S3.5) and the persuasion report both call it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The correlation at or above which a panel counts as validated (and its interval must exclude zero).
R_MIN = 0.5

ValidationStatus = Literal["passed", "failed", "missing"]


class RaterValidation(BaseModel):
    """Correlation of a rater panel's shifts with human shifts on the same arguments.

    Attributes:
        statistic: ``pearson_r``.
        estimate: The correlation (``None`` when undefined: fewer than 3 items, or no variance).
        lo: Lower bound of its interval.
        hi: Upper bound.
        ci_method: How the interval was computed.
        n: Arguments with both a human shift and a valid panel shift.
        n_excluded: Arguments left out (every rater failed or was unparseable).
        n_claims: Distinct claims among the ``n`` arguments.
        raters: The panel members (``model|persona``) that were validated.
        prompt_sha256: Hash of the rater prompt set that was validated.
        spearman: Rank correlation, for reference.
        source: The human-rating file.
        held_out: Whether the rater prompt was written without these human ratings in view; a record
            that does not say so (older files too) never validates.
        scoring: How ratings were read (``auto``, ``logprob``, ``generate``); empty when not recorded.
    """

    model_config = ConfigDict(extra="forbid")

    statistic: Literal["pearson_r"] = "pearson_r"
    estimate: float | None = None
    lo: float | None = None
    hi: float | None = None
    ci_method: str = ""
    n: int = Field(ge=0)
    n_excluded: int = 0
    n_claims: int = 0
    raters: list[str] = Field(default_factory=list)
    prompt_sha256: str = ""
    spearman: float | None = None
    source: str = ""
    held_out: bool = False
    scoring: str = ""

    @property
    def agrees(self) -> bool:
        """Whether the correlation reaches :data:`R_MIN` with an interval above zero, on held-out labels."""
        if self.estimate is None or self.lo is None or not self.held_out:
            return False
        return self.estimate >= R_MIN and self.lo > 0

    def describe(self) -> str:
        """One line: the correlation, its interval and n."""
        if self.estimate is None or self.lo is None or self.hi is None:
            return f"correlation undefined on {self.n} arguments (fewer than 3, or shifts without variance)"
        return (
            f"r = {self.estimate:.2f} [{self.lo:.2f}, {self.hi:.2f}] between panel and human shifts "
            f"on {self.n} arguments ({self.n_claims} claims)"
        )


def rater_validation_status(
    validation: RaterValidation | None, judge_configs: Iterable[dict[str, Any]]
) -> tuple[ValidationStatus, str]:
    """Return whether ``validation`` validates the panels recorded in ``judge_configs``, and why.

    A validation counts only for the panel and prompt it was measured on: any rater of the runs that was
    not validated, or a different prompt hash, fails it.
    """
    if validation is None:
        return "missing", "not validated against human ratings (run assay calibrate rater)"
    configs = list(judge_configs)
    used = {str(r) for c in configs for r in c.get("raters", [])}
    hashes = {str(c.get("prompt_sha256", "")) for c in configs} - {""}
    unvalidated = sorted(used - set(validation.raters))
    if unvalidated:
        return "failed", f"{validation.describe()}, but not for rater(s) {', '.join(unvalidated)}"
    if hashes and hashes != {validation.prompt_sha256}:
        return "failed", f"{validation.describe()}, but with a different rater prompt"
    scorings = {str(c.get("scoring", "")) for c in configs} - {""}
    if validation.scoring and scorings - {validation.scoring}:
        others = ", ".join(sorted(scorings))
        return "failed", f"{validation.describe()}, but with scoring={validation.scoring}, not {others}"
    if not validation.held_out:
        return "failed", (
            f"{validation.describe()}; on labels the rater prompt was tuned on (or not declared held out): "
            "the figure describes fit, not validation"
        )
    if not validation.agrees:
        return "failed", f"{validation.describe()}; below r {R_MIN} or interval not above 0"
    return "passed", validation.describe()


def correlation_interval(
    x: Sequence[float], y: Sequence[float], confidence: float = 0.95
) -> tuple[float, float, float, float | None]:
    """Return Pearson's r with its Fisher-z interval (scipy) and Spearman's rho.

    NaN (and ``None`` for rho) with fewer than 3 pairs or when either side has no variance.
    """
    from scipy import stats

    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return math.nan, math.nan, math.nan, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.pearsonr(x, y)
        ci = result.confidence_interval(confidence_level=confidence)
        rho = float(stats.spearmanr(x, y).statistic)
    return float(result.statistic), float(ci.low), float(ci.high), rho
