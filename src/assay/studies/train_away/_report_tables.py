"""The train-away report's tables (base rates, matching, final rows, matched comparisons)."""

from __future__ import annotations

from assay.report import ReportTable
from assay.studies.train_away._analysis import TrainAwayAnalysis
from assay.studies.train_away._stats import ItemRate, ItemTest


def rate_text(r: ItemRate) -> str:
    """An item-level rate with its interval."""
    return f"{r.rate:.2f} [{r.lo:.2f}, {r.hi:.2f}]"


def test_text(t: ItemTest) -> list[str]:
    """Cells of one item-level test: difference [interval], p, per seed (t interval), MDE, items."""
    seeds = ", ".join(f"{x:+.2f}" for x in t.per_seed)
    return [
        f"{t.diff:+.2f} [{t.lo:+.2f}, {t.hi:+.2f}]",
        f"{t.p_value:.2g}",
        f"{seeds} [{t.seed_lo:+.2f}, {t.seed_hi:+.2f}]",
        f"{t.mde:.2f}",
        str(t.n_items),
    ]


TEST_COLUMNS = ["difference [95 % item CI]", "sign-flip p", "per seed [t 95 % CI]", "MDE", "items"]


def design_tables(a: TrainAwayAnalysis) -> list[ReportTable]:
    """Base rates per condition and cell, and the matching table."""
    cells = list(next(iter(a.base.values())))
    base = ReportTable(
        columns=["base model (item-level rate)", *cells],
        rows=[[kind, *(rate_text(r) for r in by.values())] for kind, by in a.base.items()],
    )
    match = ReportTable(
        columns=[
            "behaviour",
            "training target",
            "target tokens",
            "share of target tokens common to all items",
            "base rate, held-out",
            "strength (per-token log-odds, prompts showing it)",
            "strength on held-out prompts showing both",
            "trained",
        ],
        rows=[
            [
                m.behaviour,
                m.target,
                f"{m.target_tokens:.1f}",
                f"{m.shared_tokens:.2f}",
                rate_text(m.base_rate),
                f"{m.strength:.2f}",
                "–" if m.strength_on_both is None else f"{m.strength_on_both:.2f}",
                "yes" if m.trained else "no (baseline only)",
            ]
            for m in a.matching
        ],
    )
    return [base, match]


def final_table(a: TrainAwayAnalysis) -> ReportTable:
    """Every stream, measure and split at the largest k against the base model."""
    return ReportTable(
        columns=[
            "trained against",
            "method",
            "measure",
            "split",
            "before",
            "after",
            *TEST_COLUMNS,
            "removal",
        ],
        rows=[
            [
                f.trained,
                f.method,
                f.measure,
                f.split,
                f"{f.test.b:+.2f}",
                f"{f.test.a:+.2f}",
                *test_text(f.test),
                f"{f.removal.estimate:.0%} [{f.removal.lo:.0%}, {f.removal.hi:.0%}]",
            ]
            for f in a.final
            if f.test.n_items
        ],
    )


def versus_table(a: TrainAwayAnalysis) -> ReportTable:
    """The matched comparisons (first arm minus second, same items and seeds)."""
    return ReportTable(
        columns=["comparison", "quantity", "first", "second", *TEST_COLUMNS],
        rows=[
            [v.name, v.quantity, f"{v.test.a:.2f}", f"{v.test.b:.2f}", *test_text(v.test)]
            for v in a.versus
            if v.test.n_items
        ],
    )
