"""Load a local model and tokenizer outside Inspect (for training, probing and steering)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay._errors import AssayError
from assay._precision import Precision, mark_precision
from assay.models._device import CPU_BF16_UNITS


def load_local_model(
    name: str,
    path: str | Path | None = None,
    adapter: str | Path | None = None,
    seed: int = 0,
    device: str | None = "auto",
    dtype: str | None = "auto",
) -> tuple[Any, Any]:
    """Return ``(model, tokenizer)`` for ``smollm2``, ``toy`` or ``hf`` (with ``path``), in eval mode.

    Args:
        name: ``smollm2``, ``toy`` or ``hf`` (an ``assay/`` prefix is accepted).
        path: Checkpoint directory, required for ``hf`` and refused for the embedded ``smollm2`` and
            ``toy`` (which would load their own weights). An organism directory
            (:mod:`assay.models._organism`) loads its base with its adapters merged in order.
        adapter: Optional LoRA adapter directory, merged into the weights.
        seed: Seed of the toy model.
        device: ``auto`` (CUDA when present, else CPU), ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.
        dtype: ``auto`` (bf16 autocast on CUDA and on CPUs with bf16 matrix units, fp32 elsewhere),
            ``bf16-autocast``, ``float32``, ``bfloat16`` or ``float16`` (see
            :func:`assay.models.resolve_precision`). The model is marked with it
            (:func:`assay._precision.precision_context` opens it around each pass).

    Raises:
        AssayError: Unknown name, device or dtype, a ``path`` with an embedded model, or an unreadable
            checkpoint.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from assay.models._checkpoint import check_checkpoint
    from assay.models._device import check_precision, resolve_device, resolve_precision
    from assay.models._local import merge_adapters, organism_source, resolve_checkpoint

    short = name.removeprefix("assay/")
    if short not in ("smollm2", "toy", "hf"):
        raise AssayError(f"unknown local model '{name}'; use smollm2, toy or hf")
    args: dict[str, Any] = {"seed": seed}
    if path is not None:
        args["path"] = str(path)
    source, stack = organism_source(short, args)  # an organism directory: its base, then its adapters
    where = resolve_device(device)
    precision = check_precision(resolve_precision(dtype, where))
    checkpoint = check_checkpoint(resolve_checkpoint(source, args))
    try:
        weights = getattr(torch, precision.weights)
        model: Any = AutoModelForCausalLM.from_pretrained(str(checkpoint), dtype=weights)
        model = model.to(where)
        tokenizer = AutoTokenizer.from_pretrained(str(checkpoint))
    except (OSError, ValueError) as ex:
        raise AssayError(f"unreadable checkpoint {checkpoint}: {str(ex).splitlines()[0]}") from None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    model = merge_adapters(model, stack, adapter)
    model.eval()
    mark_precision(model, small_model_fallback(precision, getattr(model, "config", None)))
    return model, tokenizer


#: Below this hidden size ``auto`` keeps a CPU model in fp32: its matrices are too small for the bf16 units
#: to gain (the toy model's ``assay demo --fast`` took 58.8 s under autocast vs 56.1 s in fp32,
#: bench/results/bf16_timings.json), and autocast would change its answers for nothing.
MIN_HIDDEN_FOR_CPU_AUTOCAST = 256


def checkpoint_precision(dtype: str | None, device: str | None, checkpoint: Path) -> Precision:
    """The precision :func:`load_local_model` loads ``checkpoint`` in, found without loading the weights.

    Raises:
        AssayError: An unknown or missing device, a dtype the device cannot run, or an unreadable
            ``config.json``.
    """
    from transformers import AutoConfig

    from assay.models._device import check_precision, resolve_device, resolve_precision

    precision = check_precision(resolve_precision(dtype, resolve_device(device)))
    try:
        config = AutoConfig.from_pretrained(str(checkpoint))
    except (OSError, ValueError) as ex:
        raise AssayError(f"unreadable checkpoint {checkpoint}: {str(ex).splitlines()[0]}") from None
    return small_model_fallback(precision, config)


def small_model_fallback(precision: Precision, config: Any) -> Precision:
    """fp32 instead of the autocast ``auto`` chose on a CPU, for a model (``config``) too small to gain."""
    hidden = getattr(config, "hidden_size", None)
    if (
        precision.reason not in CPU_BF16_UNITS
        or not isinstance(hidden, int)
        or hidden >= MIN_HIDDEN_FOR_CPU_AUTOCAST
    ):
        return precision
    return Precision(
        "float32", None, precision.device, f"hidden size {hidden} < {MIN_HIDDEN_FOR_CPU_AUTOCAST}"
    )
