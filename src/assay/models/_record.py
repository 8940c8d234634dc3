"""What a run's model is: checked before anything runs, recorded in metrics and reports, keyed in stages.

:func:`check_settings` refuses a model, device or dtype that cannot run here before any stage starts (each
problem a :class:`SettingError` naming the setting). :func:`model_record` resolves them (the weights and
their revision, the device, the precision the weights load in) into a :class:`ModelRecord`, which a study
writes into ``metrics.json`` and its report, and whose :meth:`ModelRecord.key` goes into the keys of the
stages that load the model: another revision or another precision reruns them, another device name alone
does not.
"""

from __future__ import annotations

from typing import Literal

from assay._errors import AssayError
from assay._strict import Strict


class SettingError(AssayError):
    """A model, device or dtype setting that cannot run on this machine.

    Args:
        field: ``model``, ``device`` or ``dtype``.
        value: The value given.
        problem: What is wrong with it (one line).
    """

    def __init__(self, field: str, value: str, problem: str) -> None:
        super().__init__(f"{field} {value!r}: {problem}")
        self.field = field
        self.value = value
        self.problem = problem


class ModelRecord(Strict):
    """The model a study ran on, as given and as resolved, with the device and precision it ran in.

    Attributes:
        given: The model as the configuration names it (``smollm2``, a directory, a hub id).
        kind: ``embedded``, ``directory`` or ``hub``.
        checkpoint: The checkpoint directory it resolved to (a hub snapshot for a hub id).
        revision: The hub snapshot's commit hash, or ``sha256:`` of the checkpoint's files.
        device: The device as configured (``auto``, ``cpu``, ``cuda:1`` ...).
        resolved_device: The device it resolved to here.
        dtype: The dtype as configured (``auto``, ``bfloat16`` ...).
        precision: What the weights load in, in words (e.g. ``float32 on cpu``).
        weights: The weights' dtype name.
        autocast: The autocast dtype name, or ``None``.
    """

    given: str
    kind: Literal["embedded", "directory", "hub"]
    checkpoint: str
    revision: str
    device: str
    resolved_device: str
    dtype: str
    precision: str
    weights: str
    autocast: str | None

    def key(self) -> dict[str, str | None]:
        """What a stage that loads the model depends on: its revision and the arithmetic, not the device."""
        return {"revision": self.revision, "weights": self.weights, "autocast": self.autocast}

    def rows(self) -> list[list[str]]:
        """``[setting, value]`` rows for a report table."""
        return [
            ["model", self.given if self.kind != "hub" else f"{self.given} (Hugging Face hub cache)"],
            ["checkpoint", self.checkpoint],
            ["revision", self.revision],
            ["device", _arrow(self.device, self.resolved_device)],
            ["dtype", self.dtype],
            ["precision", self.precision],
        ]


def _arrow(given: str, resolved: str) -> str:
    return given if given == resolved else f"{given} → {resolved}"


def check_settings(model: str | None = None, device: str | None = None, dtype: str | None = None) -> None:
    """Refuse a model that is not available offline, a device this machine lacks, or a dtype it cannot run.

    ``None`` skips a setting, except that a dtype given without a device (not known yet) has its name
    checked only. The model is only located (no weights are built, loaded or hashed); torch is imported
    only for a device other than ``auto`` / ``cpu``, or a named dtype with a device.

    Raises:
        SettingError: The first setting at fault (model, then device, then dtype), with the reason.
    """
    from assay.models._device import (
        AUTOCAST_NAMES,
        DTYPES,
        check_precision,
        resolve_device,
        resolve_precision,
    )
    from assay.models._resolve import locate_model

    if model is not None:
        try:
            locate_model(model)
        except AssayError as ex:
            raise SettingError("model", model, str(ex)) from None
    where = (device or "auto").strip().lower()
    if where not in ("auto", "cpu"):
        try:
            where = resolve_device(where)
        except AssayError as ex:
            raise SettingError("device", str(device), str(ex).split(": ", 1)[-1]) from None
    name = (dtype or "auto").strip().lower()
    names = ("auto", *AUTOCAST_NAMES, *DTYPES)
    if name not in names:
        raise SettingError("dtype", str(dtype), f"must be one of {', '.join(names)}")
    if name != "auto" and device is not None:
        try:
            check_precision(resolve_precision(name, resolve_device(where)))
        except AssayError as ex:
            raise SettingError("dtype", str(dtype), str(ex)) from None


def model_record(model: str, device: str = "auto", dtype: str = "auto") -> ModelRecord:
    """Resolve a run's model, device and dtype (building an embedded model on first use).

    Raises:
        AssayError: The model, device or dtype cannot run here (see :func:`check_settings`).
    """
    from assay.models._load import checkpoint_precision
    from assay.models._resolve import locate_model, model_checkpoint, model_revision

    source = locate_model(model)
    checkpoint = model_checkpoint(source)
    precision = checkpoint_precision(dtype, device, checkpoint)
    return ModelRecord(
        given=model,
        kind=source.kind,
        checkpoint=str(checkpoint),
        revision=model_revision(source),
        device=device,
        resolved_device=precision.device,
        dtype=dtype,
        precision=precision.describe(),
        weights=precision.weights,
        autocast=precision.autocast,
    )
