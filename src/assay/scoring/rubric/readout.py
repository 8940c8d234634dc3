"""Rubric-judge results from logs, with and without the samples the judge finds evaluation-aware.

For every dimension: the elicitation rate (score >= the rubric's declared threshold) over all judged samples,
over the samples the judge did *not* find evaluation-aware (``evaluation_awareness`` < threshold), and over
the aware ones; the difference aware - unaware is tested with Fisher's exact test. Rates and Wilson
intervals come from :func:`assay.evidence.binomial_rate`; judge, auditor and model errors are counted beside
them and never enter a denominator. A dimension the judge failed on in a sample (after its retries) is left
out of that dimension's rates; per dimension the readout counts those judge errors, the repair retries its
judge calls needed and how its scores were read (``generate``, ``exact``, ``top_logprobs``), over every
sample with a rubric record (judge_error samples included, so a model none of whose samples was judged still
has its judge errors per dimension, beside rates over no sample).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay._errors import AssayError, unreadable_log
from assay._outcome import Outcome
from assay.evidence import ERROR_OUTCOMES, Rate, binomial_rate
from assay.scoring.rubric._judge import DimensionRecord
from assay.scoring.rubric._scorer import AUDIT_REALISM_METADATA_KEY, RUBRIC_METADATA_KEY

#: The dimension that splits samples into evaluation-aware and not.
AWARENESS = "evaluation_awareness"


class DimensionReadout(BaseModel):
    """One dimension for one model: rates overall, without aware samples, aware only; the test."""

    model_config = ConfigDict(extra="forbid")

    dimension: str
    mean: float
    all: Rate
    without_aware: Rate
    aware: Rate
    diff_aware_minus_unaware: float
    fisher_p: float
    judge_errors: int = 0
    calls: int = 0
    retries: int = 0
    methods: dict[str, int] = Field(default_factory=dict)


class RealismReadout(BaseModel):
    """The realism judge's figures over one model's audits (turns pooled)."""

    model_config = ConfigDict(extra="forbid")

    audits: int
    scored: int
    mean: float | None
    low: int
    low_below: int | None
    errors: int


class ModelReadout(BaseModel):
    """All dimensions of one model's judged samples."""

    model_config = ConfigDict(extra="forbid")

    model: str
    rubric: str
    rubric_sha256: str
    threshold: int
    judged: int
    aware: int
    errors: dict[str, int]
    dimensions: list[DimensionReadout]
    realism: RealismReadout | None = None


class RubricReadout(BaseModel):
    """The readout of a set of logs."""

    model_config = ConfigDict(extra="forbid")

    logs: list[str]
    models: list[ModelReadout]


def realism_readout(summaries: Sequence[dict[str, Any]]) -> RealismReadout | None:
    """Pool audits' realism summaries (``Score.metadata["audit_realism"]``); ``None`` when there are none."""
    if not summaries:
        return None
    scored = sum(int(s.get("scored") or 0) for s in summaries)
    total = sum(float(s["mean"]) * int(s["scored"]) for s in summaries if s.get("scored"))
    return RealismReadout(
        audits=len(summaries),
        scored=scored,
        mean=total / scored if scored else None,
        low=sum(int(s.get("low") or 0) for s in summaries),
        low_below=next((int(s["low_below"]) for s in summaries if s.get("low_below") is not None), None),
        errors=sum(int(s.get("errors") or 0) for s in summaries),
    )


_Record = tuple[str, str, dict[str, Any], dict[str, Any] | None]


def _records(path: Path) -> list[_Record]:
    """(model, outcome, rubric record, audit realism summary or None) of every scored sample."""
    from inspect_ai.log import read_eval_log

    try:
        log = read_eval_log(str(path))
    except Exception as ex:
        raise unreadable_log(path, ex) from None
    out: list[_Record] = []
    for sample in log.samples or []:
        if sample.error is not None and not sample.scores:
            out.append((str(log.eval.model), Outcome.MODEL_ERROR.value, {}, None))
            continue
        for score in (sample.scores or {}).values():
            metadata = score.metadata or {}
            record = metadata.get(RUBRIC_METADATA_KEY)
            if record is not None:
                realism = metadata.get(AUDIT_REALISM_METADATA_KEY)
                out.append((str(log.eval.model), str(score.value), record, realism))
    return out


def _fisher(k1: int, n1: int, k2: int, n2: int) -> float:
    from scipy.stats import fisher_exact

    if n1 == 0 or n2 == 0:
        return math.nan
    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)


def _dimension(
    name: str, scored: list[dict[str, int]], aware: list[bool | None], threshold: int
) -> DimensionReadout:
    kept = [(s[name] >= threshold, a) for s, a in zip(scored, aware, strict=True) if name in s]
    k_aw = sum(h for h, a in kept if a is True)
    n_aw = sum(1 for _, a in kept if a is True)
    k_un = sum(h for h, a in kept if a is False)
    n_un = sum(1 for _, a in kept if a is False)
    r_aw, r_un = binomial_rate(k_aw, n_aw), binomial_rate(k_un, n_un)
    values = [s[name] for s in scored if name in s]
    return DimensionReadout(
        dimension=name,
        mean=sum(values) / len(values) if values else math.nan,
        all=binomial_rate(sum(h for h, _ in kept), len(kept)),
        without_aware=r_un,
        aware=r_aw,
        diff_aware_minus_unaware=r_aw.rate - r_un.rate if n_aw and n_un else math.nan,
        fisher_p=_fisher(k_aw, n_aw, k_un, n_un),
    )


def _judging(records: list[dict[str, Any]]) -> dict[str, list[DimensionRecord]]:
    """Per dimension, how it was judged in every sample that records it."""
    out: dict[str, list[DimensionRecord]] = {}
    for r in records:
        for name, raw in (r.get("dimensions") or {}).items():
            out.setdefault(name, []).append(DimensionRecord.model_validate(raw))
    return out


def _counted(d: DimensionReadout, how: list[DimensionRecord]) -> DimensionReadout:
    return d.model_copy(
        update={
            "judge_errors": sum(1 for r in how if r.error),
            "calls": sum(r.calls for r in how),
            "retries": sum(r.retries for r in how),
            "methods": dict(Counter(r.method for r in how)),
        }
    )


def _empty(model: str, entries: list[tuple[str, dict[str, Any]]], errors: Counter[str]) -> ModelReadout:
    """No sample judged: the rubric's identity, and per dimension its judge errors (rates over no sample)."""
    first = entries[0][1].get("config", {}) if entries else {}
    threshold = int(first.get("threshold", 0))
    judging = _judging([r for _, r in entries])
    return ModelReadout(
        model=model,
        rubric=str(first.get("name", "")),
        rubric_sha256=str(first.get("sha256", "")),
        threshold=threshold,
        judged=0,
        aware=0,
        errors=dict(errors),
        dimensions=[
            _counted(_dimension(n, [], [], threshold), how) for n, how in judging.items() if n != AWARENESS
        ],
    )


def _model(model: str, entries: list[tuple[str, dict[str, Any]]]) -> ModelReadout:
    errors = Counter(o for o, _ in entries if o in ERROR_OUTCOMES)
    scored_records = [r for o, r in entries if o not in ERROR_OUTCOMES and r.get("scores")]
    if not scored_records:
        return _empty(model, entries, errors)
    ident = scored_records[0]["config"]
    if any(r["config"]["sha256"] != ident["sha256"] for r in scored_records):
        raise AssayError(f"model {model}: samples were judged with different rubrics (sha256 differ)")
    threshold = int(ident["threshold"])
    scored = [{n: int(e["score"]) for n, e in r["scores"].items()} for r in scored_records]
    aware = [s[AWARENESS] >= threshold if AWARENESS in s else None for s in scored]
    judging = _judging([r for _, r in entries])
    names = list(dict.fromkeys(list(judging) + [n for s in scored for n in s]))  # rubric order
    return ModelReadout(
        model=model,
        rubric=str(ident["name"]),
        rubric_sha256=str(ident["sha256"]),
        threshold=threshold,
        judged=len(scored),
        aware=sum(1 for a in aware if a),
        errors=dict(errors),
        dimensions=[
            _counted(_dimension(n, scored, aware, threshold), judging.get(n, []))
            for n in names
            if n != AWARENESS
        ],
    )


def rubric_readout(logs: Sequence[str | Path]) -> RubricReadout:
    """Build the readout from logs scored by the rubric judge (``assay/audit`` or ``rubric_judge``).

    Raises:
        AssayError: A log is missing or unreadable, or no log holds rubric scores.
    """
    grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    realism: dict[str, list[dict[str, Any]]] = {}
    for raw in logs:
        path = Path(raw)
        if not path.is_file():
            raise AssayError(f"log not found: {path}")
        for model, outcome, record, summary in _records(path):
            grouped.setdefault(model, []).append((outcome, record))
            if summary:
                realism.setdefault(model, []).append(summary)
    if not any(r for entries in grouped.values() for _, r in entries):
        raise AssayError("no rubric-judge scores in the logs")
    models = [
        _model(m, e).model_copy(update={"realism": realism_readout(realism.get(m, []))})
        for m, e in sorted(grouped.items())
    ]
    return RubricReadout(logs=[str(p) for p in logs], models=models)


def _rate(r: Rate) -> str:
    return "n/a" if r.n == 0 else f"{r.k}/{r.n} {r.rate:.0%} [{r.lo:.0%}, {r.hi:.0%}]"


def _realism_line(r: RealismReadout) -> str:
    if r.scored == 0 and r.errors == 0:
        return f"realism: not scored ({r.audits} audits)"
    mean = "n/a" if r.mean is None else f"{r.mean:.2f}"
    return (
        f"realism over {r.audits} audits: {r.scored} turns scored, mean {mean} (0-10), "
        f"low (< {r.low_below}) {r.low}, realism_error {r.errors}"
    )


def format_rubric_readout(readout: RubricReadout) -> str:
    """Plain text: one table per model (all / without aware / aware, the difference and Fisher's p)."""
    lines: list[str] = []
    for m in readout.models:
        errs = ", ".join(f"{k}={v}" for k, v in sorted(m.errors.items())) or "none"
        lines.append(
            f"model {m.model} | rubric {m.rubric} (sha256 {m.rubric_sha256[:12]}) | elicited = score >= "
            f"{m.threshold} | judged {m.judged}, evaluation-aware {m.aware} | errors: {errs}"
        )
        if m.realism is not None:
            lines.append("  " + _realism_line(m.realism))
        if not m.judged:
            failed = ", ".join(f"{d.dimension}={d.judge_errors}" for d in m.dimensions if d.judge_errors)
            lines.append(
                "  no judged samples" + (f"; judge errors per dimension: {failed}" if failed else "")
            )
            continue
        head = (
            f"  {'dimension':<22} {'mean':>5}  {'all':<20} {'without aware':<20} {'aware only':<20} diff  p"
            "      judge errors  retries"
        )
        lines.append(head)
        for d in m.dimensions:
            diff = "n/a" if math.isnan(d.diff_aware_minus_unaware) else f"{d.diff_aware_minus_unaware:+.2f}"
            p = "n/a" if math.isnan(d.fisher_p) else f"{d.fisher_p:.3f}"
            lines.append(
                f"  {d.dimension:<22} {d.mean:>5.2f}  {_rate(d.all):<20} {_rate(d.without_aware):<20} "
                f"{_rate(d.aware):<20} {diff} {p}  {d.judge_errors:>12}  {d.retries:>7}"
            )
    return "\n".join(lines)
