"""Re-judging: rescore the transcripts in a stored Inspect log with new judges, writing a new log.

The target model (and, for audits, the auditor) is not called again; the original log is left untouched.
Scoring options (for an audit, ``rubric``) are the log's, unless given anew; what the re-judging used is
recorded in the new log's ``eval.metadata["assay_rejudge"]``.
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

from assay._errors import AssayError, unreadable_log
from assay._outcome import Outcome
from assay.judging import JUDGE_ROLE, make_models, model_keys
from assay.scoring._metrics import MODEL_ERROR_STORE_KEY

#: task_family -> factory of the family's outcome scorer (judges taken from the judge role). Filled by the
#: task families themselves through :func:`register_rescorer`, so scoring never imports a task family: a
#: family is re-judgeable once its package is imported (``assay rejudge`` lives in the agentic family).
RESCORERS: dict[str, Callable[..., Scorer]] = {}

#: task_family -> the model roles the new judges are bound to (default: ``judge``).
RESCORER_ROLES: dict[str, tuple[str, ...]] = {}

#: Key of the re-judging record in the new log's ``eval.metadata``.
REJUDGE_METADATA_KEY = "assay_rejudge"


def register_rescorer(
    family: str, factory: Callable[..., Scorer], roles: tuple[str, ...] = (JUDGE_ROLE,)
) -> None:
    """Make logs of ``task_family == family`` re-judgeable with the scorer ``factory(**options)`` returns.

    ``options`` are the log's task arguments that the factory takes (by parameter name, ``judge`` excepted:
    the new judges come from the command), so a log re-judged keeps the scoring options it was run with
    (for the agentic task, ``construct``), unless the command gives them anew. The new judges are bound to
    every model role in ``roles`` (a family whose scorer reads another role first lists it too).
    """
    RESCORERS[family] = factory
    RESCORER_ROLES[family] = roles


def _scoring_options(
    factory: Callable[..., Scorer], log: EvalLog, given: dict[str, Any] | None
) -> dict[str, Any]:
    """The scorer's options: the log's (or an earlier re-judging's) that ``factory`` takes, then ``given``.

    ``judge`` is always left out: the new judges come from the command.

    Raises:
        AssayError: A given option the family's scorer does not take.
    """
    taken = set(inspect.signature(factory).parameters) - {"judge"}
    earlier = (log.eval.metadata or {}).get(REJUDGE_METADATA_KEY) or {}
    stored = dict(log.eval.task_args) | dict(earlier.get("options") or {})
    unknown = sorted(set(given or {}) - taken)
    if unknown:
        known = ", ".join(sorted(taken)) or "none"
        raise AssayError(f"-S {unknown[0]}: not an option of this family's scorer; known: {known}")
    return {k: v for k, v in stored.items() if k in taken} | dict(given or {})


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
    if family == "None":
        raise AssayError(
            f"the log's samples carry no task_family: not a log of an assay task that can be re-judged "
            f"(known: {', '.join(RESCORERS)})"
        )
    if family not in RESCORERS:
        raise AssayError(
            f"re-judging is not available for task_family {family!r} (known: {', '.join(RESCORERS)})"
        )
    return family


def default_output(log_path: Path) -> Path:
    """Where the re-judged log goes by default: ``<stem>-rejudged<suffix>`` beside the original."""
    return log_path.with_name(f"{log_path.stem}-rejudged{log_path.suffix}")


def _read_log(src: Path) -> EvalLog:
    if not src.is_file():
        raise AssayError(f"log file not found: {src}")
    try:
        log = read_eval_log(str(src))
    except Exception as ex:  # any unreadable log is a user input error
        raise unreadable_log(src, ex) from None
    if not log.samples:
        raise AssayError(f"log {src} has no samples to re-judge")
    return log


def _resolve_judges(judges: Sequence[str | Model], judge_args: dict[str, Any] | None) -> list[Model]:
    names = [j for j in judges if isinstance(j, str)]
    created = iter(make_models(names, judge_args)) if names else iter(())
    return [j if isinstance(j, Model) else next(created) for j in judges]


def _mark_model_errors(log: EvalLog) -> None:
    """Keep a sample that failed with a model error a ``model_error`` (the scorer reads the store key)."""
    for sample in log.samples or []:
        if sample.error is not None:
            sample.store[MODEL_ERROR_STORE_KEY] = (
                sample.store.get(MODEL_ERROR_STORE_KEY) or sample.error.message
            )


def rejudge_log(
    log_path: str | Path,
    judges: Sequence[str | Model],
    out: str | Path | None = None,
    judge_args: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> RejudgeSummary:
    """Rescore every sample of a stored log with the given judges and write a new log.

    Samples that failed with a model error stay ``model_error``.

    Args:
        log_path: An Inspect log (``.eval`` or ``.json``) written by an assay task.
        judges: Judge models (names or ``Model`` objects); their majority decides where the family's rule
            consults judges.
        out: Path of the new log (default: :func:`default_output`).
        judge_args: Model args for judges given by name.
        options: Scoring options that replace the log's (``-S``; for an audit log, ``rubric=FILE``).

    Raises:
        AssayError: The log is missing or unreadable, has no samples, or its family cannot be re-judged; an
            option the family's scorer does not take, or one it refuses (a bad rubric file).
    """
    from inspect_ai import score

    src = Path(log_path)
    log = _read_log(src)
    family = _family(log)
    scorer_factory = RESCORERS[family]
    used = _scoring_options(scorer_factory, log, options)
    scorer = scorer_factory(**used)  # a bad option fails here, before any judge is called
    resolved = _resolve_judges(judges, judge_args)
    before = _outcome_counts(log)
    _mark_model_errors(log)
    roles = RESCORER_ROLES.get(family, (JUDGE_ROLE,))
    new_log = score(
        log,
        [scorer],
        action="overwrite",
        model=resolved[0],
        model_roles={role: resolved for role in roles},
        display="none",
    )
    new_log.eval.metadata = (new_log.eval.metadata or {}) | {
        REJUDGE_METADATA_KEY: {"source": str(src), "judges": model_keys(resolved), "options": used}
    }
    target = Path(out) if out is not None else default_output(src)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(new_log, str(target))
    return RejudgeSummary(
        source=str(src),
        output=str(target),
        judges=model_keys(resolved),
        samples=len(log.samples or []),
        before=before,
        after=_outcome_counts(new_log),
    )
