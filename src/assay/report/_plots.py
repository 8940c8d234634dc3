"""Report plots (matplotlib, Agg backend), returned as base64 PNG so the HTML needs no other file.

Every plotted number comes from an :class:`~assay.evidence.EvidenceSummary`; nothing is recomputed here.
Row plots show at most :data:`MAX_ROWS` rows (the tables beside them list everything); margins are set by
hand from the label lengths, because constrained layout re-measures hundreds of labels several times.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assay._outcome import Outcome
from assay.evidence import ConditionSummary, EvidenceSummary
from assay.report._labels import WRAP, arm, arm_labels, ordered, plot_labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Most rows drawn in one row plot.
MAX_ROWS = 80

#: Colours of the outcome categories; errors in warm colours so they stand out.
OUTCOME_COLOURS = {
    Outcome.HARMFUL.value: "#c0392b",
    Outcome.BENIGN.value: "#7fb77e",
    Outcome.REFUSED.value: "#5b8db8",
    Outcome.NOT_ENGAGED.value: "#c9b458",
    Outcome.EMPTY.value: "#b8b8b8",
    Outcome.INVALID_ACTION.value: "#8c7b6b",
    Outcome.MODEL_ERROR.value: "#f39c12",
    Outcome.JUDGE_ERROR.value: "#e67e22",
    Outcome.SANDBOX_ERROR.value: "#d35400",
    Outcome.AUDITOR_ERROR.value: "#a04000",
    "unscored": "#8e44ad",
}

_ROW_INCH = 0.2
_LINE_INCH = 0.13
_TOP_INCH = 0.45
_CHAR_INCH = 0.062  # width of one 7-pt label character (DejaVu Sans, with room to spare)
_PLOT_INCH = 5.2
_AXIS_WRAP = 90


def _row_figure(labels: Sequence[str], xlabel: str) -> tuple[Figure, Axes]:
    """A figure with one horizontal row per label; margins in inches from the labels, so nothing is clipped.

    The left margin grows with the longest label line (the figure widens rather than cutting labels), rows
    grow with multi-line labels, and the x-axis label is wrapped with the bottom margin sized to its lines.
    """
    import textwrap

    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    lines = max((s.count("\n") + 1 for s in labels), default=1)
    row = max(_ROW_INCH, _LINE_INCH * lines + 0.05)
    xtext = "\n".join(textwrap.wrap(xlabel, _AXIS_WRAP)) or xlabel
    bottom = 0.45 + 0.16 * (xtext.count("\n") + 1)
    longest = max((len(line) for s in labels for line in s.split("\n")), default=10)
    left = 0.25 + _CHAR_INCH * longest
    width = left + _PLOT_INCH + 0.3
    height = _TOP_INCH + bottom + row * max(len(labels), 2)
    fig = Figure(figsize=(width, height), dpi=90)
    fig.subplots_adjust(
        left=left / width, right=1 - 0.3 / width, top=1 - _TOP_INCH / height, bottom=bottom / height
    )
    ax = fig.add_subplot()
    ys = list(range(len(labels)))[::-1]
    ax.set_yticks(ys, list(labels), fontsize=7)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.set_xlabel(xtext, fontsize=8)
    return fig, ax


def figure_png(fig: Figure) -> str:
    """Return ``fig`` as a base64 PNG string (no metadata, so no software URL is embedded)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def shown_conditions(summary: EvidenceSummary) -> list[ConditionSummary]:
    """Return the conditions drawn in the row plots: the first :data:`MAX_ROWS`, grouped by scenario."""
    return ordered(summary.conditions)[:MAX_ROWS]


def rates_plot(summary: EvidenceSummary) -> str:
    """Per-condition rates with their intervals (thick) and prompt-clustered intervals (thin)."""
    conds = shown_conditions(summary)
    xlabel = (
        f"rate of {', '.join(summary.positive)} ({round(100 * (1 - summary.alpha))} % "
        f"{summary.interval_method}; thin: clustered by prompt)"
    )
    fig, ax = _row_figure(plot_labels(conds), xlabel)
    ys = list(range(len(conds)))[::-1]
    rates = [c.rate if c.n else float("nan") for c in conds]

    def err(lo: list[float], hi: list[float]) -> list[list[float]]:
        return [
            [max(r - a, 0) for r, a in zip(rates, lo, strict=True)],
            [max(b - r, 0) for r, b in zip(rates, hi, strict=True)],
        ]

    lo_c = [c.lo_clustered if c.lo_clustered is not None else c.lo for c in conds]
    hi_c = [c.hi_clustered if c.hi_clustered is not None else c.hi for c in conds]
    ax.errorbar(rates, ys, xerr=err(lo_c, hi_c), fmt="none", ecolor="#999999", elinewidth=1)
    ax.errorbar(
        rates,
        ys,
        xerr=err([c.lo for c in conds], [c.hi for c in conds]),
        fmt="o",
        color="#2c3e50",
        ecolor="#2c3e50",
        elinewidth=2.5,
        markersize=4,
    )
    zero = [(y, c.rule_of_three_hi) for y, c in zip(ys, conds, strict=True) if c.rule_of_three_hi is not None]
    if zero:
        ax.scatter(
            [z[1] for z in zero],
            [z[0] for z in zero],
            marker="|",
            color="#c0392b",
            s=60,
            label="rule-of-three bound (0 events)",
        )
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=7, frameon=False)
    ax.set_xlim(-0.02, 1.02)
    ax.grid(axis="x", alpha=0.3)
    return figure_png(fig)


def outcomes_plot(summary: EvidenceSummary) -> str:
    """Stacked shares of every outcome per condition, errors included as their own colours."""
    conds = shown_conditions(summary)
    cats = [k for k in OUTCOME_COLOURS if any(k in c.outcomes for c in conds)]
    cats += sorted({k for c in conds for k in c.outcomes} - set(cats))
    fig, ax = _row_figure(plot_labels(conds), "share of all samples (errors shown, not dropped)")
    ys = list(range(len(conds)))[::-1]
    left = [0.0] * len(conds)
    for cat in cats:
        width = [c.outcomes.get(cat, 0) / max(sum(c.outcomes.values()), 1) for c in conds]
        ax.barh(ys, width, left=left, color=OUTCOME_COLOURS.get(cat, "#444444"), label=cat, height=0.8)
        left = [a + b for a, b in zip(left, width, strict=True)]
    ax.set_xlim(0, 1)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(len(cats), 6), fontsize=7, frameon=False)
    return figure_png(fig)


def forest_plot(summary: EvidenceSummary) -> str | None:
    """Factor effects with intervals: log odds ratios for logit fits, risk differences otherwise."""
    terms = [(fit, t) for fit in summary.factor_effects for t in fit.terms][:MAX_ROWS]
    if not terms:
        return None
    labels = [f"{fit.scope}: {t.factor}={t.level} vs {t.reference}" for fit, t in terms]
    xlabel = "log odds ratio (squares) or risk difference (circles); dark: significant (corrected)"
    fig, ax = _row_figure(labels, xlabel)
    ys = list(range(len(terms)))[::-1]
    for y, (fit, t) in zip(ys, terms, strict=True):
        p = t.p_adjusted if t.p_adjusted is not None else t.p_value
        colour = "#2c3e50" if p < summary.alpha else "#999999"
        ax.plot([t.lo, t.hi], [y, y], color=colour, linewidth=2)
        ax.plot([t.estimate], [y], "s" if fit.model == "logit" else "o", color=colour, markersize=5)
    ax.axvline(0, color="#c0392b", linewidth=1)
    ax.grid(axis="x", alpha=0.3)
    return figure_png(fig)


def paired_plot(summary: EvidenceSummary) -> str | None:
    """Paired differences (A - B) with their cluster-bootstrap intervals."""
    pairs = summary.paired[:MAX_ROWS]
    if not pairs:
        return None
    xlabel = "paired difference in rate (Bonett-Price interval, clustered by prompt)"
    arms = arm_labels(summary.conditions)
    names = [f"{arm(c.a, arms)} - {arm(c.b, arms)}" for c in pairs]
    fig, ax = _row_figure(["\n".join(textwrap.wrap(n, WRAP)) or n for n in names], xlabel)
    ys = list(range(len(pairs)))[::-1]
    for y, c in zip(ys, pairs, strict=True):
        ax.plot([c.lo, c.hi], [y, y], color="#2c3e50", linewidth=2)
        ax.plot([c.diff], [y], "o", color="#2c3e50", markersize=5)
    ax.axvline(0, color="#c0392b", linewidth=1)
    ax.grid(axis="x", alpha=0.3)
    return figure_png(fig)


def summary_figures(summary: EvidenceSummary) -> dict[str, str]:
    """Return every standard figure of the report, by name, as base64 PNG."""
    figures = {"rates": rates_plot(summary), "outcomes": outcomes_plot(summary)}
    for name, fn in (("forest", forest_plot), ("paired", paired_plot)):
        png = fn(summary)
        if png is not None:
            figures[name] = png
    return figures
