"""Checklist items S3.4 and S3.5: the classifier behind every outcome is recorded, and validated.

A deterministic detector is a classifier like a judge: both items treat every kind alike (see
:mod:`assay.evidence._classifier`). A row's classifiers are its ``classifier`` records; a row from an older
or foreign log that records only a ``judge_config`` counts as an ``llm_judge`` with that configuration.
Only scored rows count (an error row, or one kept out of n, was never classified). A scorer that left no
record fails S3.4; rows expanded from published counts, which cannot carry one, leave both items
``missing``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from assay.evidence._checklist import AuditContext, Status, item, rate_without_n
from assay.evidence._classifier import (
    KAPPA_LOW_MIN,
    ClassifierRecord,
    judge_record,
    read_records,
    validation_verdict,
)
from assay.evidence._items_design import judge_field
from assay.evidence._rater_validation import rater_validation_status
from assay.evidence._schema import AGGREGATED
from assay.evidence._table import ERROR_OUTCOMES

#: Kinds that read the output with a model; their configuration must name models, prompt and aggregation.
JUDGE_KINDS: frozenset[str] = frozenset({"llm_judge", "rubric_judge"})

#: What a judge's configuration must record (S3.4).
JUDGE_FIELDS: tuple[str, ...] = ("model", "prompt_sha256", "aggregation")


@dataclass
class RowClassifiers:
    """The classifiers of a table's scored rows, and the rows whose classifier is unknown.

    Attributes:
        records: Distinct classifiers, keyed by name and configuration hash.
        unrecorded: Scorer name -> scored rows that record no classifier.
        from_counts: Scored rows expanded from published counts (they cannot record a classifier).
        unreadable: Rows whose ``classifier`` cell is not a list of records.
        ungraded: Models called besides the tested one by rows that record no judge.
        n_rows: Scored rows.
    """

    records: dict[tuple[str, str], ClassifierRecord] = field(default_factory=dict)
    unrecorded: Counter[str] = field(default_factory=Counter)
    from_counts: int = 0
    unreadable: int = 0
    ungraded: set[str] = field(default_factory=set)
    n_rows: int = 0


def _column(t: pd.DataFrame, name: str) -> pd.Series:
    return t[name].astype(str) if name in t.columns else pd.Series("", index=t.index)


def row_classifiers(t: pd.DataFrame) -> RowClassifiers:
    """Collect the classifiers of the scored rows of ``t`` (see the module docstring)."""
    scored = t[~t["outcome"].isin(list(ERROR_OUTCOMES))]
    counts = _column(scored, "granularity") == AGGREGATED
    out = RowClassifiers(n_rows=len(scored), from_counts=int(counts.sum()))
    scored = scored[~counts]
    cells = pd.DataFrame(
        {
            "classifier": _column(scored, "classifier"),
            "judge_config": _column(scored, "judge_config"),
            "other_models": _column(scored, "other_models"),
            "scorer": _column(scored, "scorer"),
        }
    )
    for (cell, config, others, scorer), group in cells.groupby(list(cells.columns), sort=True):
        records = read_records(str(cell))
        if records is None:
            out.unreadable += len(group)
            continue
        if not any(r.kind in JUDGE_KINDS for r in records) and config:
            records = [*records, judge_record(json.loads(str(config)))]
        if not records:
            out.unrecorded[str(scorer) or "unnamed"] += len(group)
        if others and not any(r.kind in JUDGE_KINDS for r in records):
            out.ungraded |= {m for m in str(others).split(",") if m}
        for r in records:
            out.records.setdefault((r.name, r.config_sha256), r)
    return out


#: The reason of both items on rows expanded from published counts.
FROM_COUNTS = "aggregated source: published counts carry no classifier record (kind, configuration, labels)"


def _no_rows(ctx: AuditContext) -> tuple[Status, str]:
    """The status when no row was scored: a rate without n (``missing``), else every row an error."""
    unreported = rate_without_n(ctx.subject)
    if unreported:
        return "missing", unreported
    return "failed", "no scored row: every row is an error or kept out of n"


def _unrecorded_text(found: RowClassifiers) -> str:
    which = ", ".join(f"{n} row(s) of scorer '{s}'" for s, n in sorted(found.unrecorded.items()))
    return f"{which} record no classifier: its kind, version and configuration hash are unknown"


def _describe(records: list[ClassifierRecord]) -> str:
    parts = []
    for r in records:
        text = r.key
        if r.kind in JUDGE_KINDS:
            model, how = judge_field(r.config, "model"), judge_field(r.config, "aggregation")
            threshold = judge_field(r.config, "threshold") or "none (categorical labels)"
            text += f": model(s) {model}; threshold {threshold}; aggregation {how}"
        parts.append(text)
    return "; ".join(parts)


@item("S3.4", "judge configuration recorded: model, prompt hash, threshold, aggregation")
def classifier_recorded(ctx: AuditContext) -> tuple[Status, str]:
    """Every scored row records what classified it, with a configuration hash; judges name their setup."""
    if ctx.subject is None or ctx.subject.empty:
        return ctx.no_data()
    found = row_classifiers(ctx.subject)
    if not found.n_rows:
        return _no_rows(ctx)
    if found.unreadable:
        return "failed", f"{found.unreadable} row(s) have an unreadable classifier record"
    if found.ungraded:
        models = ", ".join(sorted(found.ungraded))
        return "failed", f"samples called {models} besides the tested model but record no judge configuration"
    if found.unrecorded:
        return "failed", _unrecorded_text(found)
    if found.from_counts:
        return "missing", FROM_COUNTS
    records = sorted(found.records.values(), key=lambda r: r.key)
    lacking = sorted(
        {k for r in records if r.kind in JUDGE_KINDS for k in JUDGE_FIELDS if not judge_field(r.config, k)}
    )
    if lacking:
        return "failed", "judge configuration lacks: " + ", ".join(lacking)
    return "passed", f"{len(records)} classifier(s): {_describe(records)}"


def _study_validation(ctx: AuditContext, record: ClassifierRecord | None) -> tuple[Status, str] | None:
    """A judge's validation from the study metrics (``judge_validation`` or ``rater_validation``), if any."""
    vals = [m.judge_validation for m in ctx.metrics if m.judge_validation is not None]
    if vals:
        v = vals[0]
        text = f"study metrics: kappa {v.kappa:.2f} [{v.lo:.2f}, {v.hi:.2f}] on {v.n} human-labelled items"
        if v.lo >= KAPPA_LOW_MIN:
            return "passed", text
        return "failed", f"{text}; lower bound below {KAPPA_LOW_MIN}"
    raters = [m.rater_validation for m in ctx.metrics if m.rater_validation is not None]
    if raters:
        configs = [record.config] if record is not None else []
        return rater_validation_status(raters[0], configs)
    return None


def _verdict(ctx: AuditContext, record: ClassifierRecord) -> tuple[Status, str]:
    status, reason = validation_verdict(record)
    if status == "missing" and record.kind in JUDGE_KINDS:
        given = _study_validation(ctx, record)
        if given is not None:
            return given[0], f"{record.key}: {given[1]}"
        reason += " and no 'judge_validation' or 'rater_validation' in the study metrics"
    return status, reason


@item("S3.5", "judge validated against human labels, kappa with CI")
def classifier_validated(ctx: AuditContext) -> tuple[Status, str]:
    """Every classifier that is not exact agrees with held-out human labels (kappa's lower bound)."""
    if ctx.subject is None or ctx.subject.empty:
        if not ctx.metrics:
            return ctx.no_data()
        given = _study_validation(ctx, None)
        return given or ("missing", "no logs and no judge validation in the study metrics")
    found = row_classifiers(ctx.subject)
    if not found.n_rows:
        return _no_rows(ctx)
    if found.unrecorded or found.unreadable:
        return "missing", "rows without a readable classifier record: nothing says what to validate (S3.4)"
    if found.from_counts:
        return "missing", FROM_COUNTS
    verdicts = [_verdict(ctx, r) for r in sorted(found.records.values(), key=lambda r: r.key)]
    order: tuple[Status, ...] = ("failed", "missing")
    for status in order:
        bad = [reason for s, reason in verdicts if s == status]
        if bad:
            return status, "; ".join(bad)
    return "passed", "; ".join(reason for _, reason in verdicts)
