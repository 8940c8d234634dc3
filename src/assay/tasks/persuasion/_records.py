"""Paired shifts from persuasion logs: one record per rater x argument, estimates clustered by claim.

Every interval comes from the evidence package (:func:`assay.evidence.paired_bootstrap_interval`, resampling
whole claims). Records that are not a valid before/after pair (``unparseable``, ``rater_error``,
``model_error``, ``no_argument``) are counted beside each estimate and never enter it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay._errors import AssayError, unreadable_log
from assay.evidence import paired_bootstrap_interval
from assay.scoring import Outcome

ALL = "all"

#: The persuasion task's scorer, whose metadata holds the per-rater ratings.
SCORER = "persuasion_shift"

#: The outcome of a sample whose target call failed (``assay.scoring.Outcome.MODEL_ERROR``).
MODEL_ERROR = Outcome.MODEL_ERROR.value


class ShiftRecord(BaseModel):
    """One rater's before/after pair on one argument (or the failure that left no pair)."""

    model_config = ConfigDict(extra="forbid")

    log: str
    writer: str
    arm: str
    style: str
    claim_id: str
    claim_kind: str
    stance: str
    sample_id: str
    epoch: int
    rater: str
    status: str
    before: float | None = None
    after: float | None = None
    before_method: str = ""
    after_method: str = ""
    words: int | None = None
    in_range: bool | None = None
    human_shift: float | None = None

    @property
    def shift(self) -> float | None:
        """``after - before`` for a valid pair."""
        return None if self.before is None or self.after is None else self.after - self.before


class ShiftEstimate(BaseModel):
    """Mean paired shift (scale points) of one group, with its claim-clustered interval.

    Attributes:
        writer: Target model, or ``reference`` for given arguments.
        style: Writing style or ``all``.
        claim_kind: ``contested``, ``control`` or ``external``.
        rater: Panel member or ``all``.
        n_pairs: Valid rater x argument pairs.
        n_claims: Distinct claims among them (the bootstrap's resampling units).
        mean: Mean shift.
        lo: Lower bound (cluster bootstrap by claim).
        hi: Upper bound.
        ci_method: The interval's method.
        floor: The writer's control-claim shift (all styles), for reading ``mean`` against.
        counts: Records by status (``ok`` and every failure), so errors are visible beside the estimate.
        validation: The panel's validation status (filled by the report).
    """

    model_config = ConfigDict(extra="forbid")

    writer: str
    style: str
    claim_kind: str
    rater: str = ALL
    n_pairs: int
    n_claims: int
    mean: float
    lo: float
    hi: float
    ci_method: str
    floor: float | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    validation: str = ""


def _writer(header_model: str, meta: dict[str, Any]) -> str:
    return "reference" if meta.get("factors", {}).get("arm") == "reference" else header_model


def _failure_record(base: dict[str, Any], outcome: str) -> ShiftRecord:
    statuses: dict[str, str] = {
        Outcome.MODEL_ERROR: MODEL_ERROR,
        Outcome.EMPTY: "no_argument",
        Outcome.INVALID_ACTION: "no_argument",
        Outcome.REFUSED: "no_argument",
    }
    return ShiftRecord(**base, rater="", status=statuses.get(outcome, "rater_error"))


def sample_records(log_path: str, model: str, sample: Any) -> list[ShiftRecord]:
    """Return the records of one Inspect sample (one per rater, or one failure record)."""
    meta = dict(sample.metadata or {})
    factors = meta.get("factors") or {}
    score = (sample.scores or {}).get(SCORER)
    score_meta = dict(score.metadata or {}) if score is not None else {}
    base: dict[str, Any] = {
        "log": log_path,
        "writer": _writer(model, meta),
        "arm": str(factors.get("arm", "generated")),
        "style": str(factors.get("style", "")),
        "claim_id": str(meta.get("claim_id", sample.id)),
        "claim_kind": str(factors.get("claim_kind", "external")),
        "stance": str(factors.get("stance", "")),
        "sample_id": str(sample.id),
        "epoch": int(sample.epoch),
        "words": score_meta.get("words"),
        "in_range": score_meta.get("in_range"),
        "human_shift": meta.get("human_shift"),
    }
    outcome = MODEL_ERROR if sample.error or score is None else str(score.value)
    ratings = score_meta.get("ratings") or []
    if outcome == MODEL_ERROR or not ratings:
        return [_failure_record(base, outcome)]
    return [_rating_record(base, r) for r in ratings]


def _rating_record(base: dict[str, Any], r: dict[str, Any]) -> ShiftRecord:
    """One rater's record; ratings of logs before task version 2 were all generated and parsed."""
    ok = r["status"] == "ok"
    return ShiftRecord(
        **base,
        rater=str(r["rater"]),
        status=str(r["status"]),
        before=r["before"],
        after=r["after"],
        before_method=str(r.get("before_method") or ("generate" if ok else "")),
        after_method=str(r.get("after_method") or ("generate" if ok else "")),
    )


def method_counts(records: Iterable[ShiftRecord]) -> dict[str, int]:
    """Ratings (before and after counted apart) of valid pairs per method that read them."""
    out: Counter[str] = Counter()
    for r in records:
        if r.shift is not None:
            out.update([r.before_method or "unknown", r.after_method or "unknown"])
    return dict(sorted(out.items()))


class RecordSet(BaseModel):
    """What :func:`read_records` read: the records, the panels' ``judge_config``s and notes on the logs."""

    model_config = ConfigDict(extra="forbid")

    records: list[ShiftRecord]
    configs: list[dict[str, Any]]
    notes: list[str] = Field(default_factory=list)


def _read_log(path: str | Path) -> Any:
    from inspect_ai.log import read_eval_log

    p = Path(path)
    if not p.is_file():
        raise AssayError(f"log not found: {p}")
    try:
        log = read_eval_log(str(p), exclude_fields={"messages", "events", "store", "attachments"})
    except Exception as ex:  # Inspect raises many types for unreadable files
        raise unreadable_log(p, ex) from None
    if not str(log.eval.task).endswith("persuasion"):
        raise AssayError(f"{p} is a log of {log.eval.task}, not of assay/persuasion")
    if log.status not in ("success", "error"):
        raise AssayError(
            f"{p}: the run has status {log.status!r} (unfinished); retry it (inspect eval-retry)"
        )
    return log


def read_records(logs: Sequence[str | Path]) -> RecordSet:
    """Read every persuasion sample of ``logs``.

    A log with status ``error`` is read (its failed samples are ``model_error`` records) and noted, with
    the number of samples it never reached.

    Raises:
        AssayError: A log is missing, unreadable, not a persuasion log, or unfinished.
    """
    if not logs:
        raise AssayError("no logs given")
    out = RecordSet(records=[], configs=[])
    configs: dict[str, dict[str, Any]] = {}
    for path in logs:
        log = _read_log(path)
        samples = log.samples or []
        if log.status == "error":
            planned = (log.eval.dataset.samples or len(samples)) * (log.eval.config.epochs or 1)
            out.notes.append(
                f"{path}: run ended with status 'error'; {planned - len(samples)} sample(s) not run"
            )
        for sample in samples:
            out.records += sample_records(str(path), str(log.eval.model), sample)
            score = (sample.scores or {}).get(SCORER)
            config = (score.metadata or {}).get("judge_config") if score is not None else None
            if isinstance(config, dict):
                configs[repr(sorted(config.items()))] = config
    if not out.records:
        raise AssayError("the logs have no persuasion samples")
    out.configs = list(configs.values())
    return out


def estimate(
    records: Iterable[ShiftRecord], key: tuple[str, str, str, str], alpha: float = 0.05, seed: int = 0
) -> ShiftEstimate:
    """Return the mean shift of ``records`` (already selected for ``key``) with its claim-clustered interval.

    Args:
        records: The group's records, valid and failed.
        key: ``(writer, style, claim_kind, rater)`` labels of the group.
        alpha: One minus the confidence level.
        seed: Seed of the bootstrap.
    """
    rows = list(records)
    valid = [r for r in rows if r.shift is not None]
    shifts = [float(r.shift) for r in valid if r.shift is not None]
    clusters = [r.claim_id for r in valid]
    lo, hi, method = paired_bootstrap_interval(shifts, clusters, alpha=alpha, seed=seed)
    writer, style, kind, rater = key
    return ShiftEstimate(
        writer=writer,
        style=style,
        claim_kind=kind,
        rater=rater,
        n_pairs=len(shifts),
        n_claims=len(set(clusters)),
        mean=sum(shifts) / len(shifts) if shifts else math.nan,
        lo=lo,
        hi=hi,
        ci_method=method,
        counts=dict(sorted(Counter(r.status for r in rows).items())),
    )


def shift_estimates(
    records: Sequence[ShiftRecord], alpha: float = 0.05, seed: int = 0
) -> list[ShiftEstimate]:
    """Return estimates per writer x style x claim kind (styles pooled as ``all``), and per rater.

    Each estimate carries its writer's control floor (the control-claim shift over all styles), the
    per-rater estimates their rater's own floor.
    """
    out: list[ShiftEstimate] = []
    for writer in sorted({r.writer for r in records}):
        mine = [r for r in records if r.writer == writer]
        styles = [ALL, *sorted({r.style for r in mine})]
        for kind in sorted({r.claim_kind for r in mine}):
            for style in styles:
                group = [r for r in mine if r.claim_kind == kind and style in (ALL, r.style)]
                if group:
                    out.append(estimate(group, (writer, style, kind, ALL), alpha, seed))
            for rater in sorted({r.rater for r in mine if r.rater}):
                group = [r for r in mine if r.claim_kind == kind and r.rater == rater]
                out.append(estimate(group, (writer, ALL, kind, rater), alpha, seed))
    floors = {(e.writer, e.rater): e.mean for e in out if e.claim_kind == "control" and e.style == ALL}
    for e in out:
        floor = floors.get((e.writer, e.rater))
        e.floor = floor if floor is not None and math.isfinite(floor) else None
    return out
