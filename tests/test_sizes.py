"""The package's size rules: modules under 400 lines, functions under 60 lines of code (docstring apart)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "assay"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def function_lines(source: str) -> dict[str, int]:
    """Lines of code of each function in ``source`` (``name:line``), its docstring not counted."""
    out: dict[str, int] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        lines = (node.end_lineno or node.lineno) - node.lineno + 1
        if ast.get_docstring(node, clean=False) is not None:
            first = node.body[0]
            lines -= (first.end_lineno or first.lineno) - first.lineno + 1
        out[f"{node.name}:{node.lineno}"] = lines
    return out


def test_the_count_leaves_out_the_docstring_only() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(3))
    source = f'def f():\n    """Doc.\n\n    More.\n    """\n{body}\n'
    assert function_lines(source) == {"f:1": 4}


def test_no_function_reaches_60_lines_of_code() -> None:
    long = [
        f"{path.relative_to(ROOT)}:{name} ({n})"
        for path in sorted(ROOT.rglob("*.py"))
        for name, n in function_lines(path.read_text(encoding="utf-8")).items()
        if n >= MAX_FUNCTION_LINES
    ]
    assert not long, long


def test_no_module_reaches_400_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)} ({n})"
        for path in sorted(ROOT.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_MODULE_LINES
    ]
    assert not long, long
