"""Shared checks of the docs pages whose sections a bench script renders from a committed result file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from assay._docgen import check_sections, own_sections, sections

REPO = Path(__file__).resolve().parents[2]


def renderer(script: str) -> ModuleType:
    """The bench script ``bench/<script>.py`` loaded as a module (its ``DOC``, ``PREFIX`` and ``render``)."""
    spec = importlib.util.spec_from_file_location(script, REPO / "bench" / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_page_equals_rendering(doc: ModuleType, result: Path) -> None:
    """Every section of ``doc.DOC`` named ``doc.PREFIX...`` cites ``result`` and equals its rendering."""
    page = doc.DOC.read_text()
    rendered = doc.render(json.loads(result.read_text()))
    found = {n: s for n, s in sections(page).items() if n.startswith(doc.PREFIX)}
    assert set(found) == set(rendered)
    assert {s.source for s in found.values()} == {result.relative_to(REPO).as_posix()}
    assert check_sections(own_sections(page, doc.PREFIX), rendered) == []
