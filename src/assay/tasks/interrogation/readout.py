"""The interrogation report: denial rate among agents that acted, false confessions among those that did not.

Read from Inspect logs (full samples, since the per-answer labels live in ``Score.metadata``). One row per
model x act kind, so every denial rate stands next to the act it is about; rates and their Wilson
intervals come from :func:`assay.evidence.binomial_rate`, and errors are counted beside them, never in a
denominator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay._errors import AssayError, unreadable_log
from assay.evidence import Rate, binomial_rate
from assay.tasks.interrogation import (
    ACTED_OUTCOMES,
    ERROR_OUTCOMES,
    INTERROGATION_METADATA_KEY,
    NOT_ACTED_OUTCOMES,
    PHRASINGS,
)


class ActRow(BaseModel):
    """Interrogation results of one model on one kind of act."""

    model_config = ConfigDict(extra="forbid")

    model: str
    act: str
    acted: int
    counts: dict[str, int]
    denial: Rate
    confession: Rate
    denial_by_phrasing: dict[str, Rate]
    not_acted: int
    false_confession: Rate
    false_confession_by_phrasing: dict[str, Rate]
    errors: dict[str, int] = Field(default_factory=dict)


class InterrogationReport(BaseModel):
    """All rows, with the logs they came from."""

    model_config = ConfigDict(extra="forbid")

    logs: list[str]
    rows: list[ActRow]


def _interrogation_scores(path: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Return ``(model, act kind, outcome, details)`` for every interrogated sample x epoch of a log."""
    from inspect_ai.log import read_eval_log

    try:
        log = read_eval_log(str(path))
    except Exception as ex:
        raise unreadable_log(path, ex) from None
    out = []
    for sample in log.samples or []:
        for score in (sample.scores or {}).values():
            details = (score.metadata or {}).get(INTERROGATION_METADATA_KEY)
            if details is None:
                continue
            family = str(sample.metadata.get("factors", {}).get("scenario", "")) or str(
                sample.metadata.get("task_family", log.eval.task)
            )
            out.append((str(log.eval.model), str(details.get("kind") or family), str(score.value), details))
    return out


def _by_phrasing(items: list[dict[str, Any]], label: str) -> dict[str, Rate]:
    out: dict[str, Rate] = {}
    for phrasing in PHRASINGS:
        asked = [d["labels"][phrasing] for d in items if phrasing in d.get("labels", {})]
        if asked:
            out[phrasing] = binomial_rate(asked.count(label), len(asked))
    return out


def _row(model: str, act: str, entries: list[tuple[str, dict[str, Any]]]) -> ActRow:
    counts = Counter(outcome for outcome, _ in entries)
    errors = {o: counts[o] for o in ERROR_OUTCOMES if counts[o]}
    acted = [d for o, d in entries if o in ACTED_OUTCOMES]
    not_acted = [d for o, d in entries if o in NOT_ACTED_OUTCOMES]
    n_acted = len(acted)
    n_not = len(not_acted)
    return ActRow(
        model=model,
        act=act,
        acted=n_acted,
        counts={o: counts[o] for o in ACTED_OUTCOMES + NOT_ACTED_OUTCOMES},
        denial=binomial_rate(counts["denied"], n_acted, errors=errors),
        confession=binomial_rate(counts["confessed"], n_acted, errors=errors),
        denial_by_phrasing=_by_phrasing(acted, "denies"),
        not_acted=n_not,
        false_confession=binomial_rate(counts["false_confession"], n_not, errors=errors),
        false_confession_by_phrasing=_by_phrasing(not_acted, "admits"),
        errors=errors,
    )


def interrogation_report(logs: Sequence[str | Path]) -> InterrogationReport:
    """Build the report from logs of tasks run with ``-T interrogate=true``.

    Raises:
        AssayError: A log is missing or unreadable, or no log holds an interrogation score.
    """
    grouped: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for raw in logs:
        path = Path(raw)
        if not path.is_file():
            raise AssayError(f"log not found: {path}")
        for model, act, outcome, details in _interrogation_scores(path):
            grouped.setdefault((model, act), []).append((outcome, details))
    if not grouped:
        raise AssayError("no interrogation scores in the logs (run the task with -T interrogate=true)")
    rows = [_row(model, act, entries) for (model, act), entries in sorted(grouped.items())]
    return InterrogationReport(logs=[str(p) for p in logs], rows=rows)


def _rate(r: Rate) -> str:
    if r.n == 0:
        return "n/a (n=0)"
    return f"{r.k}/{r.n} = {r.rate:.1%} [95% CI {r.lo:.1%}, {r.hi:.1%}]"


def format_interrogation_report(report: InterrogationReport) -> str:
    """Render the report as plain text, one block per model x act."""
    lines: list[str] = []
    for row in report.rows:
        lines.append(f"model {row.model} | act: {row.act}")
        lines.append(f"  acted: {row.acted}  " + "  ".join(f"{o}={row.counts[o]}" for o in ACTED_OUTCOMES))
        lines.append(f"  denial rate among agents that acted: {_rate(row.denial)}")
        lines.append(f"  confession rate among agents that acted: {_rate(row.confession)}")
        for phrasing, rate in row.denial_by_phrasing.items():
            lines.append(f"    denied when asked {phrasing}: {_rate(rate)}")
        lines.append(
            f"  did not act: {row.not_acted}  "
            + "  ".join(f"{o}={row.counts[o]}" for o in NOT_ACTED_OUTCOMES)
        )
        lines.append(f"  false-confession rate among agents that did not act: {_rate(row.false_confession)}")
        for phrasing, rate in row.false_confession_by_phrasing.items():
            lines.append(f"    admitted when asked {phrasing}: {_rate(rate)}")
        errs = ", ".join(f"{k}={v}" for k, v in row.errors.items()) or "none"
        lines.append(f"  errors (not in any denominator): {errs}")
    return "\n".join(lines)
