"""What a reader sees first: per-model headlines with clustered intervals, readable labels, legend, plots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from assay.evidence import summarize, validate_table
from assay.report import ReportData, render_markdown
from assay.report._labels import plot_labels
from assay.report._plots import _row_figure


def _table() -> pd.DataFrame:
    """Two models, 2 scenarios x 2 urgencies, 10 prompts x 5 epochs with prompt-level clustering."""
    rng = np.random.default_rng(3)
    rows = []
    for model, base in (("org/model-a", 0.6), ("org/model-b", 0.1)):
        for scenario in ("blackmail", "leaking"):
            for urgency in ("none", "replacement"):
                cid = f"{scenario}__explicit-america__{urgency}__email__sp-off__mit-none__nudge-off"
                for prompt in range(10):
                    p = min(0.95, base + 0.3 * rng.random())  # prompts differ: generations cluster
                    for epoch in range(5):
                        rows.append(
                            {
                                "task": "agentic",
                                "model": model,
                                "condition_id": cid,
                                "f_scenario": scenario,
                                "f_urgency": urgency,
                                "f_goal_type": "explicit",
                                "sample_id": f"{cid}-{prompt}",
                                "prompt_sha256": f"{cid}-{prompt}",
                                "epoch": epoch,
                                "outcome": "harmful" if rng.random() < p else "benign",
                            }
                        )
    return validate_table(pd.DataFrame(rows))


def _md() -> str:
    s = summarize(_table(), ["harmful"])
    return render_markdown(ReportData(title="t", created="now", summary=s))


def test_headline_gives_each_model_its_own_rate_and_the_clustered_interval() -> None:
    s = summarize(_table(), ["harmful"])
    assert len(s.overall) == 2 and all(c.design_effect > 1 for c in s.overall)
    md = _md()
    head = md.split("## Headline", 1)[1].split("## ", 1)[0]
    assert "2 models: each has its own rate below; no rate pools models." in head
    for c in s.overall:
        assert f"{c.model} on agentic: {c.k}/{c.n} = " in head
        assert f"clustered by prompt [{100 * c.lo_clustered:.1f} %, {100 * c.hi_clustered:.1f} %]" in head  # type: ignore[operator]
        assert f"(design effect {c.design_effect:.2f}" in head


def test_condition_labels_name_the_differing_factor_grouped_by_scenario() -> None:
    s = summarize(_table(), ["harmful"])
    labels = plot_labels(s.conditions)
    assert len(set(labels)) == len(labels)  # ids share a 60-character prefix; labels must not
    assert "model-a | blackmail | urgency=none" in labels
    md = _md()
    assert "| agentic | org/model-a | blackmail | urgency=replacement | 50 |" in md
    rows = [line for line in md.splitlines() if line.startswith("| agentic | org/model-a |")]
    scenarios = [r.split(" | ")[2] for r in rows[: len(rows) // 2]]
    assert scenarios == sorted(scenarios)  # a scenario's conditions sit together


def test_legend_explains_levels_and_states() -> None:
    md = _md()
    legend = md.split("## How to read the levels and checklist", 1)[1]
    for word in ("| L1 |", "| L2 |", "| L3 |", "| declared |", "| not_applicable |", "| missing |"):
        assert word in legend
    assert "never counts" in legend


def test_axis_and_row_labels_fit_inside_the_figure() -> None:
    labels = ["a very long scenario name | goal_type=explicit, urgency=replacement, mitigation=none"] * 3
    xlabel = "log odds ratio (squares) or risk difference (circles); dark: significant (corrected) " * 2
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, ax = _row_figure(labels, xlabel)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.bbox
    for artist in [ax.xaxis.label, *ax.get_yticklabels()]:
        ext = artist.get_window_extent(renderer)
        assert ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1 and ext.y0 >= box.y0 - 1, artist.get_text()


def test_paired_arms_are_labelled_by_factor_values(factorial_log: Path, tmp_path: Path) -> None:
    from assay.report import write_report

    md = write_report(tmp_path / "r.md", [factorial_log]).read_text(encoding="utf-8")
    paired = md.split("## Paired comparisons", 1)[1].split("\n## ", 1)[0]
    assert "| a \\| threat=no | a \\| threat=yes |" in paired
    assert "| a-no |" not in paired
