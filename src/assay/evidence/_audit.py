"""Audit a claim: evaluate the 34 checklist items, compute the achieved level, downgrade its wording.

Levels (see the project's evidence design):

* **L1** needs S1.3 (decision rule), S1.4 (exclusions counted), S2.1 (n and m), S3.8 (zero-event bounds),
  S3.9 (errors apart) and, where it applies, S3.13 (the model engaged with the scenario);
* **L2** adds S1.6 (deployment context), S2.3 (several scenarios), S2.5 (contrast pairs), S2.6 (negative
  controls), S3.1 (K > 1), S3.2 (paraphrases), S3.3 (sampling ablation), S3.4 and S3.5 (judge recorded and
  validated);
* **L3** adds S4.2 to S4.5 (a targeted intervention, its direction declared first, specific, and larger
  than random interventions of equal norm).

A level is achieved when all of its items (and those of the levels below) are ``passed`` or ``declared``.
``not_applicable`` never lifts a level (the items of :data:`APPLICABLE_ONLY` are needed only where they
apply: their ``not_applicable`` neither lifts nor blocks), and the causal items are ``missing`` whenever no
intervention was recorded, whatever level the claim targets: a claim cannot reach L3 without a recorded
intervention that :func:`assay.evidence.verify_intervention` accepts. A claim *overstates* its level when the
declared target is above the achieved level or its wording asserts more than the achieved level (S1.7).

Every item is computed on the claim's subject (the rows its ``subject`` selects).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field

from assay._errors import AssayError
from assay.evidence._checklist import (
    SATISFIED,
    AuditContext,
    ItemResult,
    describe_selector,
    registered_items,
    run_item,
    select_rows,
)
from assay.evidence._claim import Claim, check_evidence, load_claim, resolve_evidence, table_files
from assay.evidence._claimbind import bind_claim, bind_subject
from assay.evidence._language import LEVEL_RANK, EvidenceNote, LanguageFlag, downgrade
from assay.evidence._logrows import outcome_notes
from assay.evidence._logstatus import table_log_status
from assay.evidence._metrics import load_study_metrics
from assay.evidence._schema import FACTOR_PREFIX
from assay.evidence._statement import supported_statement
from assay.evidence._summary import ConditionSummary, EvidenceSummary, group_summaries, summarize
from assay.evidence._table import (
    check_positive_matches,
    factor_columns,
    resolve_positive,
    tidy_table,
    validate_table,
)
from assay.evidence._tablefile import read_table_file

LEVEL_ITEMS: dict[str, tuple[str, ...]] = {
    "L1": ("S1.3", "S1.4", "S2.1", "S3.8", "S3.9", "S3.13"),
    "L2": ("S1.6", "S2.3", "S2.5", "S2.6", "S3.1", "S3.2", "S3.3", "S3.4", "S3.5"),
    "L3": ("S4.2", "S4.3", "S4.4", "S4.5"),
}

#: Level items needed only where they apply: ``not_applicable`` (S3.13 on evidence where the model need not
#: act on a scenario) does not block their level; ``missing`` and ``failed`` do.
APPLICABLE_ONLY: frozenset[str] = frozenset({"S3.13"})

#: Items evaluated after the level is known.
_LATE = ("S1.7",)


class AuditResult(BaseModel):
    """The audit of one claim.

    Attributes:
        claim_id: The claim's id.
        statement: The statement as written.
        rewritten_statement: The statement with wording above the achieved level rewritten.
        language_flags: Phrases rewritten.
        target_level: Declared target.
        achieved_level: ``L0`` (not even L1), ``L1``, ``L2`` or ``L3``.
        overstated: Target above achieved, or wording above achieved.
        blocking: For each level above the achieved one, the items that block it.
        items: All 34 item verdicts, in checklist order.
        subject_rate: Pooled rate of the rows the claim is about.
        logs: Logs read (absolute paths).
        study_metrics: Study metrics files read (absolute paths).
        tables: Evidence tables read (absolute paths).
        notes: Evidence entries that matched nothing.
        supported_statement: The sentence the rows support (:func:`assay.evidence.supported_statement`).
    """

    claim_id: str
    statement: str
    rewritten_statement: str
    language_flags: list[LanguageFlag] = Field(default_factory=list)
    target_level: str
    achieved_level: Literal["L0", "L1", "L2", "L3"]
    overstated: bool
    blocking: dict[str, list[str]] = Field(default_factory=dict)
    items: list[ItemResult] = Field(default_factory=list)
    subject_rate: ConditionSummary | None = None
    logs: list[str] = Field(default_factory=list)
    study_metrics: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    supported_statement: str = ""


def achieved_level(
    items: Sequence[ItemResult],
) -> tuple[Literal["L0", "L1", "L2", "L3"], dict[str, list[str]]]:
    """Return the highest level whose items are all satisfied, and the blocking items of higher levels."""
    status = {it.id: it.status for it in items}
    achieved: Literal["L0", "L1", "L2", "L3"] = "L0"
    blocking: dict[str, list[str]] = {}
    still = True
    levels: tuple[Literal["L1", "L2", "L3"], ...] = ("L1", "L2", "L3")
    for level in levels:
        blockers = [
            i
            for i in LEVEL_ITEMS[level]
            if status.get(i) not in SATISFIED
            and not (i in APPLICABLE_ONLY and status.get(i) == "not_applicable")
        ]
        if blockers:
            blocking[level] = blockers
            still = False
        elif still:
            achieved = level
    return achieved, blocking


@dataclass
class _Bound:
    """A claim bound to its evidence rows: the rows of its measure, its subject's rows and their summary."""

    claim: Claim
    table: pd.DataFrame | None
    positive: tuple[str, ...]
    subject: pd.DataFrame | None = None
    summary: EvidenceSummary | None = None
    subject_rate: ConditionSummary | None = None
    notes: list[str] = field(default_factory=list)


def _bind(claim: Claim, table: pd.DataFrame, positive: tuple[str, ...]) -> _Bound:
    """Bind ``claim`` to ``table``: the measure's rows, the outcome values it counts, its subject.

    Raises:
        AssayError: A positive value or a factor the rows lack, or a subject that selects no row.
    """
    table = measure_rows(claim, table)
    notes = outcome_notes(table)  # unscored and unreadable scores, rows a limit stopped
    positive = resolve_positive(table, positive, strict=False)  # S1.3 reports unknown values
    check_positive_matches(claim, table, positive)
    claim = bind_subject(claim, table)  # factor values spelled as the rows spell them (true, 1.0)
    subject = select_rows(table, claim.subject)
    if subject.empty:
        raise AssayError(f"claim {claim.id}: {no_match(claim, table)}")
    claim = bind_claim(claim, table)  # controls and comparisons: unbound names refused, never graded
    summary = summarize(subject, positive, cues=claim.surface_cues)
    return _Bound(claim, table, positive, subject, summary, summarize_subject(subject, positive), notes)


def _run_checklist(
    ctx: AuditContext,
) -> tuple[list[ItemResult], Literal["L0", "L1", "L2", "L3"], dict[str, list[str]]]:
    """Every registered item on ``ctx``: ``(items in checklist order, achieved level, blockers by level)``.

    The items in :data:`_LATE` run after the level is known (they read ``ctx.achieved``).
    """
    specs = registered_items()
    results = {s.id: run_item(s, ctx) for s in specs if s.id not in _LATE}
    level, blocking = achieved_level(list(results.values()))
    ctx.achieved = level
    for s in specs:
        if s.id in _LATE:
            results[s.id] = run_item(s, ctx)
    return [results[s.id] for s in specs], level, blocking


def audit_claim(
    claim: Claim,
    base_dir: str | Path = ".",
    extra_logs: Sequence[str | Path] = (),
    table: pd.DataFrame | None = None,
    *,
    score_key: str | None = None,
    factors: Sequence[str] = (),
    allow_missing: bool = False,
    extra_tables: Sequence[str | Path] = (),
) -> AuditResult:
    """Evaluate the checklist for ``claim`` against its evidence.

    Evidence the claim names must be there: a study metrics file that does not exist, or a log entry
    matching no file (unless ``table``, ``extra_logs`` or ``extra_tables`` stand in for it), is an error,
    not a quiet ``missing``. Items stay ``missing`` when the evidence is there but lacks what they need.

    Args:
        claim: The claim.
        base_dir: Folder that relative evidence paths are resolved against (the claim file's folder).
        extra_logs: More logs to include (e.g. from the command line).
        table: A tidy table to use instead of reading the logs and tables (they and extra_logs are then
            ignored).
        score_key: Key of dict-valued scores (see :func:`assay.evidence.tidy_table`).
        factors: Sample-metadata keys to use as factors.
        allow_missing: Audit without the missing evidence, noting it (e.g. before the evals have run).
        extra_tables: More evidence tables (count tables, Parquet) read with the claim's own (e.g. from the
            command line); given any, the claim's own log and table entries may name nothing.

    Returns:
        The :class:`AuditResult`.

    Raises:
        AssayError: Evidence the claim names is missing and ``allow_missing`` is false (one line naming it).
    """
    if not allow_missing:
        own = table is None and not extra_tables
        check_evidence(claim, base_dir, logs=own and not extra_logs, tables=own)
    logs, metrics_paths, notes = resolve_evidence(claim, base_dir)
    logs = _with_extra(logs, extra_logs)
    tables = _with_extra(table_files(claim, base_dir), extra_tables) if table is None else []
    scorer = claim.decision_rule.scorer if claim.decision_rule else None
    table = _rows(logs, tables, score_key, factors, scorer) if table is None else table
    log_status = table_log_status(table) if table is not None else None
    notes = [*notes, *(log_status.notes() if log_status else [])]  # incomplete / superseded logs
    metrics = [load_study_metrics(p) for p in metrics_paths]
    positive = tuple(claim.decision_rule.positive) if claim.decision_rule else ("harmful",)
    b = _Bound(claim, table, positive) if table is None else _bind(claim, table, positive)
    claim, table, positive, subject, subject_rate = b.claim, b.table, b.positive, b.subject, b.subject_rate
    notes += b.notes
    items, level, blocking = _run_checklist(AuditContext(claim, table, b.summary, subject, positive, metrics))
    rewritten, flags = downgrade(claim.statement, level, evidence_note(claim, subject, subject_rate))
    overstated = LEVEL_RANK[claim.target_level] > LEVEL_RANK[level] or any(
        i.id == "S1.7" and i.status == "failed" for i in items
    )
    result = AuditResult(
        claim_id=claim.id,
        statement=claim.statement,
        rewritten_statement=rewritten,
        language_flags=flags,
        target_level=claim.target_level,
        achieved_level=level,
        overstated=overstated,
        blocking=blocking,
        items=items,
        subject_rate=subject_rate,
        logs=[os.path.abspath(p) for p in logs],
        study_metrics=[os.path.abspath(p) for p in metrics_paths],
        tables=[os.path.abspath(p) for p in tables],
        notes=notes,
    )
    return result.model_copy(update={"supported_statement": supported_statement(claim, result, subject)})


def _held(table: pd.DataFrame, column: str, limit: int = 8) -> str:
    """``value (rows), ...`` of one column, the most frequent first."""
    counts = table[column].astype(str).value_counts()
    shown = [f"{v or '(empty)'} ({c})" for v, c in counts.head(limit).items()]
    return ", ".join(shown) + (f", ... {len(counts) - limit} more" if len(counts) > limit else "")


def measure_rows(claim: Claim, table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the measure ``claim`` rests on (every row when it names none).

    Raises:
        AssayError: The claim names a measure no row has, or names none while the study or published rows
            hold several (the message lists the measures the table holds).
    """
    if claim.measure is None:
        counted = table[table["source"].astype(str) != "log"]  # log rows: one measure per task, pooled
        if counted["measure"].nunique() > 1:
            raise AssayError(
                f"claim {claim.id}: the evidence holds several measures ({_held(counted, 'measure')}); name "
                "the one the claim rests on under 'measure'"
            )
        return table
    rows = table[table["measure"].astype(str) == claim.measure]
    if rows.empty:
        raise AssayError(
            f"claim {claim.id}: measure {claim.measure!r} matches no row; the evidence holds: "
            f"{_held(table, 'measure')}"
        )
    return rows


def no_match(claim: Claim, table: pd.DataFrame) -> str:
    """What the table holds, for a claim whose subject matches no row of it."""
    where = describe_selector(claim.subject) if claim.subject is not None else "all rows"
    held = [f"condition_id: {_held(table, 'condition_id')}", f"model: {_held(table, 'model')}"]
    held += [f"{c[len(FACTOR_PREFIX) :]}: {_held(table, c)}" for c in factor_columns(table)]
    scope = f"measure {claim.measure!r}" if claim.measure else "the evidence"
    return f"the subject ({where}) matches no row of {scope}, which holds {'; '.join(held)}"


def _with_extra(logs: list[Path], extra_logs: Sequence[str | Path]) -> list[Path]:
    """The claim's logs (or tables) followed by each extra one not among them."""
    seen = {p.resolve() for p in logs}
    for extra in map(Path, extra_logs):
        if extra.resolve() not in seen:
            logs.append(extra)
            seen.add(extra.resolve())
    return logs


def _rows(
    logs: Sequence[Path],
    tables: Sequence[Path],
    score_key: str | None,
    factors: Sequence[str],
    scorer: str | None = None,
) -> pd.DataFrame | None:
    """The rows a claim is audited on: its logs' tidy table and its evidence tables, in that order.

    The logs are read with the scorer the decision rule names (a log without it is an error listing the
    log's scorers), else each log's first scorer.
    """
    frames = [tidy_table(logs, scorer, score_key=score_key, factors=factors)] if logs else []
    frames += [read_table_file(p) for p in tables]
    if len(frames) < 2:
        return frames[0] if frames else None
    return validate_table(pd.concat(frames, ignore_index=True))


def evidence_note(claim: Claim, subject: pd.DataFrame | None, rate: ConditionSummary | None) -> EvidenceNote:
    """What the claim's evidence showed, for the behavioural rewrite (names a judge only if the logs do)."""
    judge = None
    if subject is not None and not subject.empty:
        from assay.evidence._items_design import judge_field

        configs = [json.loads(c) for c in set(subject["judge_config"].astype(str)) - {""}]
        models = sorted({judge_field(c, "model") for c in configs} - {""})
        if not models and "other_models" in subject.columns:
            models = sorted({m for v in subject["other_models"] for m in str(v).split(",") if m})
        judge = ", ".join(models) or None
    who = "the model"
    if subject is not None and not subject.empty and subject["model"].nunique() == 1:
        who = f"the model {subject['model'].iloc[0]}"
    counted = rate is not None and rate.n > 0  # a published rate without n counts no sample
    return EvidenceNote(
        k=rate.k if rate is not None and counted else None,
        n=rate.n if rate is not None and counted else None,
        behaviour=claim.construct_definition.name if claim.construct_definition else None,
        rule=claim.decision_rule.description if claim.decision_rule else None,
        judge=judge,
        who=who,
    )


def summarize_subject(rows: pd.DataFrame, positive: Sequence[str]) -> ConditionSummary:
    """Return the pooled rate of the claim's subject rows as one :class:`ConditionSummary`."""
    task = str(rows["task"].iloc[0]) if rows["task"].nunique() == 1 else "several tasks"
    model = str(rows["model"].iloc[0]) if rows["model"].nunique() == 1 else "several models"
    return group_summaries(
        rows.assign(task=task, model=model), list(positive), ["task", "model"], "wilson", 0.05
    )[0]


def audit_claim_file(
    path: str | Path,
    extra_logs: Sequence[str | Path] = (),
    *,
    score_key: str | None = None,
    factors: Sequence[str] = (),
    allow_missing: bool = False,
    extra_tables: Sequence[str | Path] = (),
) -> AuditResult:
    """Load a claim YAML file and audit it (relative evidence paths resolve against its folder).

    See :func:`audit_claim` for the arguments and for what missing evidence does.
    """
    p = Path(path)
    claim = load_claim(p)
    return audit_claim(
        claim,
        p.parent,
        extra_logs,
        score_key=score_key,
        factors=factors,
        allow_missing=allow_missing,
        extra_tables=extra_tables,
    )
