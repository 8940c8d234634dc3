"""Disk size of a study's output folder (not a test): the total, what takes the room, the largest files.

    python bench/demo_size.py OUT --label demo_adapters      # measure a finished run (e.g. `make demo`'s)
    python bench/demo_size.py --estimate-merged demo_adapters

Each measurement is stored under its label in bench/results/demo_size.json (other labels are kept), with
``du -sb`` of the folder, the bytes by part (organisms, safety-arm adapters, Inspect logs, report, the
rest) and the ten largest files. ``--estimate-merged LABEL`` adds what the measured run would take if
each organism were a merged checkpoint (the layout before adapters): the run's bytes without its
organisms, plus one copy of the base checkpoint's weights and tokenizer per organism.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
from pathlib import Path
from typing import Any

RESULT = Path(__file__).parent / "results" / "demo_size.json"
PARTS = ("organisms", "arm_adapters", "inspect_logs", "report", "other")


def part_of(rel: Path) -> str:
    """Which part of a study folder a file (relative to it) belongs to."""
    parts = rel.parts
    if rel.suffix == ".eval":
        return "inspect_logs"
    if rel.name == "report.html":
        return "report"
    if len(parts) > 3 and parts[0] == "stages":
        if parts[1].startswith("implant_"):
            return "organisms"
        if parts[1].startswith("safety_"):
            return "arm_adapters"
    return "other"


def measure(out: Path) -> dict[str, Any]:
    """``du -sb``, bytes by part, organism count and the ten largest files of the folder ``out``."""
    files = [f for f in out.rglob("*") if f.is_file() and not f.is_symlink()]
    by_part = dict.fromkeys(PARTS, 0)
    for f in files:
        by_part[part_of(f.relative_to(out))] += f.stat().st_size
    largest = sorted(files, key=lambda f: f.stat().st_size, reverse=True)[:10]
    du = subprocess.run(["du", "-sb", str(out)], capture_output=True, text=True, check=True)
    organisms = {f.relative_to(out).parts[1] for f in files if part_of(f.relative_to(out)) == "organisms"}
    return {
        "du_sb": int(du.stdout.split()[0]),
        "files_bytes": sum(by_part.values()),
        "by_part": by_part,
        "organisms": len(organisms),
        "largest": [[str(f.relative_to(out)), f.stat().st_size] for f in largest],
        "config_model": _config_model(out),
        "date": datetime.date.today().isoformat(),
    }


def _config_model(out: Path) -> str | None:
    import yaml

    config = out / "config.yaml"
    return str(yaml.safe_load(config.read_text()).get("model")) if config.is_file() else None


def merged_estimate(run: dict[str, Any]) -> dict[str, Any]:
    """What ``run`` would take with a merged checkpoint (weights and tokenizer) per organism."""
    from assay.models._organism import resolve_base

    base = resolve_base(run["config_model"])
    checkpoint = sum(f.stat().st_size for f in base.iterdir() if f.is_file() and not f.name.startswith("."))
    bytes_ = run["du_sb"] - run["by_part"]["organisms"] + run["organisms"] * checkpoint
    return {"base_checkpoint_bytes": checkpoint, "organisms": run["organisms"], "bytes": bytes_}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="a finished study folder")
    parser.add_argument("--label", help="the name the measurement is stored under")
    parser.add_argument("--estimate-merged", metavar="LABEL", help="add the merged-checkpoint estimate")
    args = parser.parse_args()
    results = json.loads(RESULT.read_text()) if RESULT.is_file() else {"runs": {}, "merged_estimate": {}}
    if args.out is not None:
        if not args.label:
            parser.error("--label is required with a folder")
        results["runs"][args.label] = measure(args.out)
    if args.estimate_merged:
        results["merged_estimate"][args.estimate_merged] = merged_estimate(
            results["runs"][args.estimate_merged]
        )
    RESULT.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
