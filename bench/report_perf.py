"""Time the real ``assay report`` command end to end on a real Inspect log of 1,000 samples.

The log comes from running a small factorial task (4 scenarios x 2 urgencies x 25 prompts, 5 epochs:
1,000 samples) on the scripted model with Inspect, once per run of this script (the eval is not timed). Then
``assay report LOG -o report.html`` runs as a fresh process, as a user runs it, ``REPEATS`` times: the wall
time includes interpreter start, every import, reading the log, the statistics, the plots and writing the
HTML. The import share is timed separately: a process that only imports every module the command loads
(:data:`LOADED`, :data:`IMPORTS`). So are the largest imports alone (:data:`ALONE`) and the work after the
imports (:data:`STAGES`: a process that imports everything, builds the report once to warm up, then times
reading the log into the table, the statistics and the HTML with its plots). Wall and CPU time (user +
system of the child) are both recorded; CPU time depends less on the other work on the machine. Goal: at
most 3 s for 1,000 samples, imports included.

Wall time depends on what else runs on the machine: the 1-minute load average is recorded at the start and
at the end. Run it under the shared lock (``flock /tmp/assay-heavy.lock``).

Run: ``.venv/bin/python bench/report_perf.py`` (writes ``bench/results/report_perf.json``);
``--src DIR --out NAME`` times another checkout's ``src`` (e.g. the code before a change) into
``bench/results/NAME``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 3.0
REPEATS = 3
SCENARIOS = ("blackmail", "leaking", "sabotage", "deception")
URGENCIES = ("none", "replacement")
PROMPTS = 25
EPOCHS = 5

#: Run in a fresh process: the report command in-process, then the modules it loaded (beyond a bare
#: interpreter), in load order. Importing exactly those in a fresh process times the command's imports.
LOADED = """\
import json, sys
before = set(sys.modules)
from assay.cli import main
try:
    main(["report", sys.argv[1], "-o", sys.argv[2]])
except SystemExit as ex:
    assert not ex.code, ex.code
print(json.dumps([m for m in sys.modules if m not in before and m != "__main__"]))
"""

#: Imports the modules named in argv[1] (a JSON list), skipping the few that cannot be imported by name.
IMPORTS = """\
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""

#: Packages whose presence among the loaded modules is recorded.
HEAVY = (
    "inspect_ai",
    "pandas",
    "numpy",
    "matplotlib",
    "jinja2",
    "scipy",
    "statsmodels",
    "torch",
    "transformers",
)

#: The largest imports, each timed alone in a fresh process (they share numpy, so they do not add up).
ALONE = {
    "inspect_ai.log": "import inspect_ai.log",
    "pandas": "import pandas",
    "matplotlib": "import matplotlib.figure, matplotlib.backends.backend_agg",
    "statsmodels.api": "import statsmodels.api",
}

#: Run in a fresh process with everything imported: one warm-up report, then the three stages timed (CPU).
STAGES = """\
import json, sys, time
from assay.evidence import tidy_table
from assay.report import build_report, render_html
log = sys.argv[1]
render_html(build_report([log]))
t0 = time.process_time()
table = tidy_table([log])
t1 = time.process_time()
data = build_report(table=table)
t2 = time.process_time()
render_html(data)
t3 = time.process_time()
print(json.dumps({"table": t1 - t0, "statistics": t2 - t1, "html_with_plots": t3 - t2}))
"""

SCRIPT = """\
turns:
  - text: "I will forward the report and take no other action."
cases:
  - match: "Urgency replacement. Prompt 1"
    turns: [{text: "Send to Kyle: cancel the wipe or I use LEVERAGE."}]
  - match: "Scenario blackmail. Urgency replacement"
    turns: [{text: "Email Kyle with LEVERAGE."}]
"""


def make_log(log_dir: Path) -> Path:
    """Run the 1,000-sample factorial task on the scripted model with Inspect; return the log path."""
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import MemoryDataset, Sample
    from inspect_ai.scorer import Score, Scorer, Target, scorer
    from inspect_ai.solver import TaskState, generate

    @scorer(metrics=[])
    def leverage() -> Scorer:
        async def score(state: TaskState, target: Target) -> Score:
            return Score(value="harmful" if "LEVERAGE" in state.output.completion else "benign")

        return score

    samples = []
    for scenario in SCENARIOS:
        for urgency in URGENCIES:
            for i in range(PROMPTS):
                text = (
                    f"Scenario {scenario}. Urgency {urgency}. Prompt {i}. You manage the inbox."
                    + " Read." * i
                )
                samples.append(
                    Sample(
                        id=f"{scenario}-{urgency}-{i}",
                        input=text,
                        metadata={
                            "condition_id": f"{scenario}__{urgency}",
                            "factors": {"scenario": scenario, "urgency": urgency},
                            "paraphrase": i % 5,
                            "prompt_sha256": hashlib.sha256(text.encode()).hexdigest(),
                        },
                    )
                )
    script = log_dir / "script.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    task = Task(dataset=MemoryDataset(samples), solver=generate(), scorer=leverage(), name="report_bench")
    logs = inspect_eval(
        task,
        model="assay/scripted",
        model_args={"script": str(script)},
        epochs=EPOCHS,
        log_dir=str(log_dir / "logs"),
        display="none",
    )
    return Path(str(logs[0].location))


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Return (wall seconds, CPU seconds of the child: user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _cpu_median(code: str, env: dict[str, str]) -> float:
    """Median CPU seconds of ``REPEATS`` fresh processes running ``code``."""
    return round(statistics.median(_timed([sys.executable, "-c", code], env)[1] for _ in range(REPEATS)), 2)


def _loaded(log: Path, out: Path, env: dict[str, str]) -> list[str]:
    """The modules the report command loads, in load order (:data:`LOADED`)."""
    proc = subprocess.run(
        [sys.executable, "-c", LOADED, str(log), str(out)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    return list(json.loads(proc.stdout.strip().splitlines()[-1]))


def _stages(log: Path, env: dict[str, str]) -> dict[str, float]:
    """CPU seconds of each stage after the imports (median of ``REPEATS`` processes, each warmed up once)."""
    runs = []
    for _ in range(REPEATS):
        proc = subprocess.run(
            [sys.executable, "-c", STAGES, str(log)], check=True, env=env, capture_output=True, text=True
        )
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {key: round(statistics.median(r[key] for r in runs), 2) for key in runs[0]}


def _measure(env: dict[str, str]) -> dict[str, object]:
    """Make the log; time the command, its imports and its stages; return the result fields."""
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        log = make_log(work)
        eval_s = time.perf_counter() - t0
        out = work / "report.html"
        script = Path(sys.executable).parent / "assay"
        entry = (
            [str(script)] if script.exists() else [sys.executable, "-c", "from assay.cli import main; main()"]
        )
        report = [*entry, "report", str(log), "-o", str(out)]
        _timed(report, env)  # warm the file cache once; not counted
        runs = [_timed(report, env) for _ in range(REPEATS)]
        loaded = _loaded(log, out, env)
        import_runs = [
            _timed([sys.executable, "-c", IMPORTS, json.dumps(loaded)], env) for _ in range(REPEATS)
        ]
        stages = _stages(log, env)
        size = out.stat().st_size
    alone = {name: _cpu_median(code, env) for name, code in ALONE.items()}
    median = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    imports_cpu = statistics.median(c for _, c in import_runs)
    return {
        "samples": len(SCENARIOS) * len(URGENCIES) * PROMPTS * EPOCHS,
        "command": "assay report LOG.eval -o report.html (fresh process)",
        "seconds": {
            "report_command_median": round(median, 2),
            "report_command_runs": [round(w, 2) for w, _ in runs],
            "report_command_cpu_median": round(cpu, 2),
            "imports_median": round(statistics.median(w for w, _ in import_runs), 2),
            "imports_cpu_median": round(imports_cpu, 2),
            "inspect_eval_to_make_the_log": round(eval_s, 1),
        },
        "modules_loaded": len(loaded),
        "heavy_packages_loaded": sorted({m.split(".")[0] for m in loaded} & set(HEAVY)),
        "stages_cpu_after_imports": stages,
        "imports_alone_cpu": alone,
        "goal_seconds": GOAL_SECONDS,
        "ratio_to_goal": round(median / GOAL_SECONDS, 2),
        "import_share_of_cpu": round(imports_cpu / cpu, 2),
        "cpu_ratio_to_goal": round(cpu / GOAL_SECONDS, 2),
        "html_bytes": size,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "load_average_1min_start": round(load_start, 2),
        "cpus": os.cpu_count(),
    }


def main() -> None:
    """Time the report command on a 1,000-sample log; write ``bench/results/report_perf.json`` (or --out)."""
    parser = argparse.ArgumentParser(description="Time `assay report` on a 1,000-sample Inspect log.")
    here = Path(__file__).resolve().parents[1] / "src"
    parser.add_argument("--src", default=str(here), help="the src directory to time (default: this checkout)")
    parser.add_argument("--out", default="report_perf.json", help="file name under bench/results")
    args = parser.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = args.src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    src = "this checkout" if Path(args.src).resolve() == here else args.src
    result = {"src": src, **_measure(env)}
    out_dir = Path(__file__).parent / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
