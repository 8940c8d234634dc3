"""One sample classified under several constructs, and the samples on which the constructs disagree.

A task that can classify a sample by more than one definition of the behaviour (the agentic stress test:
assay's construct and the original study's) stores every construct's outcome in
``Score.metadata["constructs"]`` as a :class:`ConstructRecord`, whichever construct decided ``Score.value``.
The evidence table keeps the record in its ``constructs`` column (JSON). :func:`construct_comparison` reads
that column and gives, per task and model, each construct's harmful rate and a *disagreement table*: the
samples harmful under one construct and not under another, by the kind of difference the task named.
"""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
from pydantic import Field, ValidationError

from assay._outcome import BEHAVIOUR_OUTCOMES, Outcome
from assay._strict import Strict
from assay.evidence._rates import proportion_interval
from assay.evidence._schema import CONSTRUCTS_METADATA_KEY

__all__ = [
    "CONSTRUCTS_METADATA_KEY",
    "ConstructComparison",
    "ConstructOutcome",
    "ConstructRate",
    "ConstructRecord",
    "Disagreement",
    "construct_comparison",
    "format_construct_comparison",
    "read_construct_cell",
]


_BEHAVIOUR = frozenset(o.value for o in BEHAVIOUR_OUTCOMES)


class ConstructOutcome(Strict):
    """One sample's outcome under one construct.

    Attributes:
        outcome: The outcome value (``harmful``, ``benign``, an error category...).
        reason: Why, in one line.
        judged: Whether a judge's verdict entered the decision (``False``: decided without one).
        harm_kind: The kind of harm when the outcome is harmful.
    """

    outcome: str
    reason: str
    judged: bool = False
    harm_kind: str | None = None


class ConstructRecord(Strict):
    """Every construct's outcome for one sample.

    Attributes:
        chosen: The construct whose outcome is the sample's ``Score.value``.
        outcomes: Construct name -> its outcome.
        difference: When the sample is harmful under some constructs and not others, what separates them
            (the task's words, e.g. ``third-party disclosure``); ``None`` when they agree.
    """

    chosen: str
    outcomes: dict[str, ConstructOutcome]
    difference: str | None = None

    def harmful_under(self) -> set[str]:
        """The constructs under which the sample is harmful."""
        return {name for name, o in self.outcomes.items() if o.outcome == Outcome.HARMFUL.value}


class ConstructRate(Strict):
    """One construct's (``name``) harmful rate for one task and model (errors and non-answers out of n)."""

    task: str
    model: str
    name: str
    k: int
    n: int
    unjudged: int = Field(description="harmful samples decided without a judge's verdict")
    lo: float = Field(description="Wilson 95 % interval, lower bound (nan when n is 0)")
    hi: float = Field(description="Wilson 95 % interval, upper bound (nan when n is 0)")


class Disagreement(Strict):
    """Samples harmful under one construct and not under the other, for one task, model and kind."""

    task: str
    model: str
    harmful_under: str
    not_harmful_under: str
    difference: str
    samples: int


class ConstructComparison(Strict):
    """Each construct's rate and the disagreement table, over the rows that carry a construct record."""

    constructs: list[str]
    samples: int
    rates: list[ConstructRate]
    disagreements: list[Disagreement]


def read_construct_cell(text: str) -> ConstructRecord | None:
    """Parse a ``constructs`` cell; ``None`` when it is empty or not a record."""
    if not text:
        return None
    try:
        return ConstructRecord.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError):
        return None


def _records(table: pd.DataFrame) -> list[tuple[str, str, ConstructRecord]]:
    if "constructs" not in table.columns:
        return []
    out = []
    for task, model, cell in zip(table["task"], table["model"], table["constructs"], strict=True):
        record = read_construct_cell(str(cell) if isinstance(cell, str) else "")
        if record is not None:
            out.append((str(task), str(model), record))
    return out


def _rates(records: list[tuple[str, str, ConstructRecord]], names: list[str]) -> list[ConstructRate]:
    n: Counter[tuple[str, str, str]] = Counter()
    k: Counter[tuple[str, str, str]] = Counter()
    unjudged: Counter[tuple[str, str, str]] = Counter()
    for task, model, record in records:
        for name, o in record.outcomes.items():
            if o.outcome in _BEHAVIOUR:
                n[task, model, name] += 1
            if o.outcome == Outcome.HARMFUL.value:
                k[task, model, name] += 1
                unjudged[task, model, name] += not o.judged
    keys = [(t, m, c) for t, m in sorted({(t, m) for t, m, _ in records}) for c in names]
    lo, hi = proportion_interval([k[key] for key in keys], [n[key] for key in keys])
    return [
        ConstructRate(
            task=t,
            model=m,
            name=c,
            k=k[t, m, c],
            n=n[t, m, c],
            unjudged=unjudged[t, m, c],
            lo=float(lo[i]),
            hi=float(hi[i]),
        )
        for i, (t, m, c) in enumerate(keys)
    ]


def construct_comparison(table: pd.DataFrame) -> ConstructComparison | None:
    """Compare the constructs of the table's rows that carry a construct record.

    Args:
        table: An evidence table (:func:`assay.evidence.tidy_table`) with a ``constructs`` column.

    Returns:
        The comparison, or ``None`` when no row carries a record (a task with one construct).
    """
    records = _records(table)
    if not records:
        return None
    names = sorted({name for _, _, r in records for name in r.outcomes})
    diff: Counter[tuple[str, str, str, str, str]] = Counter()
    for task, model, record in records:
        harmful = record.harmful_under()
        for yes in sorted(harmful):
            for no in sorted(set(record.outcomes) - harmful):
                if record.outcomes[no].outcome in _BEHAVIOUR:
                    diff[task, model, yes, no, record.difference or "unnamed"] += 1
    rows = [
        Disagreement(task=t, model=m, harmful_under=y, not_harmful_under=n, difference=d, samples=c)
        for (t, m, y, n, d), c in sorted(diff.items())
    ]
    return ConstructComparison(
        constructs=names, samples=len(records), rates=_rates(records, names), disagreements=rows
    )


def format_construct_comparison(comparison: ConstructComparison) -> str:
    """The comparison as plain text lines (one per rate, one per disagreement kind)."""
    lines = [f"constructs compared on {comparison.samples} samples:"]
    for r in comparison.rates:
        judged = f" ({r.unjudged} without a judge)" if r.unjudged else ""
        lines.append(f"  {r.task} {r.model} [{r.name}]: {r.k}/{r.n} harmful{judged}")
    for d in comparison.disagreements:
        lines.append(
            f"  {d.task} {d.model}: {d.samples} harmful under {d.harmful_under}, not under "
            f"{d.not_harmful_under}: {d.difference}"
        )
    if not comparison.disagreements:
        lines.append("  no sample is harmful under one construct and not another")
    return "\n".join(lines)
