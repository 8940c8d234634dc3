"""Reports on a real Inspect log: self-contained HTML, Markdown and JSON with the same numbers."""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assay.cli._report import report_command
from assay.report import (
    ReportSection,
    ReportTable,
    build_report,
    figure_section_item,
    render_markdown,
    write_report,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "claims"


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson 95 % interval written out independently of the code under test."""
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def test_cli_html_is_self_contained_with_plots_errors_and_claims(factorial_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    raw = yaml.safe_load((EXAMPLES / "agentic_blackmail_intent.yaml").read_text(encoding="utf-8"))
    for key in ("subject", "negative_controls", "primary_comparison"):  # they name the agentic factors
        raw.pop(key, None)
    claim = tmp_path / "intent.yaml"
    claim.write_text(yaml.safe_dump(raw), encoding="utf-8")
    result = CliRunner().invoke(report_command, [str(factorial_log), "-o", str(out), "--claim", str(claim)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "<link" not in html and "@import" not in html
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) >= 4  # rates, outcomes, forest, paired
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert "model_error" in html and "injected" not in html
    assert "achieved L" in html and "overstated" in html and "S4.7" in html
    assert re.search(r"Supported wording at L\d: In \d+ of \d+ samples, the output of", html)  # the downgrade
    assert "Provenance" in html and "leverage_outcome" in html and "aggregation" in html


def test_json_numbers_match_an_independent_wilson_interval(factorial_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(report_command, [str(factorial_log), "-o", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    conds = {c["condition"]: c for c in data["summary"]["conditions"]}
    assert set(conds) == {"a-yes", "a-no", "b-yes", "b-no"}
    for c in conds.values():
        lo, hi = wilson(c["k"], c["n"])
        assert c["method"] == "wilson"
        assert (c["lo"], c["hi"]) == pytest.approx((lo, hi), abs=1e-12)
        assert c["rate"] == pytest.approx(c["k"] / c["n"])
    assert (conds["a-yes"]["n"], conds["a-yes"]["k"]) == (6, 6)
    assert (conds["b-yes"]["n"], conds["b-yes"]["k"]) == (6, 3)
    assert conds["b-no"]["n"] == 3 and conds["b-no"]["errors"] == {"model_error": 3}
    assert conds["b-no"]["rule_of_three_hi"] == pytest.approx(-math.log(0.05) / 3)
    assert data["summary"]["n_errors"] == 3 and data["summary"]["outcome_counts"]["model_error"] == 3
    assert len(data["summary"]["paired"]) == 2  # threat yes vs no, matched by pair_id, per scenario pooled


def test_markdown_has_the_same_tables(factorial_log: Path, tmp_path: Path) -> None:
    path = write_report(tmp_path / "r.md", [factorial_log])
    md = path.read_text(encoding="utf-8")
    for heading in (
        "## Rates per condition",
        "## Outcome breakdown",
        "## Factor effects",
        "## Paired comparisons",
        "## Provenance",
    ):
        assert heading in md
    assert "| mini_factorial | assay/scripted | b | threat=no | 3 | 0 | 0.0 %" in md
    assert "model_error 3" in md


def test_studies_add_sections_with_their_own_figures(factorial_log: Path, tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    fig.add_subplot().plot([0, 1], [1, 0])
    section = ReportSection(
        id="study",
        title="Persistence curve",
        paragraphs=["k-sweep of safety training"],
        tables=[ReportTable(columns=["k", "rate"], rows=[["0", "90 %"], ["64", "12 %"]])],
        figures=[figure_section_item("curve", fig)],
        data={"k": [0, 64]},
    )
    data = build_report([factorial_log], sections=[section], title="Study")
    md = render_markdown(data)
    assert "## Persistence curve" in md and "| 64 | 12 % |" in md
    html = write_report(tmp_path / "s.html", [factorial_log], sections=[section]).read_text(encoding="utf-8")
    assert "Persistence curve" in html and html.count("data:image/png;base64,") >= 5
    js = json.loads(write_report(tmp_path / "s.json", [factorial_log], sections=[section]).read_text())
    assert js["extra_sections"][0]["data"] == {"k": [0, 64]}
    assert "png_base64" not in js["extra_sections"][0]["figures"][0]


def test_bad_input_is_one_line_exit_2(factorial_log: Path, tmp_path: Path) -> None:
    from assay.cli import main

    for argv in (
        ["report", str(tmp_path / "missing.eval"), "-o", str(tmp_path / "x.html")],
        ["report", str(factorial_log), "-o", str(tmp_path / "x.html"), "--claim", str(tmp_path / "no.yaml")],
        ["report", str(factorial_log), "-o", str(tmp_path / "x.html"), "--scorer", "nope"],
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
    assert not (tmp_path / "x.html").exists()
