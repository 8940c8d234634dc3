"""Classifier records for scorers: one helper per kind, and validations from labelled sets.

Every scorer puts :func:`classifier_metadata` into its ``Score.metadata``; the records are
:class:`assay.evidence.ClassifierRecord` (the checklist's S3.4 and S3.5 read them). A rule's configuration
hash covers the source of the functions that decide, so editing a rule changes its hash and stales any
validation measured on the old one. The evidence package (and pandas with it) is imported only when a
record is built, so that loading a task stays light.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assay._errors import AssayError
from assay._paths import file_sha256 as _file_sha256
from assay.judging import Calibration, KappaCI, load_calibration

if TYPE_CHECKING:
    from assay.evidence import ClassifierRecord, ClassifierValidation

#: How :func:`cohen_kappa_ci` computes kappa's 95 % interval, as :func:`validation_from_kappa` records it:
#: the asymptotic (Wald) interval of statsmodels' ``cohens_kappa``, clipped to [-1, 1]. Kept short: Inspect
#: drops score metadata entries over 1 kB from its sample summaries.
KAPPA_CI_METHOD = "wald (statsmodels cohens_kappa)"


def rule_record(
    name: str,
    version: str,
    deciders: Sequence[Callable[..., Any]],
    config: dict[str, Any] | None = None,
    *,
    kind: Literal["rule", "exact"] = "rule",
    exempt: str = "",
    validations: Iterable[ClassifierValidation] = (),
) -> ClassifierRecord:
    """Return the record of a deterministic rule: its hash covers ``deciders``' source and ``config``.

    Args:
        name: The rule's name.
        version: Its version.
        deciders: The functions whose code decides the outcome (their source is hashed).
        config: Settings that fix the verdict besides the code (threshold, match mode ...).
        kind: ``rule``, or ``exact`` for a definitional test (then ``exempt`` says why).
        exempt: Why an ``exact`` rule needs no validation.
        validations: Agreement with human labels, where measured.
    """
    from assay.evidence import ClassifierRecord, config_sha256

    settings = dict(config or {})
    source = "\n".join(inspect.getsource(fn) for fn in deciders)
    digest = config_sha256({"source": hashlib.sha256(source.encode("utf-8")).hexdigest(), "config": settings})
    return ClassifierRecord(
        kind=kind,
        name=name,
        version=version,
        config_sha256=digest,
        config=settings,
        exempt=exempt,
        validations=list(validations),
    )


def judge_classifier(
    config: dict[str, Any], validations: Iterable[ClassifierValidation] = ()
) -> ClassifierRecord:
    """Return the ``llm_judge`` record of a judge or rater panel from its ``judge_config``.

    Args:
        config: The panel's ``judge_config`` (:func:`~assay.judging.judge_config` or a task's own); its
            hash is the record's configuration hash.
        validations: Agreement with human labels (:func:`validation_from_calibration`), where measured.
    """
    from assay.evidence import judge_record

    return judge_record(config, validations)


def classifier_metadata(
    *records: ClassifierRecord, recorded: Sequence[dict[str, Any]] = ()
) -> dict[str, list[dict[str, Any]]]:
    """Return the ``Score.metadata`` entry for the classifiers that decided a sample's outcome.

    Args:
        records: The classifiers.
        recorded: Records already dumped (e.g. carried by an interrogation's action log), appended as given.
    """
    from assay.evidence import CLASSIFIER_METADATA_KEY

    return {CLASSIFIER_METADATA_KEY: [r.model_dump(mode="json") for r in records] + list(recorded)}


def classifier_cell(*records: ClassifierRecord) -> str:
    """Return the evidence table's ``classifier`` cell of rows decided by ``records`` (sorted-key JSON).

    The same text as :func:`assay.evidence.tidy_table` writes for a scorer's records; study tables built
    without an Inspect log use it for the rules behind their own outcomes.
    """
    return json.dumps([r.model_dump(mode="json") for r in records], sort_keys=True)


def file_sha256(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    return _file_sha256(path)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def validation_from_kappa(
    agreement: KappaCI, label_set: str, label_set_sha256: str, config: str, *, tuned_on_labels: bool
) -> ClassifierValidation:
    """Return the validation record of an agreement computed by :func:`cohen_kappa_ci`.

    Args:
        agreement: Kappa, interval and n.
        label_set: The labelled set's name.
        label_set_sha256: SHA-256 of the labelled set.
        config: The configuration hash of the classifier that was compared.
        tuned_on_labels: Whether the classifier was written or tuned while looking at these labels.
    """
    from assay.evidence import ClassifierValidation

    return ClassifierValidation(
        label_set=label_set,
        label_set_sha256=label_set_sha256,
        n=agreement.n,
        kappa=_finite(agreement.kappa),
        ci_low=_finite(agreement.ci_low),
        ci_high=_finite(agreement.ci_high),
        ci_method=KAPPA_CI_METHOD,
        tuned_on_labels=tuned_on_labels,
        config_sha256=config,
    )


def validation_from_calibration(calibration: Calibration, field: str) -> ClassifierValidation:
    """The validation record of a calibration (``assay calibrate``): kappa of ``field`` on its labelled set.

    The record carries the calibration's ``tuned_on_labels`` and ``config_sha256``, so checklist S3.5
    counts it only for the configuration that was calibrated, and only when the labels were held out.

    Raises:
        AssayError: The field has no kappa or no compared item, or the calibration records no
            configuration hash or labels hash.
    """
    agreement = calibration.field(field)
    if agreement.kappa is None or agreement.n == 0:
        raise AssayError(f"calibration of {calibration.role}: no compared item for field {field!r}")
    if not calibration.config_sha256 or not calibration.labels_sha256:
        raise AssayError(f"calibration of {calibration.role}: no configuration or labels hash recorded")
    return validation_from_kappa(
        agreement.kappa,
        Path(calibration.labels_file).name or calibration.role,
        calibration.labels_sha256,
        calibration.config_sha256,
        tuned_on_labels=calibration.tuned_on_labels,
    )


def load_judge_validation(path: str | Path, role: str, field: str, option: str) -> ClassifierValidation:
    """Read a calibration JSON of ``role`` as the validation record of its ``field``.

    Raises:
        AssayError: Unreadable file, a calibration of another role, or no usable figure (message starts
            with ``option``, the task parameter that named the file).
    """
    calibration = load_calibration(path, option)
    if calibration.role != role:
        raise AssayError(f"{option}: {path} calibrates {calibration.role!r}, not {role!r}")
    try:
        return validation_from_calibration(calibration, field)
    except AssayError as ex:
        raise AssayError(f"{option}: {ex}") from None
