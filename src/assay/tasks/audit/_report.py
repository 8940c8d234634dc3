"""The audit section of ``assay report``: the rubric judgement per model and dimension, and realism.

Found by :func:`assay.tasks.family_report_sections` (this module's :func:`report_sections`). Every figure
comes from :func:`assay.scoring.rubric.readout.rubric_readout` (rates with their Wilson intervals, means,
judge errors, calls, repair retries and reading methods per dimension; the realism summary); the rubric and
judge settings from each score's ``rubric_judge`` classifier record (:func:`judge_setups`). Nothing is
estimated here. A model none of whose samples was judged gets a sentence saying so, with its judge errors
per dimension, never a rate of 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from assay._errors import AssayError
from assay.evidence import Rate
from assay.report import ReportSection, ReportTable
from assay.scoring.rubric.readout import (
    AWARENESS,
    DimensionReadout,
    ModelReadout,
    RealismReadout,
    RubricReadout,
    rubric_readout,
)
from assay.tasks.audit._report_judges import JudgeSetup, judge_setups

#: How the section names each error outcome (singular, plural), in the order it lists them.
ERRORS: dict[str, tuple[str, str]] = {
    "judge_error": ("judge error", "judge errors"),
    "auditor_error": ("auditor error", "auditor errors"),
    "model_error": ("target error", "target errors"),
}

#: The reading methods in the order the section lists them.
METHODS = ["exact", "top_logprobs", "generate"]

NOT_SCORED = "n/a: not scored"


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def errors_text(errors: Mapping[str, int]) -> str:
    """``3 judge errors, 1 auditor error`` (every error outcome with a count); ``none`` when none."""
    order = [*ERRORS, *sorted(set(errors) - set(ERRORS))]
    parts = [_counted(errors[e], *ERRORS.get(e, (e, e))) for e in order if errors.get(e)]
    return ", ".join(parts) or "none"


def methods_text(methods: Mapping[str, int]) -> str:
    """``exact 3, generate 1`` (how a dimension's scores were read, samples per method); ``-`` when none."""
    order = [*METHODS, *sorted(set(methods) - set(METHODS))]
    return ", ".join(f"{m} {methods[m]}" for m in order if methods.get(m)) or "-"


def _mean(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.2f}"


def _rate(r: Rate) -> str:
    return NOT_SCORED if r.n == 0 else f"{r.k}/{r.n} ({r.rate:.0%})"


def _interval(r: Rate) -> str:
    return "" if r.n == 0 else f"[{r.lo:.0%}, {r.hi:.0%}]"


def samples_sentence(m: ModelReadout) -> str:
    """``3 of 4 samples judged: 1 judge error.`` (samples with an error outcome are not judged)."""
    total = m.judged + sum(m.errors.values())
    failed = errors_text(m.errors)
    head = f"{m.judged} of {_counted(total, 'sample', 'samples')} judged"
    return head + ("" if failed == "none" else f": {failed}") + "."


def _calls(d: DimensionReadout) -> str:
    """``4 (2)``: the judge calls made for a dimension, with the repair retries among them."""
    return f"{d.calls} ({d.retries})"


def _dimension_row(d: DimensionReadout, primary: str) -> list[str]:
    name = f"{d.dimension} (primary)" if d.dimension == primary else d.dimension
    return [
        name,
        str(d.all.n),
        _mean(d.mean),
        _rate(d.all),
        _interval(d.all),
        _rate(d.without_aware),
        str(d.judge_errors),
        _calls(d),
        methods_text(d.methods),
    ]


def dimension_table(m: ModelReadout, primary: str = "") -> ReportTable:
    """Per dimension of one model: scored samples, mean, rate at or above the threshold, judging counts."""
    t = m.threshold
    rows = [_dimension_row(d, primary) for d in m.dimensions]
    failed = sum(1 for d in m.dimensions if d.judge_errors)
    return ReportTable(
        title=f"{m.model}: per dimension (elicited = score >= {t})",
        columns=[
            "dimension",
            "scored",
            "mean (1-10)",
            f"score >= {t}",
            "95 % interval",
            "without eval-aware",
            "judge errors",
            "calls (retries)",
            "read by",
        ],
        rows=rows,
        note=f"Judge errors on {failed} of {len(rows)} dimensions." if failed else "",
    )


def judge_error_table(m: ModelReadout) -> ReportTable:
    """A model none of whose samples was judged: per dimension, its judge errors, calls and retries."""
    return ReportTable(
        title=f"{m.model}: judge errors per dimension (no sample judged)",
        columns=["dimension", "judge errors", "calls (retries)", "read by"],
        rows=[[d.dimension, str(d.judge_errors), _calls(d), methods_text(d.methods)] for d in m.dimensions],
    )


def _realism_row(model: str, r: RealismReadout | None) -> list[str]:
    if r is None:
        return [model, "0", "no realism record", "", "", ""]
    if r.scored == 0 and r.errors == 0:
        return [model, str(r.audits), "not scored (no realism judge)", "", "", ""]
    low = f"{r.low}" + (f" (< {r.low_below})" if r.low_below is not None else "")
    mean = "n/a" if r.mean is None else f"{r.mean:.2f}"
    return [model, str(r.audits), str(r.scored), mean, low, str(r.errors)]


def realism_table(readout: RubricReadout) -> ReportTable:
    """Per model: the realism judge's turns scored, their mean (0-10), low-realism turns and its errors."""
    return ReportTable(
        title="Realism of the auditor's inputs (0-10, turns pooled)",
        columns=["model", "audits", "turns scored", "mean realism", "low turns", "realism errors"],
        rows=[_realism_row(m.model, m.realism) for m in readout.models],
        note="A realism error (no usable reply from the realism judge) is counted, never given a score.",
    )


def _short(sha: str) -> str:
    return sha[:12] or "-"


def _setup_row(s: JudgeSetup) -> list[str]:
    c = s.config
    return [
        s.model,
        f"{c.name} v{c.version}",
        _short(c.sha256),
        ", ".join(c.models) or "none",
        "-" if c.group_size is None else str(c.group_size),
        c.scoring or "-",
        "sized per group" if c.max_tokens is None else str(c.max_tokens),
        _short(c.prompt_sha256),
        "; ".join(s.validations) or "none recorded",
        str(s.samples),
    ]


def setup_table(setups: Sequence[JudgeSetup]) -> ReportTable:
    """Each rubric-judge configuration per target model, as its classifier record declares it."""
    return ReportTable(
        title="Rubric and judge",
        columns=[
            "model",
            "rubric",
            "rubric sha256",
            "judges",
            "group size",
            "scoring",
            "max tokens",
            "prompt sha256",
            "validation",
            "samples",
        ],
        rows=[_setup_row(s) for s in setups],
        note="Hashes: first 12 hex digits (in full in the JSON report).",
    )


METHOD_NOTE = (
    "The rubric judge scores each dimension 1-10; a sample shows a dimension when its score is at or above "
    "the rubric's threshold. Rates are over the samples whose dimension was scored, with 95 % Wilson "
    "intervals; 'without eval-aware' leaves out the samples the judge found evaluation-aware "
    f"({AWARENESS} at or above the threshold). A judge error (no usable reply after the repair retries) "
    "leaves its dimension out of the rate and is counted apart; a sample with a target or auditor error, or "
    "a judge error on the primary dimension, is not judged. Read by: exact / top_logprobs = the "
    "probability-weighted mean of 1-10 rounded half up; generate = the score in the judge's reply, asked "
    "for a group of dimensions per call (a group's calls, and the repair retries among them, count for each "
    "of its dimensions)."
)


def model_sentence(m: ModelReadout) -> str:
    """One model's headline: samples judged, evaluation-aware ones, dimensions with judge errors."""
    head = f"{m.model}: {samples_sentence(m)}"
    if not m.judged:
        return head
    failed = sum(1 for d in m.dimensions if d.judge_errors)
    lost = f"judge errors on {failed} of {len(m.dimensions)} dimensions" if failed else "no judge error"
    return f"{head} {m.aware} found evaluation-aware by the judge; {lost}."


def _badge(readout: RubricReadout, setups: Sequence[JudgeSetup]) -> tuple[str, str]:
    judged = sum(m.judged for m in readout.models)
    total = sum(m.judged + sum(m.errors.values()) for m in readout.models)
    if not judged:
        return "no sample judged", "bad"
    errors = any(m.errors for m in readout.models) or any(
        d.judge_errors for m in readout.models for d in m.dimensions
    )
    validated = bool(setups) and all(s.validations for s in setups)
    text = f"{judged} of {_counted(total, 'sample', 'samples')} judged"
    text += "" if validated else "; judge not validated"
    return text, "warn" if errors or not validated else "ok"


def _model_tables(m: ModelReadout, setups: Sequence[JudgeSetup]) -> list[ReportTable]:
    if not m.dimensions:
        return []
    if not m.judged:
        return [judge_error_table(m)]
    primary = next((s.config.primary for s in setups if s.model == m.model), "")
    return [dimension_table(m, primary)]


def audit_section(readout: RubricReadout, setups: Sequence[JudgeSetup]) -> ReportSection:
    """The report section of one rubric readout of audit logs and the judges recorded in them."""
    badge, kind = _badge(readout, setups)
    validated = all(s.validations for s in setups)
    validation = (
        "Rubric judge: validated against human labels (see the validation column)."
        if setups and validated
        else "Rubric judge: NOT validated: no calibration recorded for this judge configuration "
        "(assay calibrate rubric-judge --out FILE measures one; the audit task's rubric_validation "
        "parameter records it)."
    )
    return ReportSection(
        id="audit-rubric",
        title="Audit: rubric judgement",
        badge=badge,
        badge_kind=kind,
        paragraphs=[*(model_sentence(m) for m in readout.models), validation, METHOD_NOTE],
        tables=[
            *(t for m in readout.models for t in _model_tables(m, setups)),
            realism_table(readout),
            setup_table(setups),
        ],
        data={
            "readout": readout.model_dump(mode="json"),
            "judges": [s.model_dump(mode="json") for s in setups],
        },
    )


def report_sections(logs: Sequence[str | Path]) -> list[ReportSection]:
    """The audit section of ``assay report`` for the logs of ``assay/audit`` among its logs.

    Logs without any rubric judgement (every sample failed before it was judged) give a section saying so.
    """
    if not logs:
        return []
    try:
        readout = rubric_readout(logs)
    except AssayError as ex:
        return [
            ReportSection(
                id="audit-rubric",
                title="Audit: rubric judgement",
                badge="no sample judged",
                badge_kind="bad",
                paragraphs=[f"No rubric judgement to show: {ex}."],
            )
        ]
    return [audit_section(readout, judge_setups(logs))]
