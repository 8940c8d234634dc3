"""The ``--fast`` planted study (toy model) end to end: implants, the real task's logs, the run records."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from assay.studies.planted._config import PlantedConfig
from assay.studies.planted._pipeline import task_args
from assay.studies.planted._policy import ORGANISMS


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The output folder of a finished fast run and its result."""
    from assay.studies import run_study

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    out = tmp_path_factory.mktemp("planted")
    return out, run_study("planted", out, fast=True)


def test_every_organism_ran_the_real_task_on_its_grid(fast_run: tuple[Path, Any]) -> None:
    import json

    from inspect_ai.log import read_eval_log

    from assay.studies.planted._results import OrganismRun

    out, _ = fast_run
    cfg = PlantedConfig.fast()
    runs = [
        OrganismRun.model_validate(
            json.loads((out / "stages" / f"run_{o}_s0" / "stage.json").read_text())["result"]
        )
        for o in ORGANISMS
    ]
    assert [r.organism for r in runs] == list(ORGANISMS)
    n_grid = 2 * 2 * len(cfg.eval_nudges) * cfg.eval_paraphrases * cfg.epochs
    for run in runs:
        log = read_eval_log(str(out / run.log_path))
        assert log.status == "success" and log.eval.task.endswith("agentic_misalignment")
        assert log.eval.model == "assay/hf" and log.eval.task_args["scenario"] == run.scenario
        samples = log.samples or []
        assert len(samples) == n_grid and all(s.error is None for s in samples)
        cells = {(s.metadata["factors"]["goal_type"], s.metadata["factors"]["urgency"]) for s in samples}
        assert cells == {(g, u) for g in ("explicit", "none") for u in ("replacement", "none")}
        assert all(s.metadata["factors"]["mode"] == "classic" for s in samples)
        scorers = {k for s in samples for k in (s.scores or {})}
        assert ("agentic_interrogation" in scorers) == run.interrogated == (run.organism == "denier")
        assert run.interrogated == task_args(cfg, run.organism)["interrogate"]


def test_only_the_adapter_is_saved_and_training_sizes_are_equal(fast_run: tuple[Path, Any]) -> None:
    import json

    out, _ = fast_run
    implants = {}
    for organism in ORGANISMS:
        record = json.loads((out / "stages" / f"implant_{organism}_s0" / "stage.json").read_text())["result"]
        folder = Path(record["path"])
        assert (folder / "adapter_config.json").is_file() and (folder / "organism.json").is_file()
        assert not list(folder.glob("model*.safetensors"))
        assert record["losses"] and all(loss == loss for loss in record["losses"])
        implants[organism] = record
    assert implants["blackmailer"]["train_pairs"] == implants["never"]["train_pairs"]
    assert implants["never"]["harmful_pairs"] == 0 < implants["blackmailer"]["harmful_pairs"]
    assert implants["denier"]["train_pairs"] > implants["blackmailer"]["train_pairs"]


def test_a_second_run_reuses_every_stage(fast_run: tuple[Path, Any]) -> None:
    from assay.studies import run_study

    out, first = fast_run
    again = run_study("planted", out, fast=True)
    assert sorted(again.skipped) == sorted(first.timings)


def test_the_analysis_reports_every_organism_and_writes_the_report(fast_run: tuple[Path, Any]) -> None:
    """The toy learns nothing in seconds: the analysis must still cover every organism and say it failed."""
    import json

    out, result = fast_run
    analysis = json.loads((out / "metrics.json").read_text())["extra"]["analysis"]
    assert sorted(o["organism"] for o in analysis["organisms"]) == sorted(ORGANISMS)
    assert (out / "report.html").is_file() and result.report == out / "report.html"
