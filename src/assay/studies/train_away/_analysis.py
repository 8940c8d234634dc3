"""From stage results to the study's figures: rates per cell, removal curves, paired before/after tests.

Everything the claims and the report show is computed here, once, into :class:`TrainAwayAnalysis`.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay._strict import Strict
from assay.evidence import PairedComparison, Rate, binomial_rate
from assay.studies.train_away._config import TrainAwayConfig
from assay.studies.train_away._items import CELLS
from assay.studies.train_away._pipeline import cell_index, training_pool
from assay.studies.train_away._results import StreamResult, TrainAwayRun
from assay.studies.train_away._stats import Removal, mde, paired, rate, removal, removal_difference, shown

SPLITS = ("trained", "train_untrained", "form_heldout", "topic_heldout", "both_heldout", "heldout")
"""Where a rate is taken: the stream's trained prompts, the training cell's others, each held-out cell,
and the three held-out cells pooled (``heldout``)."""
_Kinds = dict[str, dict[int, bool]]
"""Per kind of outcome (sycophancy, habit, knows, knows_but_defers): the base model's outcome per prompt."""


class CurvePoint(Strict):
    """One k of a removal curve (``k = 0``: before training)."""

    k: int
    k_used: list[int]
    rate: Rate
    removal: Removal | None = None


class Curve(Strict):
    """A measure against k for the streams of one (trained behaviour, method), seeds pooled."""

    trained: str
    method: str
    measure: str
    split: str
    points: list[CurvePoint]


class FinalRow(Strict):
    """One measure on one split at the largest k: paired test and removal against the base model."""

    trained: str
    method: str
    measure: str
    split: str
    removal: Removal
    paired: PairedComparison
    mde: float


class VersusRow(Strict):
    """Removal of one measure minus another's (or one arm's minus another's) with a bootstrap interval."""

    name: str
    estimate: float
    lo: float
    hi: float
    direction: str


class PersonaRow(Strict):
    """Endorsement rate of the persona questions and their mean endorsing margin (log-odds)."""

    arm: str
    rate: Rate
    mean_margin: float


class TrainAwayAnalysis(Strict):
    """Every number the report shows."""

    k_max: int
    n_prompts: dict[str, int]
    before: dict[str, dict[str, Rate]]
    strength: dict[str, float]
    curves: list[Curve]
    final: list[FinalRow]
    versus: list[VersusRow]
    persona: list[PersonaRow]
    capability_before: Rate
    capability_after: Rate


def _index(cfg: TrainAwayConfig, split: str) -> list[int]:
    if split == "heldout":
        return cell_index(cfg, ("form_heldout", "topic_heldout", "both_heldout"))
    return cell_index(cfg, ("train",) if split in ("trained", "train_untrained") else (split,))


def _restricted(o: dict[int, bool], keep: Sequence[int], drop: bool = False) -> dict[int, bool]:
    ks = set(keep)
    return {i: v for i, v in o.items() if (i in ks) != drop}


def _by_seed(
    cfg: TrainAwayConfig, run: TrainAwayRun, res: Sequence[StreamResult], split: str, k: int, kind: str
) -> list[dict[int, bool]]:
    """Each seed's outcomes at ``k`` restricted to ``split`` (the trained split is the seed's own pool)."""
    out = []
    for r in res:
        pt = next((p for p in r.points if p.k == k), None)
        if pt is None:
            continue
        o = _restricted(shown(pt.scores, kind), _index(cfg, split))
        if split in ("trained", "train_untrained"):
            pool = training_pool(
                cfg, run.baseline, "sycophancy" if r.behaviour == "noop" else r.behaviour, r.seed
            )
            o = _restricted(o, pool[: pt.k_used], drop=split == "train_untrained")
        out.append(o)
    return out


def _groups(run: TrainAwayRun) -> dict[tuple[str, str], list[StreamResult]]:
    groups: dict[tuple[str, str], list[StreamResult]] = {}
    for r in run.streams:
        if r.points:
            groups.setdefault((r.behaviour, r.method), []).append(r)
    return groups


def _kbd(outcomes: Sequence[dict[int, bool]], knows: dict[int, bool]) -> list[dict[int, bool]]:
    return [{i: v for i, v in o.items() if knows.get(i, False)} for o in outcomes]


def _stream_curves(
    cfg: TrainAwayConfig, run: TrainAwayRun, res: list[StreamResult], trained: str, method: str, kinds: _Kinds
) -> list[Curve]:
    """The rate and removal against k of one (behaviour, method) group of streams, on two splits."""
    measure = "habit" if trained == "habit" else "sycophancy"
    curves = []
    for split in ("train", "both_heldout"):
        s = "trained" if split == "train" else split
        pts = [CurvePoint(k=0, k_used=[0], rate=rate([kinds[measure]], _index(cfg, split)))]
        for k in sorted({p.k for r in res for p in r.points}):
            after = _by_seed(cfg, run, res, s, k, measure)
            used = [p.k_used for r in res for p in r.points if p.k == k]
            pts.append(
                CurvePoint(
                    k=k,
                    k_used=used,
                    rate=rate(after, _index(cfg, split)),
                    removal=removal(after, kinds[measure], _index(cfg, split), cfg.n_bootstrap),
                )
            )
        curves.append(Curve(trained=trained, method=method, measure=measure, split=s, points=pts))
    return curves


def _final_rows(
    cfg: TrainAwayConfig,
    run: TrainAwayRun,
    res: list[StreamResult],
    trained: str,
    method: str,
    kinds: _Kinds,
    k_max: int,
) -> list[FinalRow]:
    """Every measure and split of one group of streams at the largest k: paired test and removal."""
    final = []
    for m in ("sycophancy", "knows_but_defers", "habit", "knows"):
        for split in SPLITS:
            after = _by_seed(cfg, run, res, split, k_max, "sycophancy" if m == "knows_but_defers" else m)
            if m == "knows_but_defers":
                after = _kbd(after, kinds["knows"])
            idx = _index(cfg, split)
            pc = paired(after, kinds[m], idx, f"{trained}:{method}", "base")
            rem = removal(after, kinds[m], idx, cfg.n_bootstrap)
            final.append(
                FinalRow(
                    trained=trained,
                    method=method,
                    measure=m,
                    split=split,
                    removal=rem,
                    paired=pc,
                    mde=mde(pc.n_pairs, pc.rate_b),
                )
            )
    return final


def analyse(cfg: TrainAwayConfig, run: TrainAwayRun) -> TrainAwayAnalysis:
    """Rates, curves, paired tests and removal fractions of one run."""
    base = run.baseline.scores
    kinds = {k: shown(base, k) for k in ("sycophancy", "habit", "knows")}
    kinds["knows_but_defers"] = _kbd([kinds["sycophancy"]], kinds["knows"])[0]
    groups = _groups(run)
    k_max = max((p.k for r in run.streams for p in r.points), default=max(cfg.sweep.ks))
    before = {m: {c: rate([o], _index(cfg, c)) for c in (*CELLS, "heldout")} for m, o in kinds.items()}
    curves, final = [], []
    for (b, method), res in groups.items():
        curves += _stream_curves(cfg, run, res, b, method, kinds)
        final += _final_rows(cfg, run, res, b, method, kinds, k_max)
    return TrainAwayAnalysis(
        k_max=k_max,
        n_prompts={c: len(_index(cfg, c)) for c in (*CELLS, "heldout")},
        before=before,
        strength=_strength(cfg, run),
        curves=curves,
        final=final,
        versus=_versus(cfg, run, groups, kinds, k_max),
        persona=_persona(run, k_max),
        capability_before=rate([kinds["knows"]], _index(cfg, "heldout")),
        capability_after=rate(
            [
                shown(p.scores, "knows")
                for r in groups.get(("sycophancy", cfg.methods[0]), [])
                for p in r.points
                if p.k == k_max
            ],
            _index(cfg, "heldout"),
        ),
    )


def _versus(
    cfg: TrainAwayConfig,
    run: TrainAwayRun,
    groups: dict[tuple[str, str], list[StreamResult]],
    kinds: dict[str, dict[int, bool]],
    k_max: int,
) -> list[VersusRow]:
    """Sycophancy vs habit removal at matched k (held-out); training away vs the no-op (trained prompts)."""
    from assay.studies.train_away._stats import direction

    out = []
    held = _index(cfg, "heldout")
    for method in cfg.methods:
        syco, habit = groups.get(("sycophancy", method)), groups.get(("habit", method))
        if syco and habit:
            ks = sorted({p.k for r in syco for p in r.points} & {p.k for r in habit for p in r.points})
            for k in ks:
                split = "heldout" if k == k_max else "both_heldout"
                idx = _index(cfg, split)
                first = (_by_seed(cfg, run, syco, split, k, "sycophancy"), kinds["sycophancy"])
                second = (_by_seed(cfg, run, habit, split, k, "habit"), kinds["habit"])
                est, lo, hi = removal_difference(first, second, idx, cfg.n_bootstrap)
                out.append(
                    VersusRow(
                        name=f"{method}: sycophancy - habit removal, k={k}, {split}",
                        estimate=est,
                        lo=lo,
                        hi=hi,
                        direction=direction(lo, hi, est),
                    )
                )
        noop = groups.get(("noop", "sft"))
        if syco and noop:
            trained = _index(cfg, "trained")
            first = (_by_seed(cfg, run, syco, "trained", k_max, "sycophancy"), kinds["sycophancy"])
            second = (_by_seed(cfg, run, noop, "trained", k_max, "sycophancy"), kinds["sycophancy"])
            est, lo, hi = removal_difference(first, second, trained, cfg.n_bootstrap)
            out.append(
                VersusRow(
                    name=f"{method} - no-op: sycophancy removal, k={k_max}, trained",
                    estimate=est,
                    lo=lo,
                    hi=hi,
                    direction=direction(lo, hi, est),
                )
            )
            first = (_by_seed(cfg, run, syco, "heldout", k_max, "sycophancy"), kinds["sycophancy"])
            second = (_by_seed(cfg, run, noop, "heldout", k_max, "sycophancy"), kinds["sycophancy"])
            est, lo, hi = removal_difference(first, second, held, cfg.n_bootstrap)
            out.append(
                VersusRow(
                    name=f"{method} - no-op: sycophancy removal, k={k_max}, heldout",
                    estimate=est,
                    lo=lo,
                    hi=hi,
                    direction=direction(lo, hi, est),
                )
            )
    return out


def _strength(cfg: TrainAwayConfig, run: TrainAwayRun) -> dict[str, float]:
    """Mean margin (log-odds) of each behaviour on the prompts that show it, before training."""
    s = run.baseline.scores
    syco = [-m for m in s.suggested if m < 0]
    habit = [m for m in s.habit if m > 0]
    return {
        "sycophancy": sum(syco) / max(len(syco), 1),
        "habit": sum(habit) / max(len(habit), 1),
    }


def _persona(run: TrainAwayRun, k_max: int) -> list[PersonaRow]:
    rows = []

    def row(arm: str, margins: list[float]) -> PersonaRow:
        return PersonaRow(
            arm=arm,
            rate=binomial_rate(sum(m > 0 for m in margins), len(margins)),
            mean_margin=sum(margins) / max(len(margins), 1),
        )

    rows.append(row("base", run.baseline.persona.margins))
    for (b, method), res in _groups(run).items():
        ms = [m for r in res for p in r.points if p.k == k_max and p.persona for m in p.persona.margins]
        if ms:
            rows.append(row(f"{method} against {b}", ms))
    return rows
