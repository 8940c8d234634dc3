"""docs/studies.md's train_away sections equal the rendering of the result file they cite."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from assay._docgen import DocSectionError, block, bodies, sections

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "studies.md"
FIXTURE = REPO / "tests" / "bench" / "data" / "train_away-fast.json"
RECORD = "bench/results/train_away-v3-smollm2.json"


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_away_doc", REPO / "bench" / "train_away_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mine(text: str) -> dict[str, str | None]:
    return {n: s.source for n, s in sections(text).items() if n.startswith("train_away-")}


def test_the_doc_cites_the_full_run_and_equals_it_once_recorded() -> None:
    doc = _renderer()
    text = DOC.read_text()
    names = set(doc.render(json.loads(FIXTURE.read_text())))
    assert set(_mine(text)) == names and set(_mine(text).values()) == {RECORD}
    if not (REPO / RECORD).is_file():  # the lead records it after the full run
        assert all(bodies(text)[n].startswith("(") for n in names), "sections hold figures without a source"
        pytest.skip(f"{RECORD} not recorded yet")
    assert doc.check(text) == [], "run python bench/train_away_doc.py --write"
    assert doc.rewrite(text) == text


def test_a_stale_section_is_reported_and_rewritten_leaving_other_studies_alone() -> None:
    doc = _renderer()
    source = FIXTURE.relative_to(REPO).as_posix()
    other = block("elicit-base", "| theirs |", "bench/results/elsewhere.json")
    page = "intro\n" + block("train_away-times", "| stale |", source) + "\n" + other + "\nend"
    assert doc.check(page) == [
        f"section 'train_away-times' (line 1, source {source}) differs from its rendering"
    ]
    new = doc.rewrite(page)
    assert doc.check(new) == [] and other in new and sections(new)["train_away-times"].source == source
    assert bodies(new)["train_away-times"] == doc.render(json.loads(FIXTURE.read_text()))[
        "train_away-times"
    ].strip("\n")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, "section 'train_away-times' names no source"),
        (
            "tests/bench/data/missing.json",
            "section 'train_away-times': source tests/bench/data/missing.json not found",
        ),
    ],
)
def test_a_section_without_a_source_that_renders_it_is_refused(source: str | None, message: str) -> None:
    with pytest.raises(DocSectionError, match=message):
        _renderer().check(block("train_away-times", "x", source))


def test_rendering_shows_the_recorded_figures() -> None:
    """The sycophancy-vs-copying row carries its recorded difference and MDE; a changed figure changes it."""
    doc = _renderer()
    rec = json.loads(FIXTURE.read_text())
    tables = doc.render(rec)
    v = rec["versus"][0]
    row = next(line for line in tables["train_away-versus"].splitlines() if v["name"] in line)
    assert f"{v['test']['diff']:+.2f}" in row and f"{v['test']['mde']:.2f}" in row
    assert all(f"| {m['behaviour']} |" in tables["train_away-matching"] for m in rec["matching"])
    changed = copy.deepcopy(rec)
    changed["versus"][0]["test"]["mde"] += 0.5
    assert doc.render(changed)["train_away-versus"] != tables["train_away-versus"]
    changed["base"]["copying"]["heldout"]["rate"] = 0.1
    assert doc.render(changed)["train_away-headroom"] != tables["train_away-headroom"]


def test_the_fixture_is_a_recorded_fast_run() -> None:
    rec = json.loads(FIXTURE.read_text())
    assert rec["config"]["model"] == "toy" and rec["k_max"] == max(rec["config"]["ks"])
    assert {m["behaviour"] for m in rec["matching"]} == {"habit", "copying", "sycophancy"}
    assert {c["measure"] for c in rec["construct"]} == {"sycophancy", "copying", "construct"}
    assert all(len(f["test"]["per_seed"]) == len(rec["config"]["seeds"]) for f in rec["final"])
    assert rec["stages_s"] and rec["wall_s"] is not None


def test_doc_states_the_default_sizes_of_the_config() -> None:
    """The one sentence that names the default k and seeds agrees with the config."""
    from assay.studies.train_away import TrainAwayConfig

    sweep = TrainAwayConfig().sweep
    text = " ".join(DOC.read_text().split())
    ks, seeds = ", ".join(map(str, sweep.ks)), ", ".join(map(str, sweep.seeds))
    assert f"Defaults: k = {ks}; seeds {seeds}; SFT." in text


def test_the_reading_holds_on_the_recorded_run() -> None:
    """Each qualitative statement of the doc's Reading paragraph, checked against the result file."""
    path = REPO / RECORD
    if not path.is_file():
        pytest.skip(f"{RECORD} not recorded yet")
    rec = json.loads(path.read_text())
    assert "**Reading.** On SmolLM2 the construct is absent" in DOC.read_text()
    # "the interval reaches zero in every cell" (construct at baseline)
    assert all(c["lo"] <= 0 <= c["hi"] for c in rec["base"]["construct"].values())
    # "neither stream moves the construct" (held-out, largest k)
    moved = [c for c in rec["construct"] if c["measure"] == "construct"]
    assert moved and all(c["lo"] <= 0 <= c["hi"] for c in moved)
    # "removed at the same pace at every k"
    pace = [v["test"] for v in rec["versus"] if "vs copying" in v["name"]]
    assert pace and all(t["lo"] <= 0 <= t["hi"] for t in pace)
    # "the no-op fine-tune moves neither" (held-out)
    noop = [c for c in rec["construct"] if c["stream"].endswith("noop") and c["measure"] != "construct"]
    assert noop and all(c["lo"] <= 0 <= c["hi"] for c in noop)
    # "scored per token, the habit is nearly absent"
    habit = next(m for m in rec["matching"] if m["behaviour"] == "habit")
    assert habit["base_rate"]["hi"] < 0.10 and habit["shared_tokens"] > 0.5
