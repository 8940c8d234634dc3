"""Serving a study run's organisms with vLLM: one adapter per organism, and the commands that serve them.

:func:`export_organisms` finds every organism directory of a run (:mod:`assay.models._organism`), writes
each as one adapter vLLM loads (a stacked arm combined with its organism,
:func:`assay.models._adapters.combine_adapters`; ranks padded to one vLLM accepts) whose
``base_model_name_or_path`` names the base the server loads, and two panel files (the same organisms
through vLLM and through ``assay/hf``). :class:`OrganismExport` renders the ``vllm serve`` and
``inspect eval`` commands. A full fine-tune has no adapter: it is served as a base of its own.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any, Literal

import yaml

from assay._errors import AssayError
from assay._strict import Strict
from assay.models._adapters import combine_adapters
from assay.models._organism import ORGANISM_FILE, organism_stack, resolve_base
from assay.models._resolve import embedded_name

#: Stage sub-folders that hold an organism under its stage's name.
_PLAIN_NAMES = ("organism", "adapter", "model")


class ExportedOrganism(Strict):
    """One organism as vLLM serves it.

    Attributes:
        name: Its name on the server (``--lora-modules NAME=...``; from its folder in the run).
        organism: The organism directory.
        adapter: The exported adapter directory (``None``: a full fine-tune, served as a base itself).
        base: What the server loads: a checkpoint directory or a hub id.
        base_name: The base as the study named it (``smollm2``, a directory, a hub id).
        rank: The adapter's rank (0 for a full fine-tune).
        stacked: How many adapters were combined into it (2 for an arm on its organism).
    """

    name: str
    organism: str
    adapter: str | None
    base: str
    base_name: str = ""
    rank: int
    stacked: int = 0


class OrganismExport(Strict):
    """A run's organisms exported for vLLM, with the commands that serve and evaluate them.

    Attributes:
        out: The export directory.
        organisms: Every organism, in name order.
        task: The task the commands and panels run.
        task_args: Its arguments (``-T``, typed as YAML reads them).
        port: The first server's port (one server per base, on consecutive ports).
    """

    out: str
    organisms: list[ExportedOrganism]
    task: str
    task_args: dict[str, Any]
    port: int = 8000

    def bases(self) -> list[str]:
        """The bases to serve, each with its own server (in order: ports ``port``, ``port + 1``, ...)."""
        return sorted({o.base for o in self.organisms})

    def base_url(self, base: str) -> str:
        """The OpenAI-compatible URL of the server for ``base``."""
        return f"http://localhost:{self.port + self.bases().index(base)}/v1"

    def served(self, base: str) -> list[ExportedOrganism]:
        """The adapters served on ``base``."""
        return [o for o in self.organisms if o.base == base and o.adapter is not None]

    def serve_command(self, base: str) -> list[str]:
        """``vllm serve`` for ``base`` with its adapters preloaded under their names."""
        adapters = self.served(base)
        cmd = ["vllm", "serve", base, "--port", str(self.port + self.bases().index(base))]
        if adapters:
            rank = max(o.rank for o in adapters)
            cmd += ["--enable-lora", "--max-lora-rank", str(rank), "--max-loras", str(len(adapters))]
            cmd += ["--lora-modules", *(f"{o.name}={o.adapter}" for o in adapters)]
        return cmd

    def model_names(self, base: str, served: bool = True) -> list[str]:
        """Inspect model names: the base, then its adapters by server name (``served``) or by path."""
        return [f"vllm/{base}"] + [
            f"vllm/{base}:{o.name if served else o.adapter}" for o in self.served(base)
        ]

    def eval_command(self, base: str, served: bool = True) -> list[str]:
        """``inspect eval`` of the task on ``base`` and its adapters.

        ``served``: against the server :meth:`serve_command` started; otherwise Inspect starts vLLM itself
        (with ``--enable-lora`` and the adapters' largest rank) and loads the adapters from their paths.
        """
        cmd = ["inspect", "eval", self.task]
        for key, value in self.task_args.items():
            cmd += ["-T", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
        cmd += ["--model", ",".join(self.model_names(base, served))]
        if served:
            cmd += ["--model-base-url", self.base_url(base)]
        return cmd

    def commands(self) -> list[str]:
        """Every command, one shell line each: per base, serve; evaluate on it; or let Inspect serve."""
        lines: list[str] = []
        for base in self.bases():
            lines += [shlex.join(self.serve_command(base)), shlex.join(self.eval_command(base))]
            lines.append(shlex.join(self.eval_command(base, served=False)))
        return lines


def find_organisms(run: Path) -> dict[str, Path]:
    """Every organism directory under ``run``, by name (its folder's, the stage's for a stage's organism).

    Names keep only letters, digits, ``.``, ``_`` and ``-`` (vLLM serves adapters by name); two organisms
    with the same folder name are named by their whole path under ``run`` instead.

    Raises:
        AssayError: ``run`` is not a directory or holds no organism.
    """
    if not run.is_dir():
        raise AssayError(f"run directory not found: {run}")
    found = sorted(p.parent for p in run.rglob(ORGANISM_FILE))
    if not found:
        raise AssayError(f"no organism directory (with {ORGANISM_FILE}) under {run}")

    def parts(path: Path) -> list[str]:
        ps = list(path.relative_to(run).parts) or [run.name]
        ps = ps[1:] if ps[0] == "stages" and len(ps) > 1 else ps
        return ps[:-1] if ps[-1] in _PLAIN_NAMES and len(ps) > 1 else ps

    short = [parts(p)[-1] for p in found]
    names = [s if short.count(s) == 1 else "--".join(parts(p)) for s, p in zip(short, found, strict=True)]
    return {_slug(n): p for n, p in sorted(zip(names, found, strict=True))}


def served_base(base: str) -> str:
    """What a server loads for a base as a study names it: a directory (absolute), or a hub id as it is."""
    if embedded_name(base) is not None:
        return str(resolve_base(base).resolve())
    path = Path(base)
    return str(path.resolve()) if path.is_dir() else base


def export_organisms(
    run: Path,
    out: Path | None = None,
    task: str = "assay/capability_qa",
    task_args: dict[str, Any] | None = None,
    port: int = 8000,
) -> OrganismExport:
    """Export every organism of ``run`` for vLLM into ``out`` (default ``run/vllm``); write the panels.

    Writes ``out/adapters/<name>/`` per LoRA organism, ``out/export.json`` (the :class:`OrganismExport`),
    ``out/panel-vllm.yaml`` and ``out/panel-local.yaml`` (``assay panel run --config``: the task on each
    base and every organism, through vLLM or through ``assay/hf``). Servers listen on ``port``,
    ``port + 1``, ... (one per base).

    Raises:
        AssayError: No organism under ``run``, or one that cannot be loaded or combined.
    """
    out = (out or run / "vllm").resolve()
    exported = []
    for name, directory in find_organisms(run).items():
        stack = organism_stack(directory)
        where = str(directory.resolve())
        if not stack.adapters:  # a full fine-tune: a base of its own
            exported.append(ExportedOrganism(name=name, organism=where, adapter=None, base=where, rank=0))
            continue
        base = served_base(stack.base)
        adapter = combine_adapters(stack.adapters, out / "adapters" / name, base)
        rank = int(json.loads((adapter / "adapter_config.json").read_text())["r"])
        exported.append(
            ExportedOrganism(
                name=name,
                organism=where,
                adapter=str(adapter),
                base=base,
                base_name=stack.base,
                rank=rank,
                stacked=len(stack.adapters),
            )
        )
    export = OrganismExport(out=str(out), organisms=exported, task=task, task_args=task_args or {}, port=port)
    (out / "export.json").write_text(export.model_dump_json(indent=1) + "\n")
    for route in ("vllm", "local"):
        panel = panel_spec(export, route)
        (out / f"panel-{route}.yaml").write_text(yaml.safe_dump(panel, sort_keys=False))
    return export


def panel_spec(export: OrganismExport, route: Literal["vllm", "local"]) -> dict[str, Any]:
    """A panel (``assay.panels.PanelSpec`` fields) of the task on every base and organism of the export.

    ``route``: ``vllm`` (the servers of :meth:`OrganismExport.serve_command`) or ``local`` (``assay/hf``,
    each organism's directory as ``path``).
    """
    models: list[dict[str, Any]] = []
    for base in export.bases():
        if route == "vllm":
            url = {"base_url": export.base_url(base)}
            models += [{"name": n, "args": url} for n in export.model_names(base)]
        else:
            models.append(_local_base(export, base))
            models += [
                {"name": f"assay/hf/{o.name}", "args": {"path": o.organism}} for o in export.served(base)
            ]
    log_dir = str(Path(export.out) / "logs" / route)
    return {"task": export.task, "task_args": export.task_args, "models": models, "log_dir": log_dir}


def _local_base(export: OrganismExport, base: str) -> dict[str, Any]:
    """The panel entry of a base through assay's own providers."""
    full = [o for o in export.organisms if o.adapter is None and o.base == base]
    if full:
        return {"name": f"assay/hf/{full[0].name}", "args": {"path": full[0].organism}}
    named = next(o.base_name for o in export.organisms if o.base == base)
    short = embedded_name(named)
    if short is not None:
        return {"name": f"assay/{short}"}
    return {"name": f"assay/hf/base-{_slug(Path(named).name)}", "args": {"path": named}}


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)
