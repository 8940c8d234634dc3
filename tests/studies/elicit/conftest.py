"""One fast run of the elicitation study (toy model), shared by the study's slow tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def fast_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The output folder of a finished fast run and its result (run once per session)."""
    from assay.studies import run_study

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    out = tmp_path_factory.mktemp("elicit")
    return out, run_study("elicit", out, fast=True)
