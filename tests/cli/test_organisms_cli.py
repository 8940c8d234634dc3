"""``assay organisms list/export`` on a toy run, ``assay eval`` on an organism, and their one-line errors."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from inspect_ai.log import read_eval_log

ASSAY = str(Path(sys.executable).with_name("assay"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ASSAY, *args], capture_output=True, text=True, timeout=600)


def test_list_and_export_print_the_organisms_and_commands(toy_organism_run: Path, tmp_path: Path) -> None:
    listed = run("organisms", "list", str(toy_organism_run))
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert set(rows) == {"backdoor_triggered-k4-s0", "implant_backdoor", "implant_control"}
    assert "on ../../implant_backdoor/organism" in rows["backdoor_triggered-k4-s0"]
    assert "on base toy" in rows["implant_control"]

    out = tmp_path / "export"
    args = ["--out", str(out), "--task", "assay/backdoor", "-T", "n=4", "--port", "8100"]
    proc = run("organisms", "export", str(toy_organism_run), *args)
    assert proc.returncode == 0, proc.stderr
    assert "backdoor_triggered-k4-s0: 2 adapter(s), rank 8" in proc.stdout
    commands = [
        shlex.split(line) for line in proc.stdout.splitlines() if line.startswith(("vllm", "inspect"))
    ]
    assert [c[:2] for c in commands] == [["vllm", "serve"], ["inspect", "eval"], ["inspect", "eval"]]
    assert commands[0][commands[0].index("--port") + 1] == "8100"
    assert (out / "adapters" / "implant_control" / "adapter_model.safetensors").is_file()
    assert (out / "panel-local.yaml").is_file() and (out / "panel-vllm.yaml").is_file()


def test_assay_eval_takes_an_organism_under_a_label(toy_organism_run: Path, tmp_path: Path) -> None:
    organism = toy_organism_run / "stages" / "implant_backdoor" / "organism"
    proc = run(
        "eval", "assay/capability_qa", "--model", "assay/hf/backdoor", "-M", f"path={organism}",
        "--limit", "2", "--log-dir", str(tmp_path / "logs"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (log,) = [read_eval_log(str(p)) for p in (tmp_path / "logs").iterdir()]
    assert (log.status, log.eval.model, len(log.samples or [])) == ("success", "assay/hf/backdoor", 2)


def test_a_run_without_organisms_is_a_one_line_error(tmp_path: Path) -> None:
    proc = run("organisms", "export", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"assay: error: no organism directory (with organism.json) under {tmp_path}"
    ]
