"""The study registry: ``@study`` registers a study by name, the way Inspect's ``@task`` registers tasks.

A study is a function ``(out, fast, config) -> StudyResult``. The engine never imports a study:
:mod:`assay.studies` imports its subpackages (each ``__init__`` imports the module holding its ``@study``
function; keep that import cheap by loading torch inside the function) before it lists or runs one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assay._errors import AssayError


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


def study_registry() -> dict[str, StudySpec]:
    """The studies registered so far, by name (:func:`assay.studies.registered_studies` loads all)."""
    return dict(sorted(_STUDIES.items()))


def run_registered(
    name: str,
    out: Path,
    fast: bool = False,
    config: Path | None = None,
    overrides: Mapping[str, str] | None = None,
) -> StudyResult:
    """Run the registered study ``name`` into ``out`` (resuming finished stages); write metrics and report.

    Args:
        name: A registered study.
        out: Output directory.
        fast: Run the same pipeline on the toy model with small sizes.
        config: Optional YAML file overriding the study's configuration.
        overrides: Top-level config fields set after ``fast`` and ``config`` (``assay study --model M
            --device D --dtype T``), through :func:`assay.engine.config_overrides`: the study's
            :func:`load_config` applies them, an invalid one is an error naming the option.

    The run holds the output folder's lock (:func:`assay.engine._lock.output_lock`) while it writes:
    under ``accelerate launch`` each process locks the folder it writes (:func:`process_out`).

    Raises:
        AssayError: Unknown study name, invalid configuration, or another run writing into ``out``
            (the message names its PID and start time).
    """
    if name not in _STUDIES:
        raise AssayError(f"unknown study '{name}'; known studies: {', '.join(study_registry())}")
    from assay._precision import precision_scope
    from assay.engine._lock import output_lock
    from assay.engine._runner import process_out
    from assay.engine._yaml import config_overrides

    where = process_out(out)
    # metrics.json records this run's precisions only
    with output_lock(where), precision_scope(), config_overrides(overrides or {}):
        return _STUDIES[name].run(where, fast, config)
