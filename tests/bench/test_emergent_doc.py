"""docs/emergent.md's result tables equal the rendering of the result files they cite (emergent_doc.py)."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from assay._docgen import DocSectionError, block, bodies, sections
from assay.studies.emergent import EmergentConfig

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "emergent.md"
FIXTURE = REPO / "tests" / "bench" / "data" / "emergent-fast.json"


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("emergent_doc", REPO / "bench" / "emergent_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generated_section_equals_its_result_file() -> None:
    doc = _renderer()
    text = DOC.read_text()
    found = sections(text)
    assert set(doc.render(json.loads(FIXTURE.read_text()))) <= set(found)
    assert all(s.source is not None and (REPO / s.source).is_file() for s in found.values())
    assert doc.check(text) == [], "run python bench/emergent_doc.py --write"
    assert doc.rewrite(text) == text


def test_a_stale_section_is_reported_with_its_source_and_rewritten_keeping_it() -> None:
    doc = _renderer()
    source = FIXTURE.relative_to(REPO).as_posix()
    page = "intro\n" + block("times", "| stale |", source) + "\nend"
    assert doc.check(page) == [f"section 'times' (line 2, source {source}) differs from its rendering"]
    new = doc.rewrite(page)
    assert sections(new)["times"].source == source and doc.check(new) == []
    assert bodies(new)["times"] == doc.render(json.loads(FIXTURE.read_text()))["times"].strip("\n")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, "section 'times' names no source"),
        ("tests/bench/data/missing.json", "section 'times': source tests/bench/data/missing.json not found"),
        ("bench/results/emergent-v3-train-stage.json", "section 'times': .* renders only budget"),
    ],
)
def test_a_section_without_a_source_that_renders_it_is_refused(source: str | None, message: str) -> None:
    with pytest.raises(DocSectionError, match=message):
        _renderer().check(block("times", "x", source))


def test_rendering_shows_the_recorded_figures() -> None:
    """The primary contrast's row carries its recorded interval and MDE; a changed figure changes it."""
    doc = _renderer()
    rec = json.loads(FIXTURE.read_text())
    tables = doc.render(rec)
    prim = rec["contrasts"][rec["primary"]]
    row = next(line for line in tables["contrasts"].splitlines() if "(primary)" in line)
    assert f"{prim['share']['estimate']:+.3f}" in row and f"{prim['mde_share']:.3f}" in row
    assert all(f"| {arm} |" in tables["arms"] for arm in rec["arms"])
    changed = copy.deepcopy(rec)
    changed["contrasts"][rec["primary"]]["mde_share"] += 0.5
    assert doc.render(changed)["contrasts"] != tables["contrasts"]


def test_the_fixture_is_a_recorded_fast_run() -> None:
    rec = json.loads(FIXTURE.read_text())
    assert rec["config"]["model"] == "toy" and rec["primary"] == "educational"
    assert list(rec["contrasts"]) == ["educational", "secure", "benign", "base"]
    assert rec["declaration"]["reference"] == "educational"


def test_doc_states_the_training_size_of_the_config() -> None:
    """The one sentence that names the per-arm sizes agrees with the data and the config default."""
    text = " ".join(DOC.read_text().split())
    n_train = EmergentConfig().training.n_train
    assert f"`training.n_train`, default {n_train}" in text
    assert not re.search(r"\b(192|280) examples per arm\b", text)
