"""Plain-text rendering of a :class:`~assay.panels.PanelReport`."""

from __future__ import annotations

import math

from assay.evidence import Rate, kept_out
from assay.panels._report import PanelReport


def _rate(r: Rate) -> str:
    """``k/n = rate [CI]`` with the samples kept out of n (errors, empty, invalid) by category beside it."""
    apart = kept_out(r.errors)
    if r.n == 0:
        return f"n/a (no valid samples{'; ' + apart if apart else ''})"
    errs = f"  not in n: {apart}" if apart else ""
    return f"{r.k}/{r.n} = {r.rate:.1%} [95% CI {r.lo:.1%}, {r.hi:.1%}]{errs}"


def _num(x: float | None, fmt: str = ".3f") -> str:
    return "n/a" if x is None or math.isnan(x) else format(x, fmt)


def format_panel_report(report: PanelReport) -> str:
    """Render the ranking, the paired comparisons and the factor effects per model."""
    lines = [
        f"panel: {len(report.models)} models on {', '.join(report.tasks)}; {report.shared_samples} samples "
        f"answered by every model; behaviour = {', '.join(report.positive)}",
        "ranking (rank interval: " + report.bootstrap + "):",
    ]
    for r in report.ranking:
        lines.append(f"  {r.rank}. {r.model:<32} {_rate(r.rate)}   rank [{r.rank_lo}, {r.rank_hi}]")
    lines.append("paired comparisons (same samples; McNemar exact, Holm-adjusted across pairs):")
    for c in report.comparisons:
        lines.append(
            f"  {c.a} - {c.b}: {c.rate_a:.1%} vs {c.rate_b:.1%}, diff {c.diff:+.1%} "
            f"[{_num(c.lo, '+.1%')}, {_num(c.hi, '+.1%')}]  pairs {c.n_pairs} "
            f"(discordant {c.only_a}/{c.only_b}, dropped {c.n_dropped})  "
            f"p {_num(c.p_value)}  p_holm {_num(c.p_adjusted)}"
        )
    lines.append("factor effects per model:")
    for model, fits in report.effects.items():
        for fit in fits:
            if not fit.terms:
                lines.append(f"  {model}: {fit.status} ({fit.note or 'no factor varies'})")
                continue
            for t in fit.terms:
                lines.append(
                    f"  {model}: {t.factor}={t.level} vs {t.reference}: {fit.model} {t.estimate:+.3f} "
                    f"[{t.lo:+.3f}, {t.hi:+.3f}] p {_num(t.p_value)}" + (f" ({t.note})" if t.note else "")
                )
    return "\n".join(lines)
