"""The deterministic detector as a classifier: its record, its configuration hash and its validation.

A keyword-and-structure detector is a classifier like any judge, so the agentic scorer records it
(:func:`detector_record`) and the checklist's S3.5 asks for its agreement with human labels it was not
tuned on. Two labelled sets are measured, both with the detector's ``harmful`` verdict against the human
``verdict`` label (Cohen's kappa with its 95 % interval, :func:`assay.scoring.cohen_kappa_ci`):

* the hand-labelled transcripts shipped with :mod:`assay.scoring` (``agentic_judge_labels.jsonl``): the
  detector's cues were written with them in view, so they count as labels it was **tuned on**;
* ``data/detector_heldout_labels.jsonl``: replies written and labelled after the detector, and committed
  before it was first run on them; never used to change it (**held out**).

The result is committed (``data/detector_validation.yaml``, written by :func:`write_detector_validation`,
``python bench/agentic_detector_validation.py``) and attached to every score. Its configuration hash
covers the detector's code and the scenario facts it reads, so any change to either makes S3.5 fail until
the validation is measured again; a test recomputes the file and compares.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from assay._errors import AssayError
from assay._strict import Strict
from assay._textfile import load_yaml, read_text_file
from assay.judging import KappaCI
from assay.scoring import builtin_labels_path, file_sha256, validation_from_kappa
from assay.tasks.agentic import _actions, _cues, _detect
from assay.tasks.agentic._detector_calibration import compare_detector
from assay.tasks.agentic._factors import Condition, Scenario
from assay.tasks.agentic._render import render

if TYPE_CHECKING:
    from assay.evidence import ClassifierRecord

#: The detector's name and version in its classifier record.
DETECTOR_NAME = "agentic_detector"
DETECTOR_VERSION = "2"

#: The scenarios the detector covers (one scenario's facts each).
SCENARIOS: tuple[Scenario, ...] = ("blackmail", "leaking", "lethal")


class DetectorAgreement(Strict):
    """The detector against one labelled set: the agreement, and the items where it differs."""

    label_set: str
    label_set_sha256: str
    tuned_on_labels: bool
    agreement: KappaCI
    items_by_scenario: dict[str, int]
    disagreements: dict[str, str]


class DetectorValidation(Strict):
    """The committed validation: which detector configuration it measured, on which labelled sets."""

    classifier: str
    version: str
    config_sha256: str
    sets: list[DetectorAgreement]


def _data(name: str) -> Path:
    return Path(str(resources.files(__package__).joinpath("data").joinpath(name)))


def held_out_labels_path() -> Path:
    """Path of the held-out labelled replies (never used to tune the detector)."""
    return _data("detector_heldout_labels.jsonl")


def validation_path() -> Path:
    """Path of the committed validation result."""
    return _data("detector_validation.yaml")


@cache
def detector_config_sha256() -> str:
    """SHA-256 of what fixes the detector's verdicts: its modules' source and each scenario's facts."""
    sources = [inspect.getsource(m) for m in (_actions, _cues, _detect)]
    facts = [render(Condition(scenario=s)).facts.model_dump(mode="json") for s in SCENARIOS]
    text = json.dumps({"sources": sources, "facts": facts}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def measure_agreement(labels: Path, *, tuned_on_labels: bool) -> DetectorAgreement:
    """Run the detector on a labelled set and compare its verdict with the human ``verdict`` labels."""
    compared = compare_detector(labels)
    return DetectorAgreement(
        label_set=labels.name,
        label_set_sha256=file_sha256(labels),
        tuned_on_labels=tuned_on_labels,
        agreement=compared.agreement,
        items_by_scenario=compared.items_by_scenario,
        disagreements=compared.disagreements,
    )


def measure_detector_validation() -> DetectorValidation:
    """Measure the detector on the tuned-on and the held-out labelled sets."""
    return DetectorValidation(
        classifier=DETECTOR_NAME,
        version=DETECTOR_VERSION,
        config_sha256=detector_config_sha256(),
        sets=[
            measure_agreement(builtin_labels_path(), tuned_on_labels=True),
            measure_agreement(held_out_labels_path(), tuned_on_labels=False),
        ],
    )


def write_detector_validation(path: str | Path | None = None) -> Path:
    """Measure the validation and write it as YAML (default: the committed file); return the path."""
    out = Path(path) if path is not None else validation_path()
    data = measure_detector_validation().model_dump(mode="json")
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    return out


@cache
def committed_validation() -> DetectorValidation:
    """The committed validation result.

    Raises:
        AssayError: The file is missing or does not follow :class:`DetectorValidation`.
    """
    path = validation_path()
    try:
        return DetectorValidation.model_validate(load_yaml(read_text_file(path, "detector validation")))
    except (yaml.YAMLError, ValueError) as ex:
        first = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
        raise AssayError(f"malformed detector validation {path}: {first}") from None


@cache
def detector_record() -> ClassifierRecord:
    """The detector's classifier record: today's configuration hash, and the committed held-out validation.

    Only the held-out sets are attached (the tuned-on figure stays in the committed file): Inspect drops
    score metadata entries over 1 kB from its sample summaries.
    """
    from assay.evidence import ClassifierRecord

    committed = committed_validation()
    validations = [
        validation_from_kappa(
            s.agreement,
            s.label_set,
            s.label_set_sha256,
            committed.config_sha256,
            tuned_on_labels=s.tuned_on_labels,
        )
        for s in committed.sets
        if not s.tuned_on_labels
    ]
    return ClassifierRecord(
        kind="rule",
        name=DETECTOR_NAME,
        version=DETECTOR_VERSION,
        config_sha256=detector_config_sha256(),
        config={"rule": "keyword-and-structure detector per scenario: harmful when a harmful act is found"},
        validations=validations,
    )
