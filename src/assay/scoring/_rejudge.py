"""Re-judging: rescore the transcripts in a stored Inspect log with new judges, writing a new log.

The target model is not called again; the original log is left untouched.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, read_eval_log, write_eval_log
from inspect_ai.model import Model
from inspect_ai.scorer import Scorer
from pydantic import BaseModel, ConfigDict

from assay._errors import AssayError
from assay._outcome import Outcome
from assay.judging import JUDGE_ROLE, make_models, model_keys
from assay.scoring._metrics import MODEL_ERROR_STORE_KEY

#: task_family -> factory of the family's outcome scorer (judges taken from the judge role). Filled by the
#: task families themselves through :func:`register_rescorer`, so scoring never imports a task family: a
#: family is re-judgeable once its package is imported (``assay rejudge`` lives in the agentic family).
RESCORERS: dict[str, Callable[[], Scorer]] = {}


def register_rescorer(family: str, factory: Callable[..., Scorer]) -> None:
    """Make logs of ``task_family == family`` re-judgeable with the scorer ``factory(**options)`` returns.

    ``options`` are the log's task arguments that the factory takes (by parameter name, ``judge`` excepted:
    the new judges come from the command), so a log re-judged keeps the scoring options it was run with
    (for the agentic task, ``construct``).
    """
    RESCORERS[family] = factory


def _scoring_options(factory: Callable[..., Scorer], task_args: dict[str, Any]) -> dict[str, Any]:
    """The log's task arguments that ``factory`` takes as parameters (``judge`` left out)."""
    taken = set(inspect.signature(factory).parameters) - {"judge"}
    return {k: v for k, v in task_args.items() if k in taken}


class RejudgeSummary(BaseModel):
    """What re-judging did: where the new log is, which judges, and outcome counts before and after."""

    model_config = ConfigDict(extra="forbid")

    source: str
    output: str
    judges: list[str]
    samples: int
    before: dict[str, int]
    after: dict[str, int]


def _outcome_counts(log: EvalLog) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for sample in log.samples or []:
        if sample.error is not None and not sample.scores:
            counts[Outcome.MODEL_ERROR.value] += 1
            continue
        for score in (sample.scores or {}).values():
            counts[str(score.value)] += 1
            break
    return dict(counts)


def _family(log: EvalLog) -> str:
    families = {str((s.metadata or {}).get("task_family")) for s in log.samples or []}
    if len(families) != 1:
        raise AssayError(f"log mixes task families {sorted(families)}; re-judge one family at a time")
    family = families.pop()
    if family not in RESCORERS:
        raise AssayError(
            f"re-judging is not available for task_family {family!r} (known: {', '.join(RESCORERS)})"
        )
    return family


def default_output(log_path: Path) -> Path:
    """Where the re-judged log goes by default: ``<stem>-rejudged<suffix>`` beside the original."""
    return log_path.with_name(f"{log_path.stem}-rejudged{log_path.suffix}")


def rejudge_log(
    log_path: str | Path,
    judges: Sequence[str | Model],
    out: str | Path | None = None,
    judge_args: dict[str, Any] | None = None,
) -> RejudgeSummary:
    """Rescore every sample of a stored log with the given judges and write a new log.

    Samples that failed with a model error stay ``model_error``.

    Args:
        log_path: An Inspect log (``.eval`` or ``.json``) written by an assay task.
        judges: Judge models (names or ``Model`` objects); their majority decides where the family's rule
            consults judges.
        out: Path of the new log (default: :func:`default_output`).
        judge_args: Model args for judges given by name.

    Raises:
        AssayError: The log is missing or unreadable, has no samples, or its family cannot be re-judged.
    """
    from inspect_ai import score

    src = Path(log_path)
    if not src.is_file():
        raise AssayError(f"log file not found: {src}")
    try:
        log = read_eval_log(str(src))
    except Exception as ex:  # any unreadable log is a user input error
        raise AssayError(f"cannot read log {src}: {str(ex).splitlines()[0] if str(ex) else ex}") from None
    if not log.samples:
        raise AssayError(f"log {src} has no samples to re-judge")
    family = _family(log)
    names = [j for j in judges if isinstance(j, str)]
    models = [j if isinstance(j, Model) else None for j in judges]
    created = iter(make_models(names, judge_args)) if names else iter(())
    resolved = [m if m is not None else next(created) for m in models]
    before = _outcome_counts(log)
    for sample in log.samples:
        if sample.error is not None:
            sample.store[MODEL_ERROR_STORE_KEY] = (
                sample.store.get(MODEL_ERROR_STORE_KEY) or sample.error.message
            )
    scorer_factory = RESCORERS[family]
    new_log = score(
        log,
        [scorer_factory(**_scoring_options(scorer_factory, log.eval.task_args))],
        action="overwrite",
        model=resolved[0],
        model_roles={JUDGE_ROLE: resolved},
        display="none",
    )
    target = Path(out) if out is not None else default_output(src)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(new_log, str(target))
    return RejudgeSummary(
        source=str(src),
        output=str(target),
        judges=model_keys(resolved),
        samples=len(log.samples),
        before=before,
        after=_outcome_counts(new_log),
    )
