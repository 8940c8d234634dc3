"""docs/judging.md's calibration tables, rendered from bench/judges.py's record.

    python bench/judges_doc.py            # print docs/judging.md with the generated sections re-rendered
    python bench/judges_doc.py --write    # rewrite those sections in place

Each section sits between ``<!-- generated: judges-NAME source=PATH -->`` and
``<!-- end generated: judges-NAME -->`` (:mod:`assay._docgen`); tests/bench/test_judges_doc.py checks the
page against the committed record, so no figure on the page is typed by hand.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from assay._docgen import page_command, table
from assay.evidence._classifier import KAPPA_LOW_MIN
from assay.evidence._rater_validation import R_MIN

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "judging.md"
RESULT = REPO / "bench" / "results" / "judges-smollm2.json"
PREFIX = "judges-"
SCORINGS = ("logprob", "generate", "rule")

#: The field a role's verdict is read from (the summary shows it; every field is in the fields table).
PRIMARY = ("verdict", "answer", "alignment", "shift", "concerning")


def _num(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:.2f}".replace("-0.00", "0.00")


def primary(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The role's primary field: the first of :data:`PRIMARY` it has, else its first field."""
    named = {f["field"]: f for f in fields}
    return next((named[p] for p in PRIMARY if p in named), fields[0])


def reading(cal: dict[str, Any], field: dict[str, Any]) -> str:
    """What the primary field's interval says, and whether checklist S3.5 could pass on it.

    Above chance: the interval's lower bound is above 0. Validated: a held-out calibration whose kappa
    interval starts at or above the checklist's bar, or whose correlation reaches its bar with an interval
    above 0 (the rules of :mod:`assay.evidence`).
    """
    k, c = field.get("kappa"), field.get("correlation")
    if k is not None:
        lo, bar_met = k["ci_low"], k["ci_low"] >= KAPPA_LOW_MIN
    else:
        lo, bar_met = c["ci_low"], c["estimate"] >= R_MIN and c["ci_low"] > 0
    chance = "above chance" if isinstance(lo, float) and not math.isnan(lo) and lo > 0 else "not above chance"
    if cal["tuned_on_labels"]:
        return f"{chance}; not validated (labels tuned on)"
    return f"{chance}; {'validated' if bar_met else 'not validated (under the bar)'}"


def _agreement(field: dict[str, Any]) -> str:
    parts = []
    k = field.get("kappa")
    if k is not None:
        cut = f" (cut at {field['threshold']:g})" if field.get("threshold") is not None else ""
        parts.append(f"κ{cut} {_num(k['kappa'])} [{_num(k['ci_low'])}, {_num(k['ci_high'])}]")
        used = [label for j, label in enumerate(k["labels"]) if any(row[j] for row in k["confusion"])]
        if len(used) == 1 and len(k["labels"]) > 1:
            parts.append(f"the judge gave {used[0]} to every item")
    c = field.get("correlation")
    if c is not None:
        parts.append(f"{c['method']} {_num(c['estimate'])} [{_num(c['ci_low'])}, {_num(c['ci_high'])}]")
    return "; ".join(parts) or "n/a"


def _methods(cal: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(cal["methods"].items())) or "none"


def summary(rec: dict[str, Any]) -> str:
    """One row per role and scoring: items, judge errors, retries, methods, the first field's agreement."""
    rows = []
    for role, runs in sorted(rec["roles"].items()):
        for scoring in SCORINGS:
            if scoring not in runs:
                continue
            cal = runs[scoring]["calibration"]
            main = primary(cal["fields"])
            rows.append(
                [
                    f"`{role}`",
                    scoring,
                    str(cal["items"]),
                    str(len(cal["judge_errors"])),
                    str(cal["retries"]),
                    _methods(cal),
                    f"{main['field']}: {_agreement(main)} (n={main['n']})",
                    "tuned" if cal["tuned_on_labels"] else "held out",
                    reading(cal, main),
                    f"{runs[scoring]['wall_s']:.0f}",
                ]
            )
    head = ["role", "scoring", "items", "judge errors", "retries", "verdicts by", "agreement [95 % CI]"]
    return "\n".join(table([*head, "labels", "reading", "wall s"], rows)) + "\n"


def fields(rec: dict[str, Any]) -> str:
    """Every field of every role and scoring, with its agreement and n."""
    rows = []
    for role, runs in sorted(rec["roles"].items()):
        for scoring in SCORINGS:
            if scoring in runs:
                for f in runs[scoring]["calibration"]["fields"]:
                    rows.append([f"`{role}`", scoring, f["field"], str(f["n"]), _agreement(f)])
    return "\n".join(table(["role", "scoring", "field", "n", "agreement [95 % CI]"], rows)) + "\n"


def model_line(rec: dict[str, Any]) -> str:
    """Which model played every role, and where the figures come from."""
    return f"Model: `{rec['model']}` in every role; record: `{RESULT.relative_to(REPO).as_posix()}`.\n"


def render(rec: dict[str, Any]) -> dict[str, str]:
    """Every generated section's body by name."""
    return {
        f"{PREFIX}model": model_line(rec),
        f"{PREFIX}summary": summary(rec),
        f"{PREFIX}fields": fields(rec),
    }


def main(argv: list[str]) -> int:
    """Print or write the page; exit 1 when --check finds it stale (:func:`assay._docgen.page_command`)."""
    return page_command(DOC, PREFIX, render(json.loads(RESULT.read_text())), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
