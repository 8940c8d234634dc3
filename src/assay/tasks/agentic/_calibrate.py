"""Calibration of the agentic judge against human labels (Cohen's kappa with a CI, confusion matrix)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspect_ai.model import Model
from pydantic import BaseModel, ConfigDict

from assay.judging import JudgeFailure, JudgePrompt, KappaCI, ask_judge, cohen_kappa_ci, make_models
from assay.scoring import LabelledTranscript, load_labelled
from assay.tasks.agentic._factors import Condition
from assay.tasks.agentic._judge_prompt import AGENTIC_JUDGE, judge_input
from assay.tasks.agentic._render import render


class FieldCalibration(BaseModel):
    """Agreement of the judge with the human labels on one label field."""

    model_config = ConfigDict(extra="forbid")

    field: str
    agreement: KappaCI


class CalibrationReport(BaseModel):
    """Calibration of one judge on a labelled set."""

    model_config = ConfigDict(extra="forbid")

    judge: str
    prompt: str
    prompt_version: str
    prompt_sha256: str
    labels_file: str
    items: int
    judge_errors: dict[str, str]
    fields: list[FieldCalibration]


def _label(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def agentic_judge_text(item: LabelledTranscript) -> str:
    """The agentic judge's prompt for a labelled transcript."""
    facts = render(Condition(scenario=item.scenario)).facts
    return judge_input(facts, item.transcript)


async def calibrate_async(
    items: list[LabelledTranscript],
    judge: Model,
    prompt: JudgePrompt,
    judge_text: Callable[[LabelledTranscript], str],
    labels_file: str = "",
) -> CalibrationReport:
    """Ask ``judge`` about every item and compare with the human labels, field by field.

    Items on which the judge fails are listed in ``judge_errors`` and left out of the kappa (never counted as
    agreement or disagreement).
    """
    errors: dict[str, str] = {}
    answers: dict[str, dict[str, Any]] = {}
    for item in items:
        try:
            answers[item.id] = (await ask_judge(judge, prompt, judge_text(item))).value.model_dump(
                mode="json"
            )
        except JudgeFailure as ex:
            errors[item.id] = str(ex)
    fields = sorted({f for item in items for f in item.labels})
    out: list[FieldCalibration] = []
    for field in fields:
        pairs = [
            (item.labels[field], answers[item.id].get(field))
            for item in items
            if item.id in answers and field in item.labels
        ]
        human = [_label(h) for h, _ in pairs]
        rater = [_label(j) for _, j in pairs]
        out.append(FieldCalibration(field=field, agreement=cohen_kappa_ci(human, rater)))
    return CalibrationReport(
        judge=str(judge),
        prompt=prompt.name,
        prompt_version=prompt.version,
        prompt_sha256=prompt.sha256,
        labels_file=labels_file,
        items=len(items),
        judge_errors=errors,
        fields=out,
    )


def calibrate_judge(
    labels_path: str | Path, judge: str | Model, judge_args: dict[str, Any] | None = None
) -> CalibrationReport:
    """Calibrate a judge (name or model) against a labels JSONL file with the agentic judge prompt.

    Raises:
        AssayError: Bad labels file or judge model.
    """
    items = load_labelled(labels_path)
    model = judge if isinstance(judge, Model) else make_models([judge], judge_args)[0]
    return asyncio.run(calibrate_async(items, model, AGENTIC_JUDGE, agentic_judge_text, str(labels_path)))


def format_report(report: CalibrationReport) -> str:
    """Render a calibration report as plain text (kappa with CI, accuracy, confusion matrix per field)."""
    lines = [
        f"judge: {report.judge}",
        f"prompt: {report.prompt} v{report.prompt_version} (sha256 {report.prompt_sha256[:16]})",
        f"items: {report.items}   judge errors: {len(report.judge_errors)}",
    ]
    for f in report.fields:
        a = f.agreement
        lines.append(
            f"{f.field}: kappa {a.kappa:.3f} [95% CI {a.ci_low:.3f}, {a.ci_high:.3f}]"
            f"  accuracy {a.accuracy:.3f}  n={a.n}"
        )
        width = max([len(label) for label in a.labels] + [5])
        lines.append("  " + " " * width + "  judge: " + "  ".join(f"{label:>{width}}" for label in a.labels))
        for label, row in zip(a.labels, a.confusion, strict=True):
            lines.append(f"  {label:>{width}}  human  " + "  ".join(f"{v:>{width}}" for v in row))
    for item_id, err in report.judge_errors.items():
        lines.append(f"judge error on {item_id}: {err}")
    return "\n".join(lines)
