"""Intervention records: the counts behind a causal claim, written by the engine and checked when read.

An L3 claim rests on a targeted intervention that moves the behaviour more than random interventions of
the same norm. A number typed into a metrics file proves nothing, so the checklist (S4.2) accepts an
intervention only when it carries an :class:`InterventionRecord` that :func:`record_intervention` wrote:

* the raw counts (``k`` of ``n``) of the behaviour without the intervention, with it, and under every
  random direction, and of the off-target behaviour the same way;
* a SHA-256 of those counts together with the deltas derived from them.

:func:`verify_intervention` re-derives every delta from the counts, re-computes the hash, and checks the
sizes (every arm non-empty, random arms the same size as the targeted one, enough random directions for
the random-baseline test to reach ``alpha``). A hand-edited delta, a random baseline without counts, or a
file whose numbers were changed after it was written fails with the reason. (A forger who recomputes the
hash can still fool it; the record guards against numbers typed by hand, not against fraud.)
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime
from typing import Literal

from assay.evidence._metrics import PRODUCER, Count, Estimate, Intervention, InterventionRecord

#: Significance level of the random-direction baseline (S4.5).
RANDOM_ALPHA = 0.05
#: Fewest random directions with which p = (1 + as large) / (1 + R) can reach RANDOM_ALPHA.
MIN_RANDOM = math.ceil(1 / RANDOM_ALPHA) - 1


def _rate(c: Count) -> float:
    return c.k / c.n if c.n else math.nan


def _delta(after: Count, before: Count) -> Estimate:
    """Difference of two proportions with Newcombe's hybrid-score 95 % interval."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    if not after.n or not before.n:
        return Estimate(estimate=math.nan)
    lo, hi = confint_proportions_2indep(
        after.k, after.n, before.k, before.n, method="newcomb", compare="diff"
    )
    return Estimate(estimate=_rate(after) - _rate(before), lo=float(lo), hi=float(hi))


def _digest(iv: Intervention) -> str:
    payload = iv.model_dump(mode="json", exclude={"declared_at", "performed_at"})
    payload["record"]["sha256"] = ""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def record_intervention(
    name: str,
    *,
    baseline: Count,
    treated: Count,
    random: list[Count],
    declared_direction: Literal["increase", "decrease"],
    kind: Literal["steer", "ablate", "patch", "other"] = "steer",
    target_metric: str = "",
    off_target_metric: str | None = None,
    off_target_baseline: Count | None = None,
    off_target_treated: Count | None = None,
    random_off_target: list[Count] | None = None,
    norm: float | None = None,
    declared_at: datetime | None = None,
    performed_at: datetime | None = None,
) -> Intervention:
    """Build an :class:`~assay.evidence.Intervention` from raw counts, with its hashed record.

    Args:
        name: Identifier, referenced by the claim's predictions.
        baseline: The behaviour without the intervention (``k`` of ``n``).
        treated: The behaviour with the targeted intervention, on the same prompts.
        random: The behaviour under each random intervention of the same norm.
        declared_direction: Direction declared before the run.
        kind: ``steer``, ``ablate``, ``patch`` or ``other``.
        target_metric: What the counts measure.
        off_target_metric: A behaviour the intervention should not move (e.g. capability).
        off_target_baseline: That behaviour without the intervention.
        off_target_treated: That behaviour with the targeted intervention.
        random_off_target: That behaviour under each random intervention (same order as ``random``).
        norm: Norm of the intervention and of the random ones.
        declared_at: When the direction was declared.
        performed_at: When the intervention ran.
    """
    off = None
    if off_target_baseline is not None and off_target_treated is not None:
        off = _delta(off_target_treated, off_target_baseline)
    iv = Intervention(
        name=name,
        kind=kind,
        target_metric=target_metric,
        declared_direction=declared_direction,
        declared_at=declared_at,
        performed_at=performed_at,
        target_delta=_delta(treated, baseline),
        random_deltas=[_rate(r) - _rate(baseline) for r in random],
        norm=norm,
        off_target_metric=off_target_metric,
        off_target_delta=off,
        record=InterventionRecord(
            baseline=baseline,
            treated=treated,
            random=list(random),
            off_target_baseline=off_target_baseline,
            off_target_treated=off_target_treated,
            random_off_target=list(random_off_target or []),
        ),
    )
    assert iv.record is not None
    iv.record.sha256 = _digest(iv)
    return iv


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))


def verify_intervention(iv: Intervention) -> list[str]:
    """Return what is wrong with an intervention's record (empty when the engine wrote it, intact)."""
    rec = iv.record
    if rec is None:
        return ["no engine record (typed-in deltas without the counts they came from cannot support L3)"]
    problems: list[str] = []
    if rec.producer != PRODUCER:
        problems.append(f"record producer {rec.producer!r} is not {PRODUCER}")
    if rec.sha256 != _digest(iv):
        problems.append("record hash does not match its contents (numbers changed after it was written)")
    if not rec.baseline.n or not rec.treated.n:
        problems.append("an arm has no samples")
    if len(rec.random) < MIN_RANDOM:
        problems.append(
            f"{len(rec.random)} random interventions; p <= {RANDOM_ALPHA} needs at least {MIN_RANDOM}"
        )
    if any(r.n != rec.treated.n for r in rec.random):
        problems.append(f"random arms differ in size from the targeted arm (n = {rec.treated.n})")
    if not _close(iv.target_delta.estimate, _rate(rec.treated) - _rate(rec.baseline)):
        problems.append("target delta does not follow from the recorded counts")
    derived = [_rate(r) - _rate(rec.baseline) for r in rec.random]
    if len(derived) != len(iv.random_deltas) or not all(
        _close(a, b) for a, b in zip(derived, iv.random_deltas, strict=False)
    ):
        problems.append("random deltas do not follow from the recorded counts")
    if iv.off_target_delta is not None:
        if rec.off_target_baseline is None or rec.off_target_treated is None:
            problems.append("off-target delta has no recorded counts")
        elif not _close(
            iv.off_target_delta.estimate, _rate(rec.off_target_treated) - _rate(rec.off_target_baseline)
        ):
            problems.append("off-target delta does not follow from the recorded counts")
    return problems
