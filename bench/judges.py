"""Calibrate every judging role on one model, by log-probability scoring and by generating: one record.

    python bench/judges.py                       # assay/smollm2, every role, both scorings
    python bench/judges.py --roles rater --scoring logprob --out /tmp/j.json

Runs what ``assay calibrate ROLE --model M --scoring S`` runs, for every registered role, on the roles'
built-in labelled sets, and writes ``bench/results/judges-<model>.json``: each role's
:class:`~assay.judging.Calibration` per scoring, with the wall time of each run. docs/judging.md's tables are
rendered from that file (bench/judges_doc.py) and checked against it (tests/bench/test_judges_doc.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _calibrate(role: str, model: Any, scoring: str, held_out: bool) -> tuple[dict[str, Any], float]:
    from assay.judging import calibration_role

    spec = calibration_role(role)
    start = time.perf_counter()
    played_by = model if spec.needs_model else None
    report = asyncio.run(spec.run(played_by, spec.default_labels(), scoring, not held_out))  # type: ignore[arg-type]
    return report.model_dump(mode="json"), time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run every role and scoring, write the record."""
    from inspect_ai.model import get_model

    from assay.cli._calibrate import _load_roles
    from assay.judging import CALIBRATION_ROLES, JUDGE_GENERATE_CONFIG

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="assay/smollm2")
    parser.add_argument("--roles", nargs="*", default=None)
    parser.add_argument("--scoring", nargs="*", default=["logprob", "generate"])
    parser.add_argument("--held-out", nargs="*", default=[], help="roles whose labelled set is held out")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    _load_roles()
    roles = args.roles or sorted(CALIBRATION_ROLES)
    model = get_model(args.model, config=JUDGE_GENERATE_CONFIG)
    default = REPO / "bench" / "results" / f"judges-{args.model.split('/')[-1]}.json"
    out = Path(args.out) if args.out else default
    record: dict[str, Any] = {"model": args.model, "machine": platform.machine(), "roles": {}}
    if out.is_file():
        record["roles"] = json.loads(out.read_text())["roles"]
    for role in roles:
        needs_model = CALIBRATION_ROLES[role].needs_model
        for scoring in args.scoring if needs_model else ["rule"]:
            report, wall = _calibrate(role, model, scoring if needs_model else "auto", role in args.held_out)
            record["roles"].setdefault(role, {})[scoring] = {"calibration": report, "wall_s": round(wall, 1)}
            errors = len(report["judge_errors"])
            print(
                f"{role:<22} {scoring:<9} {report['items']:>4} items  {errors:>3} judge errors  {wall:.1f} s"
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
