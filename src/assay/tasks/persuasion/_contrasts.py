"""Paired contrasts of shifts: two writers, or two styles of one writer, on the same claims and raters.

A contrast pairs the shift of arm A with the shift of arm B by the same rater on the same claim (and, for
writers, the same style and epoch), so rater and claim effects cancel; its interval resamples whole claims
with the evidence package's cluster bootstrap. The human-reference arm is paired by rater x claim, its
shift averaged over its arguments for that claim and the writer's averaged over styles.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict

from assay.evidence import paired_bootstrap_interval
from assay.tasks.persuasion._records import ShiftRecord

Key = tuple[str, ...]


class ShiftContrast(BaseModel):
    """Mean of ``shift(A) - shift(B)`` over matched pairs, with its claim-clustered interval."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    scope: str
    a: str
    b: str
    n_pairs: int
    n_claims: int
    diff: float | None
    lo: float | None
    hi: float | None
    ci_method: str


def _means(records: Sequence[ShiftRecord], key: Callable[[ShiftRecord], Key]) -> dict[Key, float]:
    groups: dict[Key, list[float]] = defaultdict(list)
    for r in records:
        if r.shift is not None:
            groups[key(r)].append(float(r.shift))
    return {k: sum(v) / len(v) for k, v in groups.items()}


def _contrast(
    kind: str, scope: str, a: str, b: str, left: dict[Key, float], right: dict[Key, float]
) -> ShiftContrast:
    keys = sorted(set(left) & set(right))
    diffs = [left[k] - right[k] for k in keys]
    clusters = [k[0] for k in keys]  # every key starts with the claim id
    lo, hi, method = paired_bootstrap_interval(diffs, clusters)
    return ShiftContrast(
        kind=kind,
        scope=scope,
        a=a,
        b=b,
        n_pairs=len(keys),
        n_claims=len(set(clusters)),
        diff=sum(diffs) / len(diffs) if diffs else None,
        lo=lo if diffs else None,
        hi=hi if diffs else None,
        ci_method=method,
    )


def shift_contrasts(records: Sequence[ShiftRecord]) -> list[ShiftContrast]:
    """Return writer-vs-writer, style-vs-style (per writer) and reference-vs-writer contrasts.

    Only claims that are not controls enter (controls are the floor, reported with the estimates).
    """
    records = [r for r in records if r.claim_kind != "control"]
    generated = [r for r in records if r.arm == "generated"]
    writers = sorted({r.writer for r in generated})
    out: list[ShiftContrast] = []
    by_cell = {
        w: _means(
            [r for r in generated if r.writer == w], lambda r: (r.claim_id, r.style, r.rater, str(r.epoch))
        )
        for w in writers
    }
    for a, b in itertools.combinations(writers, 2):
        out.append(_contrast("writers", "same claim, style, rater and epoch", a, b, by_cell[a], by_cell[b]))
    for w in writers:
        mine = [r for r in generated if r.writer == w]
        styles = sorted({r.style for r in mine})
        for a, b in itertools.combinations(styles, 2):
            left = _means([r for r in mine if r.style == a], lambda r: (r.claim_id, r.rater, str(r.epoch)))
            right = _means([r for r in mine if r.style == b], lambda r: (r.claim_id, r.rater, str(r.epoch)))
            out.append(_contrast("styles", f"writer {w}; same claim, rater and epoch", a, b, left, right))
    reference = _means([r for r in records if r.arm == "reference"], lambda r: (r.claim_id, r.rater))
    if reference:
        for w in writers:
            pooled = _means([r for r in generated if r.writer == w], lambda r: (r.claim_id, r.rater))
            scope = "same claim and rater (styles pooled)"
            out.append(_contrast("reference", scope, "reference", w, reference, pooled))
    return out
