"""docs/agentic.md's recipe sections equal their rendering from the recipe and the published count tables."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from doc_sections import renderer

from assay._docgen import block, bodies, sections

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "agentic.md"


def _renderer() -> ModuleType:
    return renderer("agentic_recipe_doc")


def test_the_doc_holds_the_rendering_of_its_sources() -> None:
    doc = _renderer()
    text = DOC.read_text(encoding="utf-8")
    mine = {n: s.source for n, s in sections(text).items() if n.startswith("agentic-recipe-")}
    assert mine == doc.SOURCES
    assert doc.check(text) == [], "run python bench/agentic_recipe_doc.py --write"
    assert doc.rewrite(text) == text


def test_the_published_figures_come_from_the_count_table() -> None:
    published = bodies(DOC.read_text(encoding="utf-8"))["agentic-recipe-published"]
    for model, rate in [("claude-opus-4", 96), ("gpt-4.1", 80), ("deepseek-r1", 79)]:
        assert f"| {model} | {rate} % |" in published
    assert "Anthropic 2025" in published and "n not stated" in published


def test_a_changed_figure_is_reported_and_other_sections_are_left_alone(tmp_path: Path) -> None:
    doc = _renderer()
    text = DOC.read_text(encoding="utf-8")
    stale = text.replace("| gpt-4.1 | 80 % |", "| gpt-4.1 | 85 % |")
    [problem] = doc.check(stale)
    assert problem.startswith("section 'agentic-recipe-published' (line ")
    assert problem.endswith("agentic_blackmail_models.yaml) differs from its rendering")
    other = block("planted-table", "| theirs |", "bench/results/elsewhere.json")
    page = stale + "\n" + other + "\n"
    assert doc.rewrite(page) == text + "\n" + other + "\n"
