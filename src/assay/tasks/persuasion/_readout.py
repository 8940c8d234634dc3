"""The persuasion report: each shift beside its control floor, its errors and the panel's validation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay.evidence import RaterValidation, ValidationStatus, rater_validation_status
from assay.tasks.persuasion._calibration import load_rater_validation
from assay.tasks.persuasion._contrasts import ShiftContrast, shift_contrasts
from assay.tasks.persuasion._records import (
    ALL,
    ShiftEstimate,
    ShiftRecord,
    method_counts,
    read_records,
    shift_estimates,
)


class LengthStats(BaseModel):
    """Argument lengths of one writer (words), against the declared range."""

    model_config = ConfigDict(extra="forbid")

    writer: str
    n_arguments: int
    mean_words: float
    min_words: int
    max_words: int
    n_in_range: int


class PersuasionReport(BaseModel):
    """Everything the persuasion report shows; ``validation_status`` applies to every estimate."""

    model_config = ConfigDict(extra="forbid")

    logs: list[str]
    scale: tuple[int, int] | None = None
    panels: list[dict[str, Any]]
    validation: RaterValidation | None = None
    validation_status: ValidationStatus
    validation_text: str
    estimates: list[ShiftEstimate]
    contrasts: list[ShiftContrast] = Field(default_factory=list)
    lengths: list[LengthStats]
    methods: dict[str, int] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


def length_stats(records: Sequence[ShiftRecord]) -> list[LengthStats]:
    """Return the length of each writer's arguments (one count per argument, not per rater)."""
    out = []
    for writer in sorted({r.writer for r in records}):
        seen = {
            (r.log, r.sample_id, r.epoch): r for r in records if r.writer == writer and r.words is not None
        }
        words = [int(r.words) for r in seen.values() if r.words is not None]
        if words:
            out.append(
                LengthStats(
                    writer=writer,
                    n_arguments=len(words),
                    mean_words=sum(words) / len(words),
                    min_words=min(words),
                    max_words=max(words),
                    n_in_range=sum(1 for r in seen.values() if r.in_range),
                )
            )
    return out


def _notes(status: ValidationStatus, estimates: Sequence[ShiftEstimate]) -> list[str]:
    notes = []
    if status != "passed":
        notes.append(
            "The rater panel is not validated against human ratings: these shifts are what rater models "
            "reported, not evidence of how far people would be moved. No claim about persuading people can "
            "rest on them (checklist item S3.5 cannot pass)."
        )
    if not any(e.claim_kind == "control" for e in estimates):
        notes.append("No control claims in the logs: there is no floor to read the shifts against.")
    pooled = [e for e in estimates if e.rater == ALL and e.style == ALL]
    if pooled and all(e.n_pairs == 0 for e in pooled):
        notes.append(
            "No rater gave a valid before/after pair (see the failures column): there is no shift to "
            "report; the panel cannot rate with this prompt."
        )
    failed = sum(
        v for e in estimates if e.rater == ALL and e.style == ALL for k, v in e.counts.items() if k != "ok"
    )
    if failed:
        notes.append(
            f"{failed} rater x argument record(s) are failures (counted per estimate, never a shift)."
        )
    return notes


def persuasion_report(
    logs: Sequence[str | Path], validation_file: str | Path | None = None, alpha: float = 0.05
) -> PersuasionReport:
    """Read persuasion logs (and optionally a validation file); return the report.

    Args:
        logs: Persuasion ``.eval`` logs.
        validation_file: A ``rater`` calibration JSON (``assay calibrate rater --out``) or a study metrics
            file with a ``rater_validation`` block.
        alpha: One minus the confidence level.
    """
    read = read_records(logs)
    records, configs = read.records, read.configs
    validation = None
    if validation_file is not None:
        validation = load_rater_validation(validation_file)
    status, text = rater_validation_status(validation, configs)
    estimates = shift_estimates(records, alpha)
    for e in estimates:
        e.validation = status
    return PersuasionReport(
        logs=[str(p) for p in logs],
        scale=_scale(configs),
        panels=configs,
        validation=validation,
        validation_status=status,
        validation_text=text,
        estimates=estimates,
        contrasts=shift_contrasts(records),
        lengths=length_stats(records),
        methods=method_counts(records),
        notes=read.notes + _notes(status, estimates),
    )


def _scale(configs: Sequence[dict[str, Any]]) -> tuple[int, int] | None:
    scales = {tuple(c["scale"]) for c in configs if isinstance(c.get("scale"), list) and len(c["scale"]) == 2}
    return (int(min(s[0] for s in scales)), int(max(s[1] for s in scales))) if len(scales) == 1 else None


def methods_text(methods: dict[str, int]) -> str:
    """``exact 30, generate 2`` (ratings per method; before and after counted apart); ``none``."""
    return ", ".join(f"{k} {v}" for k, v in methods.items()) or "none"


def _num(x: float | None) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:+.2f}"


def _row(e: ShiftEstimate) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in e.counts.items() if k != "ok") or "none"
    above = _num(e.mean - e.floor) if e.floor is not None and math.isfinite(e.mean) else "n/a"
    who = e.style if e.rater == ALL else f"rater {e.rater}".replace("|", "\\|")
    return (
        f"| {e.writer} | {e.claim_kind} | {who} | {e.n_pairs} ({e.n_claims}) | {_num(e.mean)} "
        f"[{_num(e.lo)}, {_num(e.hi)}] | {_num(e.floor)} | {above} | {errors} | {e.validation} |"
    )


def render_markdown(report: PersuasionReport) -> str:
    """Return the report as Markdown: one table of shifts, the lengths, the validation and notes."""
    scale = f"{report.scale[0]}-{report.scale[1]}" if report.scale else "on the panels' declared scales"
    lines = [
        "# Persuasion report",
        "",
        f"Support rated {scale} before and after reading; shift = after - before per rater x argument; "
        "intervals: 95 % cluster bootstrap by claim. Floor = the writer's control-claim shift.",
        "",
        f"**Rater validation: {report.validation_status}** — {report.validation_text}",
        "",
        "| writer | claims | style / rater | pairs (claims) | shift [95 % CI] | floor | above floor "
        "| failures | validation |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(e) for e in report.estimates]
    if report.contrasts:
        lines += ["", "| contrast | A | B | pairs (claims) | A - B [95 % CI] | paired on | validation |"]
        lines += ["|---|---|---|---|---|---|---|"]
        lines += [
            f"| {c.kind} | {c.a} | {c.b} | {c.n_pairs} ({c.n_claims}) | {_num(c.diff)} "
            f"[{_num(c.lo)}, {_num(c.hi)}] | {c.scope} | {report.validation_status} |"
            for c in report.contrasts
        ]
    lines += ["", "| writer | arguments | mean words | range | in declared range |", "|---|---|---|---|---|"]
    lines += [
        f"| {s.writer} | {s.n_arguments} | {s.mean_words:.0f} | {s.min_words}-{s.max_words} "
        f"| {s.n_in_range} |"
        for s in report.lengths
    ]
    lines += ["", f"Ratings of usable pairs by method: {methods_text(report.methods)}."]
    lines += ["", *[f"- {n}" for n in report.notes]]
    return "\n".join(lines) + "\n"
