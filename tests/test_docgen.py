"""assay._docgen finds, replaces and checks generated sections, and refuses malformed markers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay._docgen import (
    DocSectionError,
    block,
    bodies,
    check_sections,
    own_sections,
    render_from_sources,
    replace_own,
    replace_sections,
    sections,
    table,
)

PAGE = "\n".join(
    [
        "# Title",
        "hand-written text",
        block("a", "old a"),
        "between",
        block("b", "| x |\n|---|\n| 1 |"),
        "after",
    ]
)


def test_sections_are_found_in_page_order_with_their_blocks() -> None:
    found = sections(PAGE)
    assert list(found) == ["a", "b"]
    a = found["a"]
    assert PAGE[a.start : a.stop] == "<!-- generated: a -->\nold a\n<!-- end generated: a -->"


def test_replace_rewrites_only_between_markers() -> None:
    new = replace_sections(PAGE, {"a": "new a\n", "b": "new b"})
    assert new == PAGE.replace("old a", "new a").replace("| x |\n|---|\n| 1 |", "new b")
    assert check_sections(new, {"a": "new a", "b": "new b"}) == []
    assert replace_sections(new, {"a": "new a", "b": "new b"}) == new


def test_check_reports_each_difference_on_one_line() -> None:
    problems = check_sections(PAGE, {"a": "old a", "b": "changed", "c": "new"})
    assert problems == [
        "section 'b' (line 7) differs from its rendering",
        "section 'c' is missing from the page",
    ]
    assert check_sections(PAGE, {"a": "old a"}) == ["section 'b' is in the page but nothing renders it"]


def test_replace_refuses_a_page_and_renderer_that_name_different_sections() -> None:
    with pytest.raises(DocSectionError, match="section 'c' is missing from the page"):
        replace_sections(PAGE, {"a": "", "b": "", "c": ""})
    with pytest.raises(DocSectionError, match="section 'b' is in the page but nothing renders it"):
        replace_sections(PAGE, {"a": ""})


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (
            "x\n<!-- generated: a -->\ntext",
            r"line 2: '<!-- generated: a -->' has no '<!-- end generated: a -->'",
        ),
        ("<!-- end generated: a -->", r"line 1: .* has no begin marker before it \(no section is open\)"),
        (
            "<!-- generated: a -->\n<!-- end generated: b -->",
            r"line 2: .* has no begin marker before it \(section 'a' is open\)",
        ),
        (
            "<!-- generated: a -->\n<!-- generated: b -->",
            r"line 2: .* opens inside '<!-- generated: a -->' \(no '<!-- end generated: a -->'",
        ),
        (block("a", "") + "\n" + block("a", ""), r"line 4: section 'a' appears twice"),
        ("<!-- end generated: a -->\n<!-- generated: a -->", r"line 1: .* has no begin marker"),
    ],
)
def test_malformed_markers_are_refused_naming_the_line(page: str, message: str) -> None:
    with pytest.raises(DocSectionError, match=message):
        sections(page)
    with pytest.raises(DocSectionError, match=message):
        check_sections(page, {})


def test_markers_quoted_inside_a_line_are_not_markers() -> None:
    page = "Write `<!-- generated: NAME -->` and `<!-- end generated: NAME -->` around a section."
    assert sections(page) == {}


def test_bodies_are_what_block_was_given() -> None:
    assert bodies(PAGE) == {"a": "old a", "b": "| x |\n|---|\n| 1 |"}
    assert replace_sections(PAGE, bodies(PAGE)) == PAGE


SOURCED = "\n".join(["# Title", block("a", "old a", "results/a.json"), "between", block("b", "old b")])


def test_a_begin_marker_may_name_its_source() -> None:
    found = sections(SOURCED)
    assert found["a"].source == "results/a.json" and found["b"].source is None
    a = found["a"]
    assert SOURCED[a.start : a.stop] == (
        "<!-- generated: a source=results/a.json -->\nold a\n<!-- end generated: a -->"
    )
    assert bodies(SOURCED) == {"a": "old a", "b": "old b"}


def test_replace_keeps_each_source_and_check_compares_under_it() -> None:
    new = replace_sections(SOURCED, {"a": "new a", "b": "new b"})
    assert new == SOURCED.replace("old a", "new a").replace("old b", "new b")
    assert {n: s.source for n, s in sections(new).items()} == {"a": "results/a.json", "b": None}
    assert check_sections(new, {"a": "new a", "b": "new b"}) == []
    assert replace_sections(SOURCED, bodies(SOURCED)) == SOURCED


def test_check_names_the_source_of_a_differing_section() -> None:
    assert check_sections(SOURCED, {"a": "changed", "b": "changed"}) == [
        "section 'a' (line 2, source results/a.json) differs from its rendering",
        "section 'b' (line 6) differs from its rendering",
    ]


def test_an_end_marker_naming_a_source_is_refused() -> None:
    page = "<!-- generated: a -->\nx\n<!-- end generated: a source=r.json -->"
    with pytest.raises(DocSectionError, match=r"line 3: .* names a source \(only a begin marker may\)"):
        sections(page)


def test_table_escapes_pipes_in_its_cells() -> None:
    assert table(["a", "b|c"], [["1", "x|y"]]) == ["| a | b\\|c |", "|---|---|", "| 1 | x\\|y |"]


def _shared_page() -> str:
    return (
        "intro\n"
        + block("a-one", "old a", "res/a.json")
        + "\nmiddle\n"
        + block("b-one", "old b", "res/b.json")
        + "\n"
    )


def test_a_renderer_renders_and_replaces_only_its_own_sections(tmp_path: Path) -> None:
    """Two renderers share a page: each reads its own sources and leaves the other's sections alone."""
    (tmp_path / "res").mkdir()
    (tmp_path / "res" / "a.json").write_text(json.dumps({"x": 7}))
    page = _shared_page()

    def render(rec: dict[str, int]) -> dict[str, str]:
        return {"a-one": f"x = {rec['x']}"}

    rendered = render_from_sources(page, tmp_path, render, prefix="a-")
    assert rendered == {"a-one": "x = 7"}  # b.json does not exist and is never read
    assert check_sections(own_sections(page, "a-"), rendered) != []
    new = replace_own(page, rendered)
    assert bodies(new) == {"a-one": "x = 7", "b-one": "old b"}
    assert check_sections(own_sections(new, "a-"), rendered) == []
    assert sections(new)["a-one"].source == "res/a.json"


def test_render_from_sources_names_a_missing_or_silent_source(tmp_path: Path) -> None:
    page = _shared_page()
    with pytest.raises(DocSectionError, match=r"res/a\.json not found"):
        render_from_sources(page, tmp_path, lambda rec: {}, prefix="a-")
    (tmp_path / "res").mkdir()
    (tmp_path / "res" / "a.json").write_text("{}")
    with pytest.raises(DocSectionError, match="renders only"):
        render_from_sources(page, tmp_path, lambda rec: {"other": ""}, prefix="a-")


def test_page_command_checks_writes_and_prints_only_its_own_sections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assay._docgen import page_command

    page = tmp_path / "p.md"
    page.write_text(
        "intro\n<!-- generated: mine-a -->\nold\n<!-- end generated: mine-a -->\n"
        "<!-- generated: other -->\nkept\n<!-- end generated: other -->\n",
        encoding="utf-8",
    )
    assert page_command(page, "mine-", {"mine-a": "new"}, ["--check"]) == 1
    assert "mine-a" in capsys.readouterr().out
    assert page_command(page, "mine-", {"mine-a": "new"}, []) == 0
    assert "new" in capsys.readouterr().out and "old" in page.read_text(encoding="utf-8")
    assert page_command(page, "mine-", {"mine-a": "new"}, ["--write"]) == 0
    text = page.read_text(encoding="utf-8")
    assert "\nnew\n" in text and "\nkept\n" in text and "old" not in text
    assert page_command(page, "mine-", {"mine-a": "new"}, ["--check"]) == 0
    assert capsys.readouterr().out.strip().endswith("up to date")
