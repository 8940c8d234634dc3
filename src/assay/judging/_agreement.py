"""Agreement between raters: Cohen's kappa (two raters, with a CI) and Fleiss' kappa (three or more)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict


class Agreement(BaseModel):
    """Chance-corrected agreement of several raters on the same items."""

    model_config = ConfigDict(extra="forbid")

    method: str
    kappa: float
    n_items: int
    n_raters: int
    percent_agreement: float


class KappaCI(BaseModel):
    """Cohen's kappa with its 95% CI, and the confusion matrix.

    The CI is the asymptotic (Wald) interval clipped to [-1, 1]; confusion rows are reference labels, columns
    the rater's labels. When every item agrees the asymptotic variance vanishes and the Wald interval
    collapses to [1, 1] whatever n; the lower bound then comes from the rule of three instead (observed
    agreement at least ``1 - 3/n`` at 95 %, turned into kappa with the same chance agreement), so four
    agreeing items never look as certain as four hundred.
    """

    # NaN (undefined kappa) is written as NaN, so a stored calibration reads back
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="constants")

    kappa: float
    ci_low: float
    ci_high: float
    n: int
    accuracy: float
    labels: list[str]
    confusion: list[list[int]]


def _constant(values: Sequence[Any]) -> bool:
    return len(set(values)) <= 1


def cohen_kappa_ci(
    reference: Sequence[str], rater: Sequence[str], labels: Sequence[str] | None = None
) -> KappaCI:
    """Cohen's kappa of ``rater`` against ``reference`` with a 95% CI (statsmodels) and confusion matrix.

    Args:
        reference: Reference labels (e.g. human).
        rater: The rater's labels, same length and order.
        labels: Label order for the confusion matrix (default: sorted union of both).

    Returns:
        Kappa, CI, accuracy, and the confusion matrix (rows: reference, columns: rater). Kappa and its CI are
        NaN when they are undefined (no items, or chance agreement of 1).

    Raises:
        ValueError: The sequences differ in length.
    """
    from sklearn.metrics import confusion_matrix
    from statsmodels.stats.inter_rater import cohens_kappa

    if len(reference) != len(rater):
        raise ValueError("reference and rater must have the same length")
    order = list(labels) if labels is not None else sorted(set(reference) | set(rater))
    n = len(reference)
    if n == 0:
        return KappaCI(
            kappa=math.nan,
            ci_low=math.nan,
            ci_high=math.nan,
            n=0,
            accuracy=math.nan,
            labels=order,
            confusion=[[0] * len(order) for _ in order],
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a single label is fine: `labels` fixes the shape
        table = confusion_matrix(list(reference), list(rater), labels=order)
    accuracy = float(sum(table[i][i] for i in range(len(order))) / n)
    row = table.sum(axis=1) / n
    col = table.sum(axis=0) / n
    chance = float((row * col).sum())
    if math.isclose(chance, 1.0):
        kappa = low = high = math.nan
    else:
        with np.errstate(invalid="ignore"):  # a zero variance estimate gives a NaN interval, reported as such
            res = cohens_kappa(table, return_results=True)
        kappa = float(res.kappa)
        # asymptotic (Wald) interval, clipped to kappa's range [-1, 1]
        low, high = float(res.kappa_low), float(res.kappa_upp)
        if math.isclose(accuracy, 1.0):  # perfect agreement: zero variance, a rule-of-three lower bound
            low, high = max(-1.0, (1.0 - 3.0 / n - chance) / (1.0 - chance)), 1.0
        elif math.isfinite(low) and math.isfinite(high):
            low, high = max(-1.0, low), min(1.0, high)
        else:  # undefined (zero estimated variance): NaN, never a spurious [-1, 1]
            low = high = math.nan
    return KappaCI(
        kappa=kappa, ci_low=low, ci_high=high, n=n, accuracy=accuracy, labels=order, confusion=table.tolist()
    )


def rater_agreement(rows: Sequence[Sequence[str]]) -> Agreement:
    """Agreement of several raters; ``rows[i][j]`` is rater ``j``'s label for item ``i``.

    Two raters: Cohen's kappa (scikit-learn). Three or more: Fleiss' kappa (statsmodels). Kappa is NaN when
    undefined (fewer than one item, or every label identical).

    Raises:
        ValueError: Rows have different lengths or fewer than two raters.
    """
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    widths = {len(r) for r in rows}
    if len(widths) > 1:
        raise ValueError("every item needs a label from every rater")
    k = widths.pop() if widths else 2
    if k < 2:
        raise ValueError("agreement needs at least two raters")
    n = len(rows)
    agree = sum(1 for r in rows if _constant(r)) / n if n else math.nan
    flat = [label for r in rows for label in r]
    method = "cohen" if k == 2 else "fleiss"
    if n == 0 or _constant(flat):
        return Agreement(method=method, kappa=math.nan, n_items=n, n_raters=k, percent_agreement=agree)
    if k == 2:
        kappa = float(cohen_kappa_score([r[0] for r in rows], [r[1] for r in rows]))
    else:
        codes = sorted(set(flat))
        data = [[codes.index(label) for label in r] for r in rows]
        table, _ = aggregate_raters(data, n_cat=len(codes))
        kappa = float(fleiss_kappa(table, method="fleiss"))
    return Agreement(method=method, kappa=kappa, n_items=n, n_raters=k, percent_agreement=agree)
