"""docs/evidence.md's "Speed of `assay report`" quotes bench/results/report_perf*.json exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
RESULT = REPO / "bench" / "results" / "report_perf.json"
BEFORE = REPO / "bench" / "results" / "report_perf_before.json"
DOC = REPO / "docs" / "evidence.md"


def _s(x: float) -> str:
    return f"{x:.2f}"


def speed_paragraph(now: dict[str, Any], before: dict[str, Any]) -> str:
    """The figures of the section, built from the two result files (whitespace-normalised)."""
    sec, stages, alone = now["seconds"], now["stages_cpu_after_imports"], now["imports_alone_cpu"]
    old = before["seconds"]
    met = "met" if now["ratio_to_goal"] <= 1 else "not met"
    dropped = " and ".join(p for p in ("scipy", "statsmodels") if p in before["heavy_packages_loaded"])
    text = (
        f"On the shared {now['cpus']}-core machine at load average {now['load_average_1min']}: "
        f"median {_s(sec['report_command_median'])} s wall, {_s(sec['report_command_cpu_median'])} s CPU; "
        f"the goal of {now['goal_seconds']:.0f} s is {met} ({now['ratio_to_goal']}x the goal). "
        f"A process that only imports the {now['modules_loaded']} modules the command loads takes "
        f"{_s(sec['imports_cpu_median'])} s CPU ({round(100 * now['import_share_of_cpu'])} % of the cost); "
        f"after the imports, reading the log into the table takes {_s(stages['table'])} s CPU, "
        f"the statistics {_s(stages['statistics'])} s and the HTML with three plots "
        f"{_s(stages['html_with_plots'])} s. Imports measured alone (CPU): `inspect_ai.log` "
        f"{_s(alone['inspect_ai.log'])} s, pandas {_s(alone['pandas'])} s, matplotlib "
        f"{_s(alone['matplotlib'])} s; `statsmodels.api` alone {_s(alone['statsmodels.api'])} s "
        "(it loads scipy.stats and pandas). The same bench on the code before "
        "(`bench/results/report_perf_before.json`, same machine, load average "
        f"{before['load_average_1min']}): "
        f"median {_s(old['report_command_median'])} s wall, {_s(old['report_command_cpu_median'])} s CPU, "
        f"{before['modules_loaded']} modules loaded, among them {dropped}."
    )
    return " ".join(text.split())


def test_the_doc_quotes_the_recorded_report_timings() -> None:
    now, before = json.loads(RESULT.read_text()), json.loads(BEFORE.read_text())
    assert now["src"] == "this checkout" and now["samples"] == before["samples"] == 1000
    assert not {"scipy", "statsmodels", "torch", "transformers"} & set(now["heavy_packages_loaded"])
    doc = " ".join(DOC.read_text().split())
    assert speed_paragraph(now, before) in doc
