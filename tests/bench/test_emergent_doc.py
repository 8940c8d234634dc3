"""docs/emergent.md's result tables equal the rendering of the result files they cite (emergent_doc.py)."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

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
    found = doc.sections(DOC.read_text())
    assert set(doc.render(json.loads(FIXTURE.read_text()))) <= {name for name, _, _ in found}
    for name, source, body in found:
        assert (REPO / source).is_file(), source
        assert body == doc.render(json.loads((REPO / source).read_text()))[name], name


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
