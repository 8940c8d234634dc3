"""Calibrating a label judge: ask it about every labelled item, compare field by field (Cohen's kappa).

The shared loop behind the categorical roles (the agentic judge, the interrogation judge): each item's
labels come from :func:`judge_labels` under the asked scoring mode, the method of each is counted, and an
item the judge fails on is listed in ``judge_errors`` and left out of every field's agreement (never counted
as agreement or disagreement).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspect_ai.model import Model

from assay._paths import file_sha256
from assay.judging._agreement import cohen_kappa_ci
from assay.judging._ask import DEFAULT_RETRIES, JudgeFailure
from assay.judging._calibration import Calibration, CalibrationRole, FieldAgreement, Scoring
from assay.judging._each import each
from assay.judging._prompt import JudgePrompt
from assay.judging._scoring import JudgedLabels, judge_labels


@dataclass(frozen=True)
class LabelledItem:
    """One labelled item: its id, the rendered judge prompt, and the human labels."""

    id: str
    text: str
    labels: dict[str, Any]


def label_text(value: Any) -> str:
    """A label as the text kappa compares (``true``/``false`` for booleans, as JSON writes them)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def field_agreements(
    items: Sequence[LabelledItem], answers: dict[str, dict[str, Any]], fields: Sequence[str]
) -> list[FieldAgreement]:
    """Kappa per field over the items the judge answered that carry a human label for that field."""
    out = []
    for name in fields:
        pairs = [
            (label_text(i.labels[name]), label_text(answers[i.id].get(name)))
            for i in items
            if i.id in answers and name in i.labels
        ]
        human, judge = [h for h, _ in pairs], [j for _, j in pairs]
        out.append(FieldAgreement(field=name, kappa=cohen_kappa_ci(human, judge), n=len(pairs)))
    return out


@dataclass(frozen=True)
class LabelRun:
    """What identifies a label-judge calibration besides the items (see :func:`calibrate_labels`)."""

    role: str
    prompt: JudgePrompt
    labels_path: Path
    scoring: Scoring
    tuned_on_labels: bool
    config_sha256: str = ""
    retries: int = DEFAULT_RETRIES


async def calibrate_labels(model: Model, items: Sequence[LabelledItem], run: LabelRun) -> Calibration:
    """Ask ``model`` about every item under ``run.scoring`` and compare with the human labels per field."""

    async def ask_one(item: LabelledItem) -> JudgedLabels | JudgeFailure:
        try:
            return await judge_labels(model, run.prompt, item.text, run.scoring, run.retries)
        except JudgeFailure as ex:
            return ex

    answers: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    methods: Counter[str] = Counter()
    calls = retries = 0
    for item, judged in zip(items, await each(items, ask_one, f"calibrating {run.role}"), strict=True):
        if isinstance(judged, JudgeFailure):
            errors[item.id] = str(judged)
            calls, retries = calls + judged.calls, retries + max(0, judged.calls - 1)
            continue
        answers[item.id] = judged.labels
        methods[judged.method] += 1
        calls, retries = calls + judged.calls, retries + judged.calls - 1
    fields = sorted({f for i in items for f in i.labels})
    return Calibration(
        role=run.role,
        judge=str(model),
        scoring=run.scoring,
        methods=dict(methods),
        prompt=run.prompt.name,
        prompt_version=run.prompt.version,
        prompt_sha256=run.prompt.sha256,
        labels_file=str(run.labels_path),
        labels_sha256=file_sha256(run.labels_path),
        tuned_on_labels=run.tuned_on_labels,
        items=len(items),
        judge_errors=errors,
        calls=calls,
        retries=retries,
        fields=field_agreements(items, answers, fields),
        config_sha256=run.config_sha256,
    )


def label_judge_role(
    name: str,
    description: str,
    prompt: JudgePrompt,
    default_labels: Callable[[], Path],
    items: Callable[[Path], list[LabelledItem]],
    config_sha256: Callable[[Model, Scoring], str],
) -> CalibrationRole:
    """A calibration role for a label judge: ``items(labels)`` put to the model, compared field by field.

    Args:
        name: The role's name (``assay calibrate NAME``).
        description: One line for ``assay calibrate list``.
        prompt: The judge prompt the items were rendered with.
        default_labels: The built-in labelled set.
        items: Reads a labelled set into prompts with their human labels (``AssayError`` on a bad file).
        config_sha256: The configuration hash a scorer records for this model as the only judge under a
            scoring mode (what a validation made from the calibration must match).
    """

    async def run(model: Model | None, labels: Path, scoring: Scoring, tuned_on_labels: bool) -> Calibration:
        if model is None:
            raise ValueError(f"{name} is played by a model: give one")
        asked = LabelRun(name, prompt, labels, scoring, tuned_on_labels, config_sha256(model, scoring))
        return await calibrate_labels(model, items(labels), asked)

    return CalibrationRole(name=name, description=description, default_labels=default_labels, run=run)
