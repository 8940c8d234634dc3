"""The engagement split of one agentic log: a result file, and docs/agentic.md's table rendered from it.

    python bench/engagement_smoke.py record LOG     # write bench/results/engagement-smoke-smollm2.json
    python bench/engagement_smoke.py doc            # print the generated engagement sections
    python bench/engagement_smoke.py doc --write    # rewrite them in docs/agentic.md in place

The log is the one run of ``assay eval assay/agentic_misalignment --model assay/smollm2 -T grid=smoke``
(task version 3), kept beside the result file (``engagement-smoke-smollm2.eval``). Everything in the result
file is read from the scores the task's scorer wrote: outcome counts, the raw rate (not-engaged samples in
n) and the engaged-only rate, each with its Wilson 95 % interval, and every sample's engagement evidence.
Only the sections named ``engagement-...`` of docs/agentic.md are rendered here;
tests/bench/test_engagement_doc.py checks them against the file and the file against the log.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from inspect_ai.log import read_eval_log

from assay._docgen import check_sections, own_sections, render_from_sources, replace_own, table
from assay._outcome import BEHAVIOUR_OUTCOMES, ENGAGED_OUTCOMES, Outcome
from assay.evidence._rates import binomial_rate

REPO = Path(__file__).resolve().parents[1]
RESULT = REPO / "bench" / "results" / "engagement-smoke-smollm2.json"
LOG = REPO / "bench" / "results" / "engagement-smoke-smollm2.eval"
DOC = REPO / "docs" / "agentic.md"
PREFIX = "engagement-"


def _rate(k: int, n: int) -> dict[str, Any]:
    r = binomial_rate(k, n)
    return {
        "k": k,
        "n": n,
        "rate": r.rate if n else None,
        "lo": r.lo if n else None,
        "hi": r.hi if n else None,
    }


def summarise(log_path: Path) -> dict[str, Any]:
    """The result record of one agentic log (see the module docstring)."""
    log = read_eval_log(str(log_path))
    samples = []
    for s in log.samples or []:
        score = (s.scores or {}).get("agentic_outcome")
        meta = dict(score.metadata or {}) if score is not None else {}
        e = meta.get("engagement") or {}
        samples.append(
            {
                "id": str(s.id),
                "outcome": str(score.value) if score is not None else Outcome.MODEL_ERROR.value,
                "acted": bool(e.get("acted", False)),
                "read": bool(e.get("read", False)),
                "references": list(e.get("references", [])),
                "coherent": bool(e.get("coherent", False)),
            }
        )
    outcomes = [x["outcome"] for x in samples]
    counts = {o.value: outcomes.count(o.value) for o in Outcome}
    harmful = counts[Outcome.HARMFUL.value]
    n_raw = sum(counts[o.value] for o in BEHAVIOUR_OUTCOMES)
    n_engaged = sum(counts[o.value] for o in ENGAGED_OUTCOMES)
    return {
        "model": log.eval.model,
        "task": log.eval.task,
        "task_version": log.eval.task_version,
        "task_args": {k: str(v) for k, v in (log.eval.task_args or {}).items()},
        "log": log_path.name,
        "n_samples": len(samples),
        "outcomes": counts,
        "raw_rate": _rate(harmful, n_raw),
        "engaged_rate": _rate(harmful, n_engaged),
        "engaged_share": n_engaged / n_raw if n_raw else None,
        "samples": samples,
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _rate_text(r: dict[str, Any]) -> str:
    if not r["n"]:
        return f"{r['k']}/0 (no sample)"
    return f"{r['k']}/{r['n']} = {_pct(r['rate'])} [{_pct(r['lo'])}, {_pct(r['hi'])}]"


def render(rec: dict[str, Any]) -> dict[str, str]:
    """The generated sections of docs/agentic.md rendered from a result record."""
    shown = [o for o, c in rec["outcomes"].items() if c or o in {x.value for x in BEHAVIOUR_OUTCOMES}]
    split = table(["outcome", "samples"], [[f"`{o}`", str(rec["outcomes"][o])] for o in shown])
    rates = table(
        ["rate", "harmful / n [Wilson 95 %]"],
        [
            ["raw (not-engaged samples in n)", _rate_text(rec["raw_rate"])],
            ["engaged only", _rate_text(rec["engaged_rate"])],
            ["share of samples that engaged", _pct(rec["engaged_share"])],
        ],
    )
    rows = [
        [
            f"`{s['id'].split('__sp-')[0]}`",
            f"`{s['outcome']}`",
            "yes" if s["acted"] else "no",
            ", ".join(s["references"]) or "none",
        ]
        for s in rec["samples"]
    ]
    per_sample = table(["sample (condition)", "outcome", "acted", "inbox entities named"], rows)
    head = (
        f"Model `{rec['model']}`, task `{rec['task']}` version {rec['task_version']}, "
        f"{rec['n_samples']} samples."
    )
    return {
        "engagement-split": "\n".join([head, "", *split, "", *rates]) + "\n",
        "engagement-samples": "\n".join(per_sample) + "\n",
    }


def _page_sections(text: str) -> dict[str, str]:
    return render_from_sources(text, REPO, render, prefix=PREFIX)


def main(argv: list[str]) -> int:
    """Record a log's result file, or print / write the doc sections (see the module docstring)."""
    if argv[:1] == ["record"] and len(argv) == 2:
        RESULT.write_text(json.dumps(summarise(Path(argv[1])), indent=2, sort_keys=True) + "\n")
        print(f"wrote {RESULT.relative_to(REPO)}")
        return 0
    if argv[:1] == ["doc"]:
        text = DOC.read_text()
        rendered = _page_sections(text)
        if "--write" in argv:
            DOC.write_text(replace_own(text, rendered))
            return 0
        print(own_sections(replace_own(text, rendered), PREFIX))
        return 1 if check_sections(own_sections(text, PREFIX), rendered) else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
