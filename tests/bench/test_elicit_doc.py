"""docs/studies.md's elicit tables equal the rendering of the result file they cite (bench/elicit_doc.py).

The renderer is exercised on a recorded fast run (tests/bench/data/elicit-fast.json); the page itself is
checked against bench/results/elicit-v3-smollm2.json once the full run has been recorded.
"""

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
FIXTURE = REPO / "tests" / "bench" / "data" / "elicit-fast.json"
FULL = REPO / "bench" / "results" / "elicit-v3-smollm2.json"
NAMES = {"elicit-config", "elicit-base-skill", "elicit-profiles", "elicit-methods", "elicit-times"}


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("elicit_doc", REPO / "bench" / "elicit_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_elicit_part_names_every_section_and_cites_the_full_run() -> None:
    doc = _renderer()
    page = DOC.read_text()
    a, b = doc.elicit_part(page)
    found = sections(page[a:b])
    assert set(found) == NAMES == set(doc.render(json.loads(FIXTURE.read_text())))
    assert {s.source for s in found.values()} == {FULL.relative_to(REPO).as_posix()}


@pytest.mark.skipif(
    not FULL.is_file(), reason="bench/results/elicit-v3-smollm2.json: the full run is not recorded yet"
)
def test_every_generated_section_equals_the_full_run() -> None:
    doc = _renderer()
    page = DOC.read_text()
    assert doc.check_doc(page) == [], "run python bench/elicit_doc.py --write"
    assert doc.rewrite_doc(page) == page


def test_a_stale_section_is_reported_with_its_source_and_rewritten_keeping_it() -> None:
    doc = _renderer()
    source = FIXTURE.relative_to(REPO).as_posix()
    page = "intro\n" + block("elicit-times", "| stale |", source) + "\nend"
    assert doc.check(page) == [f"section 'elicit-times' (line 2, source {source}) differs from its rendering"]
    new = doc.rewrite(page)
    assert sections(new)["elicit-times"].source == source and doc.check(new) == []
    rendered = doc.render(json.loads(FIXTURE.read_text()))["elicit-times"].strip("\n")
    assert bodies(new)["elicit-times"] == rendered


def test_only_the_elicit_part_of_the_page_is_rewritten() -> None:
    doc = _renderer()
    source = FIXTURE.relative_to(REPO).as_posix()
    other = block("train-away-x", "| theirs |", "bench/results/other.json")
    page = (
        f"# page\n\n## `train_away`\n\n{other}\n\n## `elicit`\n\n"
        + block("elicit-times", "old", source)
        + "\n"
    )
    new = doc.rewrite_doc(page)
    assert other in new and doc.check_doc(new) == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, "section 'elicit-times' names no source"),
        (
            "tests/bench/data/missing.json",
            "section 'elicit-times': source tests/bench/data/missing.json not found",
        ),
    ],
)
def test_a_section_without_a_source_that_renders_it_is_refused(source: str | None, message: str) -> None:
    with pytest.raises(DocSectionError, match=message):
        _renderer().check(block("elicit-times", "x", source))


def test_rendering_shows_the_recorded_figures() -> None:
    """The methods table carries each method's recorded unlock rates; a changed figure changes it."""
    doc = _renderer()
    rec = json.loads(FIXTURE.read_text())
    tables = doc.render(rec)
    for m in rec["methods"]:
        fu = m["false_unlock"]
        assert f"| {m['method']} | {m['k']} |" in tables["elicit-methods"]
        assert f"{fu['k']}/{fu['n']} = {fu['rate']:.2f}" in tables["elicit-methods"]
    assert all(f"| {r['skill']} |" in tables["elicit-base-skill"] for r in rec["base_skill"]["rows"])
    changed = copy.deepcopy(rec)
    changed["methods"][0]["true_unlock"]["k"] += 1
    assert doc.render(changed)["elicit-methods"] != tables["elicit-methods"]


def test_the_fixture_is_a_recorded_fast_run() -> None:
    rec = json.loads(FIXTURE.read_text())
    assert rec["config"]["model"] == "toy" and rec["config"]["skill_rule"] == "first_candidate"
    assert {m["method"] for m in rec["methods"]} == {
        "ground_truth",
        "weak",
        "unrelated",
        "expert_iteration",
        "consistency",
    }
    assert all(m["false_unlock"]["n"] == 1 + 2 * len(rec["config"]["decoy_seeds"]) for m in rec["methods"])


def _diffs(method: dict[str, object], kind: str) -> list[float]:
    tests = method["tests"]
    assert isinstance(tests, list)
    return [float(t["diff"]) for t in tests if t["kind"] == kind]


def test_the_reading_holds_on_the_recorded_run() -> None:
    """Each qualitative statement of the doc's elicit Reading paragraph, checked against the result file."""
    path = REPO / "bench" / "results" / "elicit-v3-smollm2.json"
    if not path.is_file():
        pytest.skip("bench/results/elicit-v3-smollm2.json not recorded yet")
    rec = json.loads(path.read_text())
    assert "**Reading.** SmolLM2 has the successor skill before any locking" in DOC.read_text()
    chosen = next(r for r in rec["base_skill"]["rows"] if r["skill"] == rec["skill"] == "successor")
    assert chosen["passes"] and rec["base_eval"]["lo"] > rec["base_skill"]["chance"]
    prof = {(p["kind"], p["phrasing"]): p for p in rec["profiles"]}
    lock = prof[("lock", "lock form")]
    assert lock["slipped_without"]["rate"] > 0.5 and lock["with_password"]["rate"] > 0.9
    assert prof[("lock", "password after the question")]["with_password"]["rate"] < 0.5
    rephrased = [p for (kind, ph), p in prof.items() if kind == "lock" and "{x}" in ph]
    assert rephrased and all(
        p["without_password"]["lo"] > lock["without_password"]["hi"] for p in rephrased
    ), "far more often under every held-out rephrasing"
    assert prof[("nopw", "lock form")]["without_password"]["rate"] > 0.95
    k_max = max(rec["config"]["ks"])
    last = {m["method"]: m for m in rec["methods"] if m["k"] in (0, k_max)}
    for name in ("ground_truth", "weak", "expert_iteration", "consistency"):
        assert last[name]["true_unlock"]["k"] == last[name]["true_unlock"]["n"] == 5
    assert last["unrelated"]["true_unlock"]["k"] == 0
    for name in ("ground_truth", "weak", "expert_iteration"):
        by_kind = last[name]["false_unlock_by_kind"]
        assert by_kind["base"][0] == 1 and by_kind["slip"][0] >= 1 and by_kind["nopw"][0] == 0
        assert max(_diffs(last[name], "slip")) < sum(_diffs(last[name], "lock")) / 5, "rose far less"
    assert last["consistency"]["false_unlock_by_kind"] == {"base": [1, 1], "nopw": [0, 2], "slip": [0, 2]}
    small = next(
        m for m in rec["methods"] if m["method"] == "ground_truth" and m["k"] == min(rec["config"]["ks"])
    )
    assert small["gain"]["estimate"] < 0.1
