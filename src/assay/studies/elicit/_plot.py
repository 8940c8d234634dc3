"""The recovered-fraction figure of the elicitation report."""

from __future__ import annotations

from typing import Any

from assay.studies.elicit._analysis import ElicitAnalysis
from assay.studies.elicit._config import ElicitConfig


def recovered_plot(a: ElicitAnalysis, cfg: ElicitConfig) -> Any:
    """Mean recovered fraction over locks (t interval) against k, the k = 0 methods as lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.8))
    for m in ("ground_truth", "weak", "unrelated"):
        pts = [r for r in a.methods if r.method == m and r.recovered.estimate is not None]
        if pts:
            ys = [r.recovered.estimate or 0.0 for r in pts]
            lo = [
                y - (r.recovered.lo if r.recovered.lo is not None else y)
                for y, r in zip(ys, pts, strict=True)
            ]
            hi = [
                (r.recovered.hi if r.recovered.hi is not None else y) - y
                for y, r in zip(ys, pts, strict=True)
            ]
            ax.errorbar([r.k for r in pts], ys, yerr=[lo, hi], marker="o", capsize=3, label=m)
    for m, style in (("expert_iteration", "--"), ("consistency", ":")):
        r = next((x for x in a.methods if x.method == m), None)
        if r and r.recovered.estimate is not None:
            ax.axhline(r.recovered.estimate, linestyle=style, color="grey", label=m)
    ks = sorted(cfg.sweep.ks)
    ax.set_xscale("log", base=2)
    ax.set_xlim(ks[0] / 1.5, ks[-1] * 1.5)  # fixed: a plot with no finite point still has a log axis
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("demonstrations, k")
    ax.set_ylabel("recovered fraction (mean over locks)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
