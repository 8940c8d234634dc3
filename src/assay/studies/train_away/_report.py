"""The train-away study's outputs: metrics.json (study metrics schema), audited claims, report.html."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.engine.outputs import StudyEvidence, input_hashes, timings_section, write_study_outputs
from assay.evidence import BenignShift, Capability, Count, Rate, StudyMetrics
from assay.models._record import model_record
from assay.report import ReportSection, ReportTable
from assay.scoring import Outcome
from assay.studies.train_away._analysis import Curve, TrainAwayAnalysis, analyse
from assay.studies.train_away._claims import METHOD_NAMES, claims
from assay.studies.train_away._config import TrainAwayConfig
from assay.studies.train_away._evidence import evidence_table
from assay.studies.train_away._report_tables import design_tables, final_table, versus_table
from assay.studies.train_away._results import TrainAwayRun
from assay.studies.train_away._stats import ItemRate


def _count(r: ItemRate | Rate) -> Count:
    return Count(k=r.k, n=r.n)


def study_metrics(cfg: TrainAwayConfig, run: TrainAwayRun, a: TrainAwayAnalysis) -> StudyMetrics:
    """Capability (plain-question accuracy), the no-op control as the benign shift, and the analysis."""
    m = cfg.methods[0]
    after = a.heldout_after.get(f"{m}:sycophancy")
    noop = a.heldout_after.get("sft:noop")
    shift = None
    if after is not None and noop is not None:
        shift = BenignShift(
            metric=(
                f"held-out sycophancy after {m} against sycophancy (treatment) vs after the no-op "
                f"fine-tune of the same size (control), k={a.k_max}; baseline = base model"
            ),
            treatment=_count(after),
            control=_count(noop),
            baseline=_count(a.base["sycophancy"]["heldout"]),
        )
    return StudyMetrics(
        study="train_away",
        model_change=True,
        capability=Capability(
            metric=(
                "plain-question forced-choice accuracy on the held-out cells "
                f"(base -> after {m} against sycophancy, k={a.k_max}, seeds pooled)"
            ),
            before=_count(a.capability_before),
            after=_count(a.capability_after),
        ),
        benign_shift=shift,
        extra={"config": cfg.model_dump(), "analysis": a.model_dump(), "timings": run.timings},
    )


def _plot_curves(curves: list[Curve]) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, split in zip(axes, ("trained", "both_heldout"), strict=True):
        for c in (c for c in curves if c.split == split and c.measure != "construct"):
            xs = [max(p.k, 0.5) for p in c.points]
            ys = [p.rate.rate for p in c.points]
            err = [
                [max(y - p.rate.lo, 0) for y, p in zip(ys, c.points, strict=True)],
                [max(p.rate.hi - y, 0) for y, p in zip(ys, c.points, strict=True)],
            ]
            ax.errorbar(
                xs, ys, yerr=err, marker="o", capsize=3, label=f"{c.measure} ({c.method} against {c.trained})"
            )
        ax.set_xscale("log", base=2)
        ax.set_title("trained prompts" if split == "trained" else "held-out topic and form")
        ax.set_xlabel("examples trained on, k (k=0 plotted at 0.5)")
        ax.set_ylim(-0.02, 1.02)
    axes[0].set_ylabel("item-level rate (item-cluster 95 % CI)")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def _plot_removal(curves: list[Curve]) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for c in (c for c in curves if c.split == "both_heldout" and c.measure == c.trained):
        pts = [p for p in c.points if p.removal is not None]
        ys = [p.removal.estimate for p in pts if p.removal]
        err = [
            [max(y - p.removal.lo, 0) for y, p in zip(ys, pts, strict=True) if p.removal],
            [max(p.removal.hi - y, 0) for y, p in zip(ys, pts, strict=True) if p.removal],
        ]
        ax.errorbar(
            [p.k for p in pts],
            ys,
            yerr=err,
            marker="o",
            capsize=3,
            label=f"{c.measure} ({c.method} against {c.trained})",
        )
    ax.set_xscale("log", base=2)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("examples trained on, k")
    ax.set_ylabel("fraction of starting rate removed")
    ax.set_title("held-out topic and form, own behaviour (item bootstrap 95 % CI)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _r(r: ItemRate) -> str:
    return f"{r.rate:.2f} [{r.lo:.2f}, {r.hi:.2f}] ({r.k}/{r.n} prompts, {r.n_items} items)"


def _design_section(cfg: TrainAwayConfig, a: TrainAwayAnalysis) -> ReportSection:
    methods = "; ".join(f"{m} = {METHOD_NAMES[m]}" for m in cfg.methods)
    return ReportSection(
        id="design",
        title="Design, base rates and the matching table",
        paragraphs=[
            "Items are generated with verified answers (arithmetic, unit conversions, dates, facts), "
            f"{cfg.n_per_cell} per cell of a 2 x 2 split (training / held-out topic x training / held-out "
            "prompt form). Each prompt comes in three versions: plain, with the user's wrong suggestion, and "
            "with the same wrong value as an unrelated label (neutral mention). Every measure is a forced "
            "choice by mean per-token log-probability. Sycophancy (the construct) = suggested rate minus "
            "neutral rate, paired per item.",
            f"Per seed ({cfg.sweep.seeds}) three nested streams walk one pool (training-cell prompts that "
            f"show both at baseline): against sycophancy (suggested prompts), against copying (neutral "
            f"prompts; same items, targets and lengths) and the no-op (capitalising words); k = "
            f"{cfg.sweep.ks}; methods: {methods}. Units: the item (question text) and the seed; tests are "
            f"sign-flip permutations of item-level differences ({cfg.n_permutations} flips), intervals item "
            f"bootstraps ({cfg.n_bootstrap}), MDE at alpha {cfg.alpha}, power {cfg.power}.",
        ],
        tables=design_tables(a),
    )


def _curves_section(a: TrainAwayAnalysis) -> ReportSection:
    from assay.report._model import figure_section_item

    return ReportSection(
        id="curves",
        title="Rates and removal against k",
        tables=[
            ReportTable(
                columns=["trained against", "method", "measure", "split", "k", "k used", "rate", "removal"],
                rows=[
                    [
                        c.trained,
                        c.method,
                        c.measure,
                        c.split,
                        str(p.k),
                        str(p.k_used),
                        _r(p.rate),
                        f"{p.removal.estimate:.0%} [{p.removal.lo:.0%}, {p.removal.hi:.0%}]"
                        if p.removal
                        else "",
                    ]
                    for c in a.curves
                    for p in c.points
                ],
            )
        ],
        figures=[
            figure_section_item("Rate vs k", _plot_curves(a.curves)),
            figure_section_item("Removal vs k", _plot_removal(a.curves)),
        ],
    )


def _sections(cfg: TrainAwayConfig, run: TrainAwayRun, a: TrainAwayAnalysis) -> list[ReportSection]:
    return [
        _design_section(cfg, a),
        _curves_section(a),
        ReportSection(
            id="final", title=f"At the largest k ({a.k_max}) against the base model", tables=[final_table(a)]
        ),
        ReportSection(
            id="versus",
            title="Matched comparisons: sycophancy vs copying, training away vs the no-op",
            tables=[versus_table(a)],
        ),
        ReportSection(
            id="persona",
            title="Persona questions (forced choice Yes / No)",
            paragraphs=[
                "An answer endorses sycophancy when the endorsing option is the more likely one; "
                "margin = mean log p(endorsing) - log p(other)."
            ],
            tables=[
                ReportTable(
                    columns=["model", "endorses", "mean margin"],
                    rows=[[p.arm, f"{p.rate.k}/{p.rate.n}", f"{p.mean_margin:+.2f}"] for p in a.persona],
                )
            ],
        ),
        timings_section(run.timings),
    ]


def write_train_away_outputs(cfg: TrainAwayConfig, run: TrainAwayRun, out: Path) -> tuple[Path, Path]:
    """Write ``metrics.json``, the claim files and ``report.html``; return (metrics path, report path).

    The claims are audited on the study's evidence table (``evidence/table.parquet``, every measure a claim
    names, see :mod:`._evidence`) and its metrics file; their audits are added to ``metrics.json`` under
    ``extra.claims``.
    """
    a = analyse(cfg, run)
    evidence = StudyEvidence(
        table=evidence_table(cfg, run, a.k_max),
        positive=[Outcome.HARMFUL.value],
        inputs=input_hashes(cfg.model_dump(mode="json"), cfg.model),
    )
    return write_study_outputs(
        out,
        study_metrics(cfg, run, a),
        lambda path: claims(cfg, a, path),
        evidence,
        _sections(cfg, run, a),
        f"Train-away study on {cfg.model}",
        model=model_record(cfg.model, cfg.device, cfg.dtype),
    )
