"""The code version of a stage: a hash of the source of every assay module the stage's function depends on.

A stage's module and, transitively, every ``assay`` module it imports (at the top or inside a function) are
read with :mod:`ast`; their sources, and the versions of the numerical libraries a result depends on, are
hashed. Any edit to that code changes the version, so a resumed study reruns the stage instead of
reusing a result computed by other code. Edits elsewhere (a report module, the CLI) leave it unchanged.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import os
from collections.abc import Callable
from typing import Any

_LIBRARIES = ("torch", "transformers", "peft", "accelerate", "scikit-learn", "numpy", "inspect-ai")


@functools.cache
def _source_path(module: str) -> str | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None and spec.origin and spec.origin.endswith(".py") else None


def _imports(module: str, path: str) -> frozenset[str]:
    """Every ``assay`` module named by an import in the file ``path`` of ``module``.

    Parsed once per file version in this process (keyed by its modification time and size): the closures
    of a study's stage functions share most of their modules.
    """
    stat = os.stat(path)
    return _parsed_imports(module, path, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _parsed_imports(module: str, path: str, mtime_ns: int, size: int) -> frozenset[str]:
    """Imports of one file version (see :func:`_imports`; the stamp only keys the cache)."""
    with open(path, encoding="utf-8") as f:
        return frozenset(_imports_in(module, f.read()))


def _imports_in(module: str, source: str) -> set[str]:
    """Every ``assay`` module named by an import in ``source`` (``from a import b``: ``a`` and ``a.b``)."""
    found: set[str] = set()
    package = module if _source_path(module) and str(_source_path(module)).endswith("__init__.py") else ""
    package = package or module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return {m for m in found if m == "assay" or m.startswith("assay.")}


@functools.cache
def module_closure(module: str) -> tuple[str, ...]:
    """``module`` and every assay module it imports, transitively, sorted."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _source_path(name)
        if path is None:
            continue
        seen.add(name)
        todo += sorted(_imports(name, path) - seen)
    return tuple(sorted(seen))


@functools.cache
def _module_digest(modules: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for name in modules:
        path = _source_path(name)
        if path is not None:
            with open(path, "rb") as f:
                h.update(name.encode() + b"\0" + f.read() + b"\0")
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={importlib.metadata.version(lib)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{lib}=absent".encode())
    return h.hexdigest()[:16]


def _function_module(fn: Callable[..., Any]) -> str:
    while isinstance(fn, functools.partial):
        fn = fn.func
    return str(getattr(fn, "__module__", "") or "")


def code_version(fn: Callable[..., Any] | str) -> str:
    """The code version of a stage function (or a module name): a 16-hex-digit hash, see the module doc."""
    module = fn if isinstance(fn, str) else _function_module(fn)
    return _module_digest(module_closure(module))
