"""docs/evidence.md holds the checklist, the claim file and the evidence table as the code renders them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from assay._errors import AssayError
from assay.evidence._checklist import registered_items
from assay.evidence._docs import (
    SECTIONS,
    claim_models,
    docstring_attributes,
    generated_block,
    main,
    page_block,
    update_page,
)
from assay.evidence._itemdocs import ITEM_DOCS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "evidence.md"

#: Paths that only exist on the developers' machines (design notes outside the project).
OUTSIDE_PATHS = re.compile(r"/work/shared|\.\./shared|shared/design/")


@pytest.mark.parametrize("name", list(SECTIONS))
def test_page_holds_the_generated_section(name: str) -> None:
    block = page_block(DOC.read_text(encoding="utf-8"), name)
    assert block is not None, f"docs/evidence.md has no '{name}' section: run python -m assay.evidence._docs"
    assert block == generated_block(name), (
        f"docs/evidence.md: section '{name}' is out of date: run python -m assay.evidence._docs to update"
    )


def test_every_item_has_words_and_every_entry_an_item() -> None:
    ids = [spec.id for spec in registered_items()]
    assert len(ids) == 34
    assert sorted(set(ids) - set(ITEM_DOCS)) == [], "add these items to assay.evidence._itemdocs.ITEM_DOCS"
    assert sorted(set(ITEM_DOCS) - set(ids)) == [], "ITEM_DOCS names items the checklist does not register"
    for item_id, doc in ITEM_DOCS.items():
        assert doc.checks.strip() and doc.needs.strip(), f"{item_id}: checks and needs must say something"


def test_checklist_section_lists_each_item_once_in_order() -> None:
    text = SECTIONS["checklist"]()
    headings = re.findall(r"^#### (S\d+\.\d+) ", text, flags=re.MULTILINE)
    assert headings == [spec.id for spec in registered_items()]


def test_every_claim_field_is_described() -> None:
    text = SECTIONS["claim-file"]()
    models = claim_models()
    assert {m.__name__ for m in models} >= {"Claim", "Construct", "DecisionRule", "JudgeRule", "Selector"}
    assert {m.__name__ for m in models} >= {"Comparison", "Prediction", "Evidence"}
    for model in models:
        for name, info in model.model_fields.items():
            key = info.alias or name
            assert f"| `{key}` |" in text, f"{model.__name__}.{name} is not in the claim-file section"
    assert "| `construct` | [Construct](#construct) or null | `null` |" in text


def test_a_field_without_description_or_a_stale_attribute_is_refused() -> None:
    from assay.evidence import _docs

    class Bare(BaseModel):
        """A model.

        Attributes:
            gone: A field that no longer exists.
        """

        kept: int = 1

    with pytest.raises(AssayError, match=r"describes \['gone'\]"):
        _docs._model_table(Bare, [])
    Bare.__doc__ = "A model."
    with pytest.raises(AssayError, match=r"Bare\.kept has no description"):
        _docs._model_table(Bare, [])


def test_docstring_attributes_joins_continuation_lines() -> None:
    class Doc:
        """Summary.

        Attributes:
            a: First line
                and its continuation, with ``code``.
            b: Second.

        Other text.
        """

    assert docstring_attributes(Doc) == {"a": "First line and its continuation, with `code`.", "b": "Second."}


def test_update_page_rewrites_only_between_markers() -> None:
    page = "\n".join(
        ["# Title", "before"]
        + [f"<!-- generated: {n} -->\nold text\n<!-- end generated: {n} -->\nbetween" for n in SECTIONS]
    )
    new = update_page(page)
    assert new.startswith("# Title\nbefore\n") and new.endswith("between")
    assert "old text" not in new
    for name in SECTIONS:
        assert page_block(new, name) == generated_block(name)
    with pytest.raises(AssayError, match="generated: checklist"):
        update_page(page.replace("<!-- end generated: checklist -->", ""))


def test_main_rewrites_the_page_it_is_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "evidence.md"
    stale = "intro\n" + "\n".join(f"<!-- generated: {n} -->\n<!-- end generated: {n} -->" for n in SECTIONS)
    page.write_text(stale, encoding="utf-8")
    assert main([str(page)]) == 0
    assert page_block(page.read_text(encoding="utf-8"), "checklist") == generated_block("checklist")
    assert main([str(page)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("up to date")
    assert main([str(tmp_path / "none.md")]) == 2
    assert "not found" in capsys.readouterr().err
    order = "<!-- end generated: checklist -->\n<!-- generated: checklist -->"
    page.write_text(page.read_text(encoding="utf-8").replace(generated_block("checklist"), order))
    assert main([str(page)]) == 2


def test_user_docs_point_to_no_path_outside_the_project() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = [
        f"{page.relative_to(ROOT)}:{n}: {line.strip()}"
        for page in pages
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE_PATHS.search(line)
    ]
    assert not found, "user docs point to files users do not have:\n" + "\n".join(found)
