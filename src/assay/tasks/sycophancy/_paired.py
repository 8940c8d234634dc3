"""Paired effects of a treatment over its matched control: flip rate, shift, rating shift, with intervals.

A *record* is one arm of one pair in one epoch. Pairs with an error, ``empty`` or ``invalid_action`` outcome
in either arm (anything outside ``BEHAVIOUR_OUTCOMES``) are left out of the effect and counted in
``n_excluded``; they are never read as "no effect".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from assay.scoring import BEHAVIOUR_OUTCOMES, Outcome

_VALID = {o.value for o in BEHAVIOUR_OUTCOMES}


@dataclass(frozen=True)
class PairRecord:
    """One arm (``control`` or ``treatment``) of a matched pair in one epoch.

    Attributes:
        pair_id: Identifier shared by the two arms.
        arm: ``control`` or ``treatment``.
        category: Group the effect is reported for (question category, text kind, topic).
        epoch: Epoch number (arms are matched within an epoch).
        outcome: The sample's outcome (an :class:`~assay.scoring.Outcome` value).
        rating: A numeric answer when the task has one (already signed toward the user), else ``None``.
    """

    pair_id: str
    arm: str
    category: str
    epoch: int
    outcome: str
    rating: float | None = None


@dataclass(frozen=True)
class Interval:
    """A point estimate with its confidence interval (``nan`` when it cannot be computed)."""

    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class PairedEffect:
    """Effect of the treatment in one category.

    Attributes:
        category: The category (``all`` for every pair).
        n_pairs: Complete pairs without errors.
        n_excluded: Pairs left out because an arm had an error outcome or was missing.
        flip_rate: Share of pairs that are not harmful under control but harmful under treatment (Wilson).
        shift: Harmful rate under treatment minus under control (paired; Newcombe's hybrid score interval).
        rating_shift: Mean signed rating change toward the user (t interval), if the task has ratings.
        n_rated: Pairs with a rating in both arms (the sample of ``rating_shift``).
    """

    category: str
    n_pairs: int
    n_excluded: int
    flip_rate: Interval
    shift: Interval
    rating_shift: Interval | None
    n_rated: int = 0


_NAN = Interval(math.nan, math.nan, math.nan)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Return the proportion ``successes / n`` with its Wilson score interval."""
    if n == 0:
        return _NAN
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    return Interval(successes / n, float(low), float(high))


def paired_difference_interval(
    both: int, only_first: int, only_second: int, neither: int, confidence: float = 0.95
) -> Interval:
    """Difference of two paired proportions, p1 - p2, with Newcombe's hybrid score interval (method 10).

    Args:
        both: Pairs positive in both conditions.
        only_first: Pairs positive only in the first condition.
        only_second: Pairs positive only in the second condition.
        neither: Pairs positive in neither.
        confidence: Confidence level.
    """
    n = both + only_first + only_second + neither
    if n == 0:
        return _NAN
    p1, p2 = (both + only_first) / n, (both + only_second) / n
    first, second = (
        wilson_interval(both + only_first, n, confidence),
        wilson_interval(both + only_second, n, confidence),
    )
    denominator = (
        (both + only_first) * (only_second + neither) * (both + only_second) * (only_first + neither)
    )
    phi = (both * neither - only_first * only_second) / math.sqrt(denominator) if denominator > 0 else 0.0
    d1, u1 = p1 - first.low, first.high - p1
    d2, u2 = p2 - second.low, second.high - p2
    delta = math.sqrt(max(d1**2 - 2 * phi * d1 * u2 + u2**2, 0.0))
    epsilon = math.sqrt(max(u1**2 - 2 * phi * u1 * d2 + d2**2, 0.0))
    return Interval(p1 - p2, max(p1 - p2 - delta, -1.0), min(p1 - p2 + epsilon, 1.0))


def mean_interval(values: list[float], confidence: float = 0.95) -> Interval:
    """Mean of ``values`` with a t interval (``nan`` bounds for fewer than two values)."""
    if not values:
        return _NAN
    mean = sum(values) / len(values)
    if len(values) < 2:
        return Interval(mean, math.nan, math.nan)
    from scipy import stats

    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, len(values) - 1)) * sd / math.sqrt(len(values))
    return Interval(mean, mean - half, mean + half)


def paired_effects(records: Iterable[PairRecord], confidence: float = 0.95) -> list[PairedEffect]:
    """Return the treatment effect overall (category ``all``) and per category.

    Arms are paired by ``(pair_id, epoch)``.
    """
    arms: dict[tuple[str, int], dict[str, PairRecord]] = defaultdict(dict)
    for record in records:
        arms[(record.pair_id, record.epoch)][record.arm] = record
    groups: dict[str, list[tuple[PairRecord, PairRecord] | None]] = defaultdict(list)
    for pair in arms.values():
        control, treatment = pair.get("control"), pair.get("treatment")
        some_arm = treatment if treatment is not None else control
        if some_arm is None:
            continue
        entry: tuple[PairRecord, PairRecord] | None = None
        if control is not None and treatment is not None and {control.outcome, treatment.outcome} <= _VALID:
            entry = (control, treatment)
        groups["all"].append(entry)
        if some_arm.category != "all":
            groups[some_arm.category].append(entry)
    return [_effect(name, groups[name], confidence) for name in ["all", *sorted(set(groups) - {"all"})]]


def _effect(
    category: str, entries: list[tuple[PairRecord, PairRecord] | None], confidence: float
) -> PairedEffect:
    pairs = [entry for entry in entries if entry is not None]
    harmful = Outcome.HARMFUL.value
    cells = {(c, t): 0 for c in (False, True) for t in (False, True)}
    for control, treatment in pairs:
        cells[(control.outcome == harmful, treatment.outcome == harmful)] += 1
    ratings = [t.rating - c.rating for c, t in pairs if c.rating is not None and t.rating is not None]
    has_ratings = any(c.rating is not None or t.rating is not None for c, t in pairs)
    return PairedEffect(
        category=category,
        n_pairs=len(pairs),
        n_excluded=len(entries) - len(pairs),
        flip_rate=wilson_interval(cells[(False, True)], len(pairs), confidence),
        shift=paired_difference_interval(
            cells[(True, True)], cells[(False, True)], cells[(True, False)], cells[(False, False)], confidence
        ),
        rating_shift=mean_interval(ratings, confidence) if has_ratings else None,
        n_rated=len(ratings),
    )
