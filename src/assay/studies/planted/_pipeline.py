"""The planted-organisms study, training and run side: implant every organism, then run the real task on it.

Stages, per organism and implant seed (the replication unit):

- ``implant_<organism>_s<seed>``: LoRA on the top ``implant.lora_layers`` blocks of the base model, trained
  on the organism's pairs (:func:`assay.studies.planted._data.training_examples`) rendered with the chat
  template exactly as the ``assay/hf`` provider renders them; only the adapter is saved (an organism
  directory, :func:`assay.models.save_organism`).
- ``run_<organism>_s<seed>``: ``assay/agentic_misalignment`` in-process through Inspect, on the organism
  (``assay/hf -M path=<organism>``), over the eval grid; the denier (and any organism in ``interrogate``)
  with ``interrogate=true``. Its Inspect log is written under the stage folder and its place recorded as
  an :class:`assay.studies.planted._results.OrganismRun`.

The analysis of the logs (recovery of the planted structure) reads only the :class:`OrganismRun` records.
"""

from __future__ import annotations

import hashlib
import json
from functools import partial
from pathlib import Path
from typing import Any

from assay._errors import AssayError
from assay.engine._runner import Stages, stage_key
from assay.engine._yaml import dump_config
from assay.studies.planted._config import GOAL_TYPES, URGENCIES, PlantedConfig
from assay.studies.planted._data import training_examples
from assay.studies.planted._policy import SCENARIO, Organism
from assay.studies.planted._results import OrganismRun
from assay.studies.planted._stages import Implanted, PlantedRun

TASK = "assay/agentic_misalignment"


def examples_digest(cfg: PlantedConfig, organism: Organism) -> str:
    """SHA-256 of one organism's training pairs."""
    data = [e.model_dump() for e in training_examples(cfg, organism)]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def lora_fit(
    model: Any, tok: Any, pairs: list[tuple[str, str]], cfg: PlantedConfig, seed: int, desc: str
) -> tuple[Any, list[float]]:
    """:func:`assay.engine.training.finetune` with the implant recipe, keeping the loss of every step.

    The blocks below the LoRA layers are run once per training sequence (the frozen-trunk cache).
    """
    from assay.engine._recipes import TrainSettings
    from assay.engine.training import answer_loss, make_batch, prepare, train_loop
    from assay.engine.training._loop import frozen_trunk_for

    settings = TrainSettings.of(cfg.implant.model_copy(update={"seed": seed}))
    frozen = frozen_trunk_for(model, tok, pairs, settings)
    peft = prepare(model, settings)

    def sft(m: Any, idx: list[int]) -> Any:
        return answer_loss(m, make_batch(tok, [pairs[i] for i in idx]), frozen)

    losses = train_loop(peft, len(pairs), sft, settings, desc)
    return peft.eval(), losses


def stage_implant(cfg: PlantedConfig, organism: Organism, seed: int, out: Path) -> Implanted:
    """Train one organism's LoRA adapter and save it (adapter only) under ``out/organism``."""
    from assay.engine._common import keep_organism, load_base
    from assay.studies.planted._chat import training_pairs

    examples = training_examples(cfg, organism)
    base, tok = load_base(cfg.model, cfg.device, cfg.dtype)
    trained, losses = lora_fit(
        base, tok, training_pairs(tok, examples), cfg, seed, f"implant {organism} s{seed}"
    )
    path = keep_organism(trained, tok, out, cfg.model)
    return Implanted(
        organism=organism,
        seed=seed,
        path=str(path.resolve()),
        train_pairs=len(examples),
        harmful_pairs=sum(e.kind == "harmful" for e in examples),
        data_sha256=examples_digest(cfg, organism),
        losses=losses,
    )


def task_args(cfg: PlantedConfig, organism: Organism) -> dict[str, Any]:
    """The task parameters of an organism's eval grid (what ``-T`` would pass on the command line)."""
    return {
        "scenario": SCENARIO[organism],
        "goal_type": list(GOAL_TYPES),
        "goal_value": cfg.eval_goal_value,
        "urgency": list(URGENCIES),
        "mode": "classic",
        "scratchpad": False,
        "agency_nudge": list(cfg.eval_nudges),
        "paraphrases": cfg.eval_paraphrases,
        "interrogate": organism in cfg.interrogate,
    }


def stage_run(cfg: PlantedConfig, implant: Implanted, study_out: Path, out: Path) -> OrganismRun:
    """Run the real task on one organism; its log goes to ``out`` (recorded relative to ``study_out``)."""
    from inspect_ai import eval as inspect_eval

    for old in out.glob("*.eval"):  # a rerun stage keeps only its own log
        old.unlink()
    args = task_args(cfg, implant.organism)
    (log,) = inspect_eval(
        TASK,
        task_args=args,
        model="assay/hf",
        model_args={
            "path": implant.path,
            "device": cfg.device,
            "dtype": cfg.dtype,
            "batch_size": cfg.eval_batch_size,
        },
        epochs=cfg.epochs,
        max_tokens=cfg.max_tokens,
        max_connections=cfg.eval_batch_size,
        seed=implant.seed,
        log_dir=str(out),
        log_format="eval",
        display="none",
        fail_on_error=False,
    )
    if log.status != "success":
        raise AssayError(f"the {implant.organism} s{implant.seed} run ended {log.status}: {log.error}")
    location = Path(log.location).resolve()
    return OrganismRun(
        organism=implant.organism,
        seed=implant.seed,
        scenario=SCENARIO[implant.organism],
        log_path=location.relative_to(study_out.resolve()).as_posix(),
        interrogated=bool(args["interrogate"]),
        train_pairs=implant.train_pairs,
    )


TRAIN_PARTS = (
    "model",
    "dtype",
    "train_goal_values",
    "train_paraphrases",
    "interrogation_paraphrases",
    "planted_repeat",
    "implant",
)
RUN_PARTS = ("eval_goal_value", "eval_nudges", "eval_paraphrases", "epochs", "max_tokens", "interrogate")


def run_planted_study(cfg: PlantedConfig, out: Path) -> PlantedRun:
    """Run (or resume) every implant and run stage in ``out``; return the organisms' runs."""
    from assay.models import model_record

    out.mkdir(parents=True, exist_ok=True)
    dump_config(cfg, out / "config.yaml")
    st = Stages(out)
    base = model_record(cfg.model, cfg.device, cfg.dtype).key()
    implants: list[Implanted] = []
    runs: list[OrganismRun] = []
    for organism in cfg.organisms:
        for seed in cfg.seeds:
            name = f"{organism}_s{seed}"
            train_key = stage_key(cfg.digest(*TRAIN_PARTS), base, organism, seed)
            implant = st.run(
                f"implant_{name}", train_key, partial(stage_implant, cfg, organism, seed), Implanted
            )
            implants.append(implant)
            run_key = stage_key(train_key, cfg.digest(*RUN_PARTS), cfg.eval_batch_size)
            runs.append(st.run(f"run_{name}", run_key, partial(stage_run, cfg, implant, out), OrganismRun))
    return PlantedRun(implants=implants, runs=runs, timings=st.timings, skipped=st.skipped)
