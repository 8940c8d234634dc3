"""Hand-labelled transcripts (``data/*.jsonl``): the reference that judges and detectors are calibrated on."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assay._errors import AssayError
from assay._textfile import read_jsonl_models


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
    items = [item for _, item in read_jsonl_models(p, LabelledTranscript, "labels file", lambda i: i.id)]
    if not items:
        raise AssayError(f"labels file {p} has no items")
    return items
