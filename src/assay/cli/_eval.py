"""``assay eval``: run an Inspect task with input checked first, so mistakes are one-line errors.

It is a thin front on :func:`inspect_ai.eval`; ``inspect eval`` works just as well for every assay task.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from assay._errors import AssayError
from assay._keyvalues import parse_key_values


def check_model_name(model: str) -> None:
    """Raise :class:`AssayError` for an ``assay/...`` model name that does not exist."""
    if model.startswith("assay/"):
        from assay.models._api import MODEL_NAMES

        name = model.removeprefix("assay/")
        if name not in MODEL_NAMES and not name.startswith(("scripted/", "hf/")):
            known = ", ".join(f"assay/{n}" for n in MODEL_NAMES)
            raise AssayError(f"unknown model {model!r}; known models: {known}")
    elif "/" not in model:
        raise AssayError(f"--model must look like provider/name (e.g. assay/smollm2), got {model!r}")


def check_model(model: str, args: Mapping[str, Any], option: str = "--model") -> None:
    """Check a model name and the model args that can be checked without loading it.

    ``assay/hf -M path=DIR`` must be a checkpoint (or organism) directory; ``assay/scripted`` needs
    ``-M script=FILE`` (read here, so a bad script fails before any other model of a panel loads).

    Raises:
        AssayError: The message names the model and the argument.
    """
    check_model_name(model)
    if (model == "assay/hf" or model.startswith("assay/hf/")) and "path" in args:
        from assay.models._checkpoint import check_checkpoint
        from assay.models._organism import is_organism

        if not is_organism(str(args["path"])):  # an organism is checked when its stack is read
            check_checkpoint(Path(str(args["path"])))
    if model == "assay/scripted" or model.startswith("assay/scripted/"):
        if "script" not in args:
            raise AssayError(f"{option} {model}: needs a script file: -M script=FILE")
        unknown = sorted(set(args) - {"script"})
        if unknown:
            raise AssayError(f"{option} {model}: unknown model arg(s): {', '.join(unknown)}")
        from assay.models._script import load_script

        load_script(str(args["script"]))


def check_task(task: str, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The task as Inspect should get it, and its args checked (an assay task is built once, to check).

    A task file or folder must hold an Inspect task (``FILE@name``: one of that name); it is passed on
    relative to the working directory (Inspect cannot glob an absolute path).

    Raises:
        AssayError: An unknown ``assay/`` task, a bad argument, or a path with no Inspect task in it.
    """
    from assay.tasks import build_task, check_task_args, task_function

    fn = task_function(task)
    if fn is not None:
        args = check_task_args(task, fn, args)
        build_task(task, fn, args)
        return task, args
    spec, at, name = task.partition("@")
    if not Path(spec).exists():
        if ".py" in task or "/" not in task:
            raise AssayError(f"task: {task!r} is neither an assay/<name> task nor an existing task file")
        return task, args  # a registry name of another package: Inspect resolves it
    from inspect_ai import list_tasks

    relative = os.path.relpath(spec)
    found = [t for t in list_tasks(relative, root_dir=Path.cwd()) if not name or t.name == name]
    if not found:
        kind = "folder" if Path(spec).is_dir() else "file"
        named = f" named {name!r}" if name else ""
        raise AssayError(f"task {task}: no Inspect task{named} in this {kind}")
    return relative + at + name, args


class FiniteFloatRange(click.FloatRange):
    """A float option in a range that refuses NaN and infinite values (``FloatRange`` lets them pass)."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The value as a float; a usage error for anything that is not a finite number in the range."""
        number = super().convert(value, param, ctx)
        if isinstance(number, float) and not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def check_log_dir(log_dir: str, option: str = "--log-dir") -> None:
    """Raise :class:`AssayError` when a local ``log_dir`` (or a folder above it) is an existing file.

    A URL (``s3://...``) is left to Inspect.
    """
    if "://" in log_dir:
        return
    path = Path(log_dir)
    for where in (path, *path.parents):
        if where.exists():
            if not where.is_dir():
                raise AssayError(f"{option} {log_dir}: {where} is a file, not a directory")
            return


@click.command("eval")
@click.argument("task")
@click.option("--model", default="assay/smollm2", show_default=True, help="Any Inspect model name.")
@click.option("-M", "model_args", multiple=True, metavar="KEY=VALUE", help="Model argument.")
@click.option("-T", "task_args", multiple=True, metavar="KEY=VALUE", help="Task argument.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Run at most this many samples.")
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Repeats of every sample.")
@click.option("--temperature", type=FiniteFloatRange(min=0), default=None)
@click.option("--seed", type=int, default=None)
@click.option("--log-dir", default="logs", show_default=True)
def eval_command(
    task: str,
    model: str,
    model_args: tuple[str, ...],
    task_args: tuple[str, ...],
    limit: int | None,
    epochs: int | None,
    temperature: float | None,
    seed: int | None,
    log_dir: str,
) -> None:
    """Run TASK (e.g. assay/capability_qa) on a model through Inspect and print where the log is."""
    margs = parse_key_values(model_args, "-M")  # checked before Inspect and torch load (seconds)
    targs = parse_key_values(task_args, "-T")
    check_log_dir(log_dir)
    task, targs = check_task(task, targs)  # the task's own parameters first, then the model's
    check_model(model, margs)
    from inspect_ai import eval as inspect_eval

    logs = inspect_eval(
        task,
        model=model,
        model_args=margs,
        task_args=targs,
        limit=limit,
        epochs=epochs,
        temperature=temperature,
        seed=seed,
        log_dir=log_dir,
    )
    for log in logs:
        click.echo(f"{log.eval.task}: {log.status}; log: {log.location}")
        if log.status != "success":
            raise click.exceptions.Exit(1)
    click.echo(f"view it with: inspect view --log-dir {log_dir}")
