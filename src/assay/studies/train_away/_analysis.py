"""From stage results to the study's figures: base rates, the construct, curves, item-level paired tests.

Everything the claims and the report show is computed here, once, into :class:`TrainAwayAnalysis`.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay._strict import Strict
from assay.evidence import Rate, binomial_rate
from assay.studies.train_away._config import TrainAwayConfig
from assay.studies.train_away._items import CELLS
from assay.studies.train_away._matching import MatchRow, matching
from assay.studies.train_away._outcomes import SPLITS, Kind, after, before, clusters, split_index
from assay.studies.train_away._results import StreamResult, TrainAwayRun
from assay.studies.train_away._stats import (
    ItemRate,
    ItemTest,
    Outcomes,
    Removal,
    Settings,
    item_rate,
    item_test,
    removal,
)

FINAL_KINDS: tuple[Kind, ...] = ("sycophancy", "copying", "construct", "knows_but_defers", "knows")
CURVE_KINDS: tuple[Kind, ...] = ("sycophancy", "copying", "construct")
BASE_KINDS: tuple[Kind, ...] = ("sycophancy", "copying", "construct", "knows", "knows_but_defers", "habit")


class CurvePoint(Strict):
    """One k of a curve (``k = 0``: the base model), the item-level rate and the removal so far."""

    k: int
    k_used: list[int]
    rate: ItemRate
    removal: Removal | None = None


class Curve(Strict):
    """A measure against k for the streams of one (trained behaviour, method), seeds averaged per item."""

    trained: str
    method: str
    measure: str
    split: str
    points: list[CurvePoint]


class FinalRow(Strict):
    """One measure on one split at the largest k against the base model: item-level test and removal."""

    trained: str
    method: str
    measure: str
    split: str
    test: ItemTest
    removal: Removal


class VersusRow(Strict):
    """Two arms compared on the same items at matched k (``test.a`` minus ``test.b``)."""

    name: str
    first: str
    second: str
    quantity: str
    k: int
    split: str
    test: ItemTest


class PersonaRow(Strict):
    """Endorsement rate of the persona questions and their mean endorsing margin (log-odds)."""

    arm: str
    rate: Rate
    mean_margin: float


class TrainAwayAnalysis(Strict):
    """Every number the report shows."""

    k_max: int
    n_prompts: dict[str, int]
    base: dict[str, dict[str, ItemRate]]
    matching: list[MatchRow]
    curves: list[Curve]
    final: list[FinalRow]
    versus: list[VersusRow]
    persona: list[PersonaRow]
    heldout_after: dict[str, ItemRate]
    capability_before: ItemRate
    capability_after: ItemRate


def settings(cfg: TrainAwayConfig) -> Settings:
    """The declared statistics settings of ``cfg``."""
    return Settings(n_boot=cfg.n_bootstrap, n_perm=cfg.n_permutations, alpha=cfg.alpha, power=cfg.power)


def _groups(run: TrainAwayRun) -> dict[tuple[str, str], list[StreamResult]]:
    groups: dict[tuple[str, str], list[StreamResult]] = {}
    for r in run.streams:
        if r.points:
            groups.setdefault((r.behaviour, r.method), []).append(r)
    return groups


def _curves(
    cfg: TrainAwayConfig, run: TrainAwayRun, res: list[StreamResult], trained: str, method: str
) -> list[Curve]:
    """Rate and removal against k of one (behaviour, method) group on the trained and far-held-out splits."""
    st, cl, out = settings(cfg), clusters(cfg), []
    for kind in CURVE_KINDS:
        base = before(run, kind)
        for split in ("trained", "both_heldout"):
            idx = split_index(cfg, split)
            pts = [CurvePoint(k=0, k_used=[0], rate=item_rate([base], idx, cl, st))]
            for k in sorted({p.k for r in res for p in r.points}):
                aft = after(cfg, run, res, split, k, kind)
                used = [p.k_used for r in res for p in r.points if p.k == k]
                rem = removal(aft, base, idx, cl, st)
                pts.append(CurvePoint(k=k, k_used=used, rate=item_rate(aft, idx, cl, st), removal=rem))
            out.append(Curve(trained=trained, method=method, measure=kind, split=split, points=pts))
    return out


def _final(
    cfg: TrainAwayConfig, run: TrainAwayRun, res: list[StreamResult], trained: str, method: str, k: int
) -> list[FinalRow]:
    st, cl, rows = settings(cfg), clusters(cfg), []
    for kind in FINAL_KINDS:
        base = before(run, kind)
        for split in SPLITS:
            aft, idx = after(cfg, run, res, split, k, kind), split_index(cfg, split)
            rows.append(
                FinalRow(
                    trained=trained,
                    method=method,
                    measure=kind,
                    split=split,
                    test=item_test(aft, [base], idx, cl, st),
                    removal=removal(aft, base, idx, cl, st),
                )
            )
    return rows


def _removed(models: Sequence[Outcomes], shown: set[int]) -> list[Outcomes]:
    """Per seed: 1 where a prompt that showed the behaviour at baseline no longer does."""
    return [{i: 1.0 - v for i, v in m.items() if i in shown} for m in models]


def _versus(
    cfg: TrainAwayConfig, run: TrainAwayRun, groups: dict[tuple[str, str], list[StreamResult]], k_max: int
) -> list[VersusRow]:
    """Sycophancy vs copying removal at matched k; training away vs the no-op on the same prompts."""
    st, cl, out = settings(cfg), clusters(cfg), []
    syc_b, cop_b = before(run, "sycophancy"), before(run, "copying")
    both = {i for i, v in syc_b.items() if v > 0 and cop_b.get(i, 0.0) > 0}
    for m in cfg.methods:
        syc, cop, noop = (
            groups.get(("sycophancy", m)),
            groups.get(("copying", m)),
            groups.get(("noop", "sft")),
        )
        if syc and cop:
            for k in sorted({p.k for r in syc for p in r.points} & {p.k for r in cop for p in r.points}):
                split = "heldout" if k == k_max else "both_heldout"
                a = _removed(after(cfg, run, syc, split, k, "sycophancy"), both)
                b = _removed(after(cfg, run, cop, split, k, "copying"), both)
                out.append(
                    VersusRow(
                        name=f"{m}: sycophancy vs copying removal, k={k}, {split}",
                        first=f"{m}:sycophancy",
                        second=f"{m}:copying",
                        quantity="share removed of the prompts that showed both at baseline",
                        k=k,
                        split=split,
                        test=item_test(a, b, split_index(cfg, split), cl, st),
                    )
                )
        if syc and noop:
            for kind in ("sycophancy", "construct"):
                for split in ("trained", "heldout"):
                    a, b = after(cfg, run, syc, split, k_max, kind), after(cfg, run, noop, split, k_max, kind)
                    out.append(
                        VersusRow(
                            name=f"{m} - no-op: {kind} after, k={k_max}, {split}",
                            first=f"{m}:sycophancy",
                            second="sft:noop",
                            quantity=f"{kind} rate after training",
                            k=k_max,
                            split=split,
                            test=item_test(a, b, split_index(cfg, split), cl, st),
                        )
                    )
    return out


def _persona(run: TrainAwayRun, k_max: int) -> list[PersonaRow]:
    def row(arm: str, margins: list[float]) -> PersonaRow:
        return PersonaRow(
            arm=arm,
            rate=binomial_rate(sum(m > 0 for m in margins), len(margins)),
            mean_margin=sum(margins) / max(len(margins), 1),
        )

    rows = [row("base", run.baseline.persona.margins)]
    for (b, method), res in _groups(run).items():
        ms = [m for r in res for p in r.points if p.k == k_max and p.persona for m in p.persona.margins]
        if ms:
            rows.append(row(f"{method} against {b}", ms))
    return rows


def analyse(cfg: TrainAwayConfig, run: TrainAwayRun) -> TrainAwayAnalysis:
    """Base rates, the matching table, curves, item-level tests and removals of one run."""
    st, cl = settings(cfg), clusters(cfg)
    groups = _groups(run)
    k_max = max((p.k for r in run.streams for p in r.points), default=max(cfg.sweep.ks))
    base: dict[str, dict[str, ItemRate]] = {
        kind: {c: item_rate([before(run, kind)], split_index(cfg, c), cl, st) for c in (*CELLS, "heldout")}
        for kind in BASE_KINDS
    }
    curves, final = [], []
    for (b, method), res in groups.items():
        curves += _curves(cfg, run, res, b, method)
        final += _final(cfg, run, res, b, method, k_max)
    held = split_index(cfg, "heldout")
    syc = groups.get(("sycophancy", cfg.methods[0]), [])
    return TrainAwayAnalysis(
        k_max=k_max,
        n_prompts={c: len(split_index(cfg, c)) for c in (*CELLS, "heldout")},
        base=base,
        matching=matching(cfg, run),
        curves=curves,
        final=final,
        versus=_versus(cfg, run, groups, k_max),
        persona=_persona(run, k_max),
        heldout_after={
            f"{m}:{b}": item_rate(after(cfg, run, res, "heldout", k_max, "sycophancy"), held, cl, st)
            for (b, m), res in groups.items()
        },
        capability_before=item_rate([before(run, "knows")], held, cl, st),
        capability_after=item_rate(after(cfg, run, syc, "heldout", k_max, "knows"), held, cl, st),
    )
