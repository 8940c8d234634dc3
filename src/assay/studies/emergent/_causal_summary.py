"""The causal test's figures: each intervention's change against the random directions', and its power.

The declared direction's change on a model is deterministic, so what limits the test is the random
directions' spread: a change is detectable when it beats the random directions at p <= 0.05, and on the
share metrics changes come in steps of one item (``1 / n_items``). :func:`detectable_change` is the smallest
such change, the causal test's counterpart of a minimum detectable effect.
"""

from __future__ import annotations

import numpy as np

from assay.studies.emergent._causal import random_p
from assay.studies.emergent._figures import CausalSummary, RandomComparison
from assay.studies.emergent._results import CAUSAL_METRICS, CausalResult

ALPHA = 0.05
SHARE_METRICS = {"misaligned_share": "n_items", "capability_accuracy": "n_capability"}


def detectable_change(random: np.ndarray, step: float | None) -> float | None:
    """Smallest |change| beating the random directions at ``ALPHA`` (a multiple of ``step`` when given).

    ``None`` when even a change larger than every random one would not reach ``ALPHA`` (too few random
    directions).
    """
    size = np.sort(np.abs(random))
    if 1 / (1 + len(size)) > ALPHA:
        return None
    # p(x) = (1 + #{|r| >= x}) / (1 + N) <= ALPHA  <=>  #{|r| >= x} <= k_max
    k_max = int(np.floor(ALPHA * (1 + len(size)) - 1 + 1e-9))
    bound = float(size[len(size) - k_max - 1])  # x must exceed this random |change|
    if step is None:
        return float(np.nextafter(bound, np.inf))
    return float((np.floor(bound / step + 1e-9) + 1) * step)


def causal_summary(causal: CausalResult) -> dict[str, CausalSummary]:
    """Per intervention and metric: the target change, the random changes' quantiles, p, detectable change."""
    out: dict[str, CausalSummary] = {}
    for kind, c in causal.items():
        metrics: dict[str, RandomComparison] = {}
        for m in CAUSAL_METRICS:
            t = float(getattr(c.target, m))
            r = np.asarray(c.random_values(m))
            n = getattr(c, SHARE_METRICS[m]) if m in SHARE_METRICS else None
            metrics[m] = RandomComparison(
                target=t,
                random_median=float(np.median(r)),
                random_lo=float(np.percentile(r, 2.5)),
                random_hi=float(np.percentile(r, 97.5)),
                random_max_abs=float(np.abs(r).max()),
                p_random=random_p(t, list(r)),
                n_random=len(r),
                detectable=detectable_change(r, 1 / n if n else None),
            )
        out[kind] = CausalSummary(
            before=c.before, norm=c.norm, layer=c.layer, model=c.model, n_items=c.n_items, metrics=metrics
        )
    return out
