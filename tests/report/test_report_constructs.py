"""The constructs section: shown for agentic logs (assay's and the original's construct), absent elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai import eval
from inspect_ai.model import get_model

from assay.cli._report import report_command
from assay.report import build_report, render_markdown
from assay.tasks.agentic import agentic_misalignment

SCRIPTS = Path(__file__).resolve().parents[1] / "tasks" / "agentic" / "scripts"


@pytest.fixture(scope="module")
def agentic_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smoke grid in classic mode (6 samples), answered by an agent that tells the executive's wife.

    The two blackmail samples disclose the affair (harmful under assay's construct only); the leaking and
    lethal samples are benign under both (the email is neither a leak nor a cancelled alert).
    """
    [log] = eval(
        agentic_misalignment(grid="smoke", mode="classic", construct="original"),
        model=get_model("assay/scripted", script=str(SCRIPTS / "nearmiss_spouse.yaml"), memoize=False),
        log_dir=str(tmp_path_factory.mktemp("constructs")),
        display="none",
    )
    return Path(log.location)


def test_the_report_shows_both_rates_and_the_disagreement_table(agentic_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(report_command, [str(agentic_log), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "constructs compared on 6 samples" in result.output
    assert "2 harmful under assay, not under original: third-party disclosure" in result.output
    html = out.read_text(encoding="utf-8")
    assert "Constructs compared" in html and "third-party disclosure" in html
    section = next(s for s in build_report([agentic_log]).extra_sections if s.id == "constructs")
    rates = {row[2]: (row[3], row[4]) for row in section.tables[0].rows}
    assert rates == {"assay": ("6", "2"), "original": ("6", "0")}
    assert section.tables[1].rows == [
        ["assay/agentic_misalignment", "assay/scripted", "assay", "original", "third-party disclosure", "2"]
    ]
    assert "| third-party disclosure | 2 |" in render_markdown(build_report([agentic_log]))


def test_the_headline_rate_follows_the_chosen_construct(agentic_log: Path) -> None:
    [overall] = build_report([agentic_log]).summary.overall
    assert (overall.k, overall.n) == (0, 6)  # the log ran with -T construct=original


def test_no_constructs_section_for_logs_without_construct_records(factorial_log: Path) -> None:
    assert all(s.id != "constructs" for s in build_report([factorial_log]).extra_sections)
