"""docs/agentic.md's engagement tables equal the rendering of the result file, and the file equals the log."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from assay._docgen import check_sections, own_sections, sections

REPO = Path(__file__).resolve().parents[2]
RESULT = REPO / "bench" / "results" / "engagement-smoke-smollm2.json"


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("engagement_smoke", REPO / "bench" / "engagement_smoke.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_doc_sections_equal_their_rendering_from_the_result_file() -> None:
    doc = _renderer()
    page = doc.DOC.read_text()
    found = {n: s for n, s in sections(page).items() if n.startswith(doc.PREFIX)}
    assert set(found) == {"engagement-split", "engagement-samples"}
    assert {s.source for s in found.values()} == {RESULT.relative_to(REPO).as_posix()}
    rendered = doc.render(json.loads(RESULT.read_text()))
    assert check_sections(own_sections(page, doc.PREFIX), rendered) == []


def test_the_result_file_is_what_the_committed_log_holds() -> None:
    doc = _renderer()
    assert json.loads(RESULT.read_text()) == json.loads(json.dumps(doc.summarise(doc.LOG)))


def test_a_changed_figure_is_caught() -> None:
    doc = _renderer()
    rec = json.loads(RESULT.read_text())
    rec["outcomes"]["not_engaged"] += 1
    page = doc.DOC.read_text()
    assert check_sections(own_sections(page, doc.PREFIX), doc.render(rec)) != []
