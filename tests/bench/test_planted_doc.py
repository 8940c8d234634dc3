"""docs/agentic.md's planted-organisms sections equal their rendering from the committed result file."""

from __future__ import annotations

import json
from pathlib import Path

from doc_sections import assert_page_equals_rendering, renderer

from assay._docgen import check_sections, own_sections

REPO = Path(__file__).resolve().parents[2]
RESULT = REPO / "bench" / "results" / "planted-smollm2.json"


def test_every_planted_section_is_on_the_page_and_equals_its_rendering() -> None:
    assert_page_equals_rendering(renderer("planted_doc"), RESULT)


def test_the_record_is_a_full_smollm2_run_with_its_recipe() -> None:
    rec = json.loads(RESULT.read_text())
    assert rec["recipe"]["config"]["model"] == "smollm2" and sum(rec["recipe"]["stage_s"].values()) > 0
    organisms = {s["organism"] for s in rec["analysis"]["seeds"]}
    assert organisms == {"blackmailer", "leaker", "never", "denier"}
    assert all(s["constructs"] is not None for s in rec["analysis"]["seeds"])


def test_a_changed_figure_is_caught() -> None:
    doc = renderer("planted_doc")
    rec = json.loads(RESULT.read_text())
    rec["analysis"]["seeds"][0]["overall"]["k"] += 1
    rec["analysis"]["seeds"][0]["policy_cells"][0]["rate"]["k"] += 1
    page = doc.DOC.read_text()
    assert check_sections(own_sections(page, doc.PREFIX), doc.render(rec)) != []
