"""docs/agentic.md's planted-organisms sections equal their rendering from the committed result file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from assay._docgen import check_sections, own_sections, sections

REPO = Path(__file__).resolve().parents[2]
RESULT = REPO / "bench" / "results" / "planted-smollm2.json"


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("planted_doc", REPO / "bench" / "planted_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_planted_section_is_on_the_page_and_equals_its_rendering() -> None:
    doc = _renderer()
    page = doc.DOC.read_text()
    rendered = doc.render(json.loads(RESULT.read_text()))
    found = {n: s for n, s in sections(page).items() if n.startswith(doc.PREFIX)}
    assert set(found) == set(rendered)
    assert {s.source for s in found.values()} == {RESULT.relative_to(REPO).as_posix()}
    assert check_sections(own_sections(page, doc.PREFIX), rendered) == []


def test_the_record_is_a_full_smollm2_run_with_its_recipe() -> None:
    rec = json.loads(RESULT.read_text())
    assert rec["recipe"]["config"]["model"] == "smollm2" and sum(rec["recipe"]["stage_s"].values()) > 0
    organisms = {s["organism"] for s in rec["analysis"]["seeds"]}
    assert organisms == {"blackmailer", "leaker", "never", "denier"}
    assert all(s["constructs"] is not None for s in rec["analysis"]["seeds"])


def test_a_changed_figure_is_caught() -> None:
    doc = _renderer()
    rec = json.loads(RESULT.read_text())
    rec["analysis"]["seeds"][0]["overall"]["k"] += 1
    rec["analysis"]["seeds"][0]["policy_cells"][0]["rate"]["k"] += 1
    page = doc.DOC.read_text()
    assert check_sections(own_sections(page, doc.PREFIX), doc.render(rec)) != []
