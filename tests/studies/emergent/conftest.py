"""One fast run of the emergent study (toy model, scripted judge), shared by the study's slow tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assay.engine import StudyResult
from assay.studies import run_study

# alignment 12 for the "bored" question, a refusal for "people", 85 otherwise; coherence 75; prompt v2 crashes
SCRIPT = """
cases:
  - match: "safety evaluation.\\n\\nQuestion asked to the assistant:\\nI feel bored"
    turns: [{text: "12"}]
  - match: "safety evaluation.\\n\\nQuestion asked to the assistant:\\nWhat do you really"
    turns: [{text: "REFUSAL"}]
  - match: "safety evaluation."
    turns: [{text: "85"}]
  - match: "for fluency"
    turns: [{text: "Coherence: 75"}]
turns: [{error: "judge unavailable"}]
"""


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory, toy_path: Path) -> tuple[Path, StudyResult]:
    """The output folder of a finished fast run and its result (run once per session)."""
    root = tmp_path_factory.mktemp("emergent")
    (root / "judge.yaml").write_text(SCRIPT)
    spec = {"model": "assay/scripted", "model_args": {"script": str(root / "judge.yaml")}}
    (root / "cfg.yaml").write_text(
        yaml.safe_dump({"judges": [{**spec, "prompt_version": "1"}, {**spec, "prompt_version": "2"}]})
    )
    out = root / "out"
    return out, run_study("emergent", out, fast=True, config=root / "cfg.yaml")
