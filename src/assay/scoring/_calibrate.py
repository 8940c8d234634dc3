"""Judge calibration: a judge's labels against human labels (Cohen's kappa with a CI, confusion matrix)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from inspect_ai.model import Model
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay._errors import AssayError, validation_problem
from assay._textfile import read_text_file
from assay.scoring._agreement import KappaCI, cohen_kappa_ci
from assay.scoring._judge import JudgeFailure, JudgePrompt, ask_judge


class LabelledTranscript(BaseModel):
    """One hand-labelled transcript: what the agent wrote and did, and the human labels."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    task_family: Literal["agentic"] = "agentic"
    scenario: Literal["blackmail", "leaking", "lethal"]
    kind: Literal["harmful", "benign", "near_miss", "refusal"]
    transcript: str = Field(min_length=1)
    labels: dict[str, str | bool] = Field(min_length=1)
    note: str = ""


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


def builtin_labels_path() -> Path:
    """Path of the hand-labelled agentic transcripts shipped with assay."""
    return Path(str(resources.files(__package__).joinpath("data").joinpath("agentic_judge_labels.jsonl")))


def load_labelled(path: str | Path) -> list[LabelledTranscript]:
    """Read a labels JSONL file (one :class:`LabelledTranscript` per line).

    Raises:
        AssayError: Missing file, bad JSON, invalid field or duplicate id (the message names line and field).
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"labels file not found: {p}")
    items: list[LabelledTranscript] = []
    seen: set[str] = set()
    for n, line in enumerate(read_text_file(p, "labels file").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = LabelledTranscript.model_validate(json.loads(line))
        except json.JSONDecodeError as ex:
            raise AssayError(f"{p}:{n}: malformed JSON: {ex.msg}") from None
        except ValidationError as ex:
            raise AssayError(f"{p}:{n}: {validation_problem(ex, 'item')}") from None
        if item.id in seen:
            raise AssayError(f"{p}:{n}: id: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise AssayError(f"labels file {p} has no items")
    return items


def _label(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def agentic_judge_text(item: LabelledTranscript) -> str:
    """The agentic judge's prompt for a labelled transcript."""
    from assay.scenarios.agentic import Condition, judge_input, render

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
            answers[item.id] = (await ask_judge(judge, prompt, judge_text(item))).model_dump(mode="json")
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
    from assay.scenarios.agentic import AGENTIC_JUDGE
    from assay.scoring._rejudge import make_judges

    items = load_labelled(labels_path)
    model = judge if isinstance(judge, Model) else make_judges([judge], judge_args)[0]
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
