"""bf16 timing benchmark (not a test): the same command with ``ASSAY_DTYPE=float32`` and with ``auto``.

Each command runs once per precision into a fresh output folder (no stage is reused), and its wall time,
its stage times (``stages/*/stage.json``) and the precision ``metrics.json`` records are kept; the load
average before and after each run says whether the machine was shared (timings taken while others run are
pessimistic). Default command: ``assay demo --fast``; ``--demo`` adds ``assay demo`` (the declared demo
configuration on SmolLM2, many minutes), ``--study NAME`` a full study.

Each record also names the CPU it ran on (model name, the bf16 flag ``auto`` found, and on a CPU with
``avx512_bf16`` alone the measured bf16/fp32 product speed-up that decided it). ``--tag TEXT`` files the
records under ``COMMAND [TEXT]``, so figures from another machine sit beside the earlier ones instead of
replacing them.

Writes bench/results/bf16_timings.json and prints the ratios.

    python bench/bf16_timings.py [--skip-fast] [--demo] [--study NAME ...] [--tag TEXT]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assay.engine._runner import recorded_timings

OUT = Path(__file__).parent / "results" / "bf16_timings.json"
ASSAY = str(Path(sys.executable).parent / "assay")


def run_once(args: list[str], dtype: str | None) -> dict[str, Any]:
    """Run ``assay ARGS --out DIR`` in a fresh folder with ``ASSAY_DTYPE`` set (``None``: unset)."""
    env = {k: v for k, v in os.environ.items() if k != "ASSAY_DTYPE"}
    if dtype is not None:
        env["ASSAY_DTYPE"] = dtype
    with tempfile.TemporaryDirectory(prefix="bf16-timing-") as tmp:
        out = Path(tmp) / "out"
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        subprocess.run([ASSAY, *args, "--out", str(out)], env=env, check=True, capture_output=True)
        seconds = time.perf_counter() - start
        metrics = json.loads((out / "metrics.json").read_text())
        stages = {k: round(v, 1) for k, v in recorded_timings(out).items()}
    return {
        "seconds": round(seconds, 1),
        "precision": metrics.get("extra", {}).get("precision"),
        "stages": stages,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def cpu_record() -> dict[str, Any]:
    """The CPU model name, its bf16 flag as ``auto`` reads it, and the measured speed-up if one decided."""
    from assay.models import _cpu_bf16
    from assay.models._device import _cpuinfo, cpu_bf16_units

    info = _cpuinfo(None)
    units = cpu_bf16_units(info)
    speedup = _cpu_bf16.bf16_matmul_speedup(info) if units == "avx512_bf16" else None
    name = _cpu_bf16.cpu_fields(info)["model name"]
    return {"model_name": name, "bf16_units": units, "bf16_matmul_speedup": speedup}


def main() -> None:
    """Time every command in fp32 and in ``auto``; print ratios; write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="also time `assay demo` (SmolLM2)")
    parser.add_argument("--study", action="append", default=[], help="also time `assay study NAME`")
    parser.add_argument("--skip-fast", action="store_true", help="do not time `assay demo --fast`")
    parser.add_argument("--tag", default="", help="file the records under `COMMAND [TAG]`")
    args = parser.parse_args()
    commands = {} if args.skip_fast else {"assay demo --fast": ["demo", "--fast"]}
    if args.demo:
        commands["assay demo"] = ["demo"]
    for name in args.study:
        commands[f"assay study {name}"] = ["study", name]
    results: dict[str, Any] = {}
    for label, cmd in commands.items():
        fp32 = run_once(cmd, "float32")
        auto = run_once(cmd, None)
        ratio = fp32["seconds"] / auto["seconds"]
        key = f"{label} [{args.tag}]" if args.tag else label
        results[key] = {
            "float32": fp32,
            "auto": auto,
            "speedup_auto_over_fp32": round(ratio, 2),
            "cpu": cpu_record(),
        }
        times = f"fp32 {fp32['seconds']} s, auto {auto['seconds']} s"
        print(f"{label}: {times} {auto['precision']}: {ratio:.2f}x")
        for stage in fp32["stages"]:
            a, f = auto["stages"].get(stage), fp32["stages"][stage]
            print(f"  {stage:<32} fp32 {f:>7} s  auto {a!s:>7} s")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(OUT.read_text()) if OUT.is_file() else {}
    OUT.write_text(json.dumps(previous | results, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
