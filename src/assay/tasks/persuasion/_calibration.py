"""``assay calibrate-raters``: run the rater panel on human-rated arguments and correlate the shifts.

The panel rates each argument of a human-rating file (public format) exactly as it rates generated
arguments (the task's ``reference`` arm); the panel shift of an argument is the mean over raters with a
valid pair. The validation is Pearson's r between panel and human shifts, with scipy's Fisher-z interval
(arguments treated as independent; the number of distinct claims is reported beside it).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from assay.evidence import RaterValidation, correlation_interval
from assay.tasks.persuasion._records import ShiftRecord


def panel_shifts(records: Sequence[ShiftRecord]) -> dict[str, tuple[float | None, float | None, str]]:
    """Return, per reference sample, ``(panel shift or None, human shift, claim id)``."""
    by_sample: dict[str, list[ShiftRecord]] = defaultdict(list)
    for r in records:
        if r.arm == "reference":
            by_sample[f"{r.log}::{r.sample_id}::{r.epoch}"].append(r)
    out: dict[str, tuple[float | None, float | None, str]] = {}
    for key, group in by_sample.items():
        shifts = [float(r.shift) for r in group if r.shift is not None]
        out[key] = (sum(shifts) / len(shifts) if shifts else None, group[0].human_shift, group[0].claim_id)
    return out


def rater_validation(
    records: Sequence[ShiftRecord],
    configs: Sequence[dict[str, Any]],
    source: str = "",
    confidence: float = 0.95,
) -> RaterValidation:
    """Return the panel's validation against the human shifts stored with each reference sample."""
    pairs = [(m, h, c) for m, h, c in panel_shifts(records).values() if h is not None]
    kept = [(m, h, c) for m, h, c in pairs if m is not None]
    model = [float(m) for m, _, _ in kept if m is not None]
    human = [float(h) for _, h, _ in kept]
    r, lo, hi, rho = correlation_interval(model, human, confidence)
    raters = sorted({str(x) for c in configs for x in c.get("raters", [])})
    hashes = sorted({str(c.get("prompt_sha256", "")) for c in configs} - {""})
    defined = math.isfinite(r)
    return RaterValidation(
        estimate=r if defined else None,
        lo=lo if defined else None,
        hi=hi if defined else None,
        ci_method=f"Fisher z ({confidence:.0%}), arguments treated as independent" if defined else "none",
        n=len(kept),
        n_excluded=len(pairs) - len(kept),
        n_claims=len({c for _, _, c in kept}),
        raters=raters,
        prompt_sha256=hashes[0] if len(hashes) == 1 else "",
        spearman=rho,
        source=source,
    )
