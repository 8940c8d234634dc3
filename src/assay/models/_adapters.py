"""One LoRA adapter equal to a stack of them, in a form vLLM serves.

vLLM applies one adapter per request, so an adapter trained on top of another (a safety-trained arm on its
organism) cannot be served as two. LoRA updates add up: after merging, the stack's weights are
``W + s1 B1 A1 + s2 B2 A2`` (``s = lora_alpha / r``), which is exactly one adapter of rank ``r1 + r2`` with
``A = [A1; A2]`` and ``B = [s1 B1, s2 B2]`` and scale 1 (``lora_alpha = r``). A module that only some
adapters train gets zero rows for the others. The rank is padded with zero rows to the next rank vLLM
accepts (``--max-lora-rank`` takes only :data:`VLLM_RANKS`); zeros change nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assay._errors import AssayError

#: The values ``vllm serve --max-lora-rank`` accepts (``vllm.config.lora.MaxLoRARanks``).
VLLM_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
_A, _B = ".lora_A.weight", ".lora_B.weight"


def vllm_rank(rank: int) -> int:
    """The smallest rank vLLM accepts that holds ``rank``.

    Raises:
        AssayError: ``rank`` is above vLLM's largest.
    """
    for allowed in VLLM_RANKS:
        if allowed >= rank:
            return allowed
    raise AssayError(f"LoRA rank {rank} is above the largest vLLM serves ({VLLM_RANKS[-1]})")


def _read_adapter(directory: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    from safetensors.torch import load_file

    config = json.loads((directory / "adapter_config.json").read_text())
    unsupported = [
        what
        for what, bad in (
            ("a bias", config.get("bias", "none") != "none"),
            ("DoRA", config.get("use_dora")),
            ("modules_to_save", config.get("modules_to_save")),
            ("per-module ranks", config.get("rank_pattern") or config.get("alpha_pattern")),
            ("a pattern for target_modules", isinstance(config.get("target_modules"), str)),
        )
        if bad
    ]
    if unsupported:
        raise AssayError(f"adapter {directory}: {', '.join(unsupported)} cannot be combined for vLLM")
    tensors = load_file(str(directory / "adapter_model.safetensors"))
    stray = [k for k in tensors if not k.endswith((_A, _B))]
    if stray:
        raise AssayError(f"adapter {directory}: only LoRA A/B weights can be combined, found {stray[0]}")
    return config, tensors


def _scale(config: dict[str, Any]) -> float:
    r, alpha = int(config["r"]), float(config["lora_alpha"])
    return alpha / math.sqrt(r) if config.get("use_rslora") else alpha / r


def combine_adapters(adapters: Sequence[Path], out: Path, base_model: str) -> Path:
    """Write to ``out`` one LoRA adapter equal to applying ``adapters`` in order (see the module doc).

    Args:
        adapters: peft adapter directories, root first (one is fine: its rank is padded for vLLM).
        out: The directory to write (``adapter_config.json``, ``adapter_model.safetensors``).
        base_model: What the adapter's ``base_model_name_or_path`` names: where the server finds the base.

    Raises:
        AssayError: No adapter, or one using a feature that cannot be combined (bias, DoRA, ...).
    """
    import torch
    from safetensors.torch import save_file

    if not adapters:
        raise AssayError("no adapter to combine")
    read = [_read_adapter(Path(a)) for a in adapters]
    ranks = [int(config["r"]) for config, _ in read]
    total = vllm_rank(sum(ranks))
    modules = sorted({k[: -len(_A)] for _, tensors in read for k in tensors if k.endswith(_A)})
    combined: dict[str, Any] = {}
    for module in modules:
        a_rows, b_cols = [], []
        shapes = next((t[module + _A].shape[1], t[module + _B].shape[0]) for _, t in read if module + _A in t)
        for (config, tensors), r in zip(read, ranks, strict=True):
            if module + _A in tensors:
                a_rows.append(tensors[module + _A].float())
                b_cols.append(tensors[module + _B].float() * _scale(config))
            else:
                a_rows.append(torch.zeros(r, shapes[0]))
                b_cols.append(torch.zeros(shapes[1], r))
        pad = total - sum(ranks)
        combined[module + _A] = torch.cat([*a_rows, torch.zeros(pad, shapes[0])]).contiguous()
        combined[module + _B] = torch.cat([*b_cols, torch.zeros(shapes[1], pad)], dim=1).contiguous()
    out.mkdir(parents=True, exist_ok=True)
    save_file(combined, str(out / "adapter_model.safetensors"))
    config = _combined_config([c for c, _ in read], total, base_model)
    (out / "adapter_config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    return out


def _combined_config(configs: list[dict[str, Any]], rank: int, base_model: str) -> dict[str, Any]:
    """The first adapter's config with the combined rank, scale 1, and every module and layer trained."""
    config = dict(configs[0])
    targets = {name for c in configs for name in c["target_modules"]}
    layers = [[ls] if isinstance(ls, int) else ls for ls in (c.get("layers_to_transform") for c in configs)]
    config.update(
        r=rank,
        lora_alpha=rank,
        use_rslora=False,
        target_modules=sorted(targets),
        layers_to_transform=None if None in layers else sorted({i for ls in layers for i in ls or ()}),
        base_model_name_or_path=base_model,
        rank_pattern={},
        alpha_pattern={},
    )
    return config
