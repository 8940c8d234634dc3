"""Measurements through Inspect evals (logs browsable in ``inspect view``): behaviour rates, capability."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assay.evidence import Rate, binomial_rate
from assay.scoring import BEHAVIOUR_OUTCOMES, Outcome

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog


class LoggedRate(Rate):
    """A rate measured through an Inspect eval, with the log it came from (``inspect view`` opens it)."""

    log: str


def _model_args(path: Path, adapter: Path | None, device: str, dtype: str) -> dict[str, Any]:
    args: dict[str, Any] = {"path": str(path), "batch_size": 64, "device": device, "dtype": dtype}
    if adapter is not None:
        args["adapter"] = str(adapter)
    return args


def behaviour_rates(
    path: Path,
    adapter: Path | None,
    trigger: str,
    behaviour: str,
    n: int,
    kinds: str,
    max_tokens: int,
    log_dir: Path,
    seed: int = 0,
    match: Literal["contains", "starts"] = "contains",
    device: str = "auto",
    dtype: str = "auto",
) -> dict[str, LoggedRate]:
    """Run ``assay/backdoor`` on a checkpoint and return, per kind, the rate with its Wilson interval.

    Model errors are counted apart (``n_errors``), never as absence of the behaviour. ``match`` is the
    task's rule (``starts``: the completion begins with ``behaviour``, as the forward-pass verdicts measure).
    """
    from inspect_ai import eval as inspect_eval

    from assay.tasks.backdoor import backdoor

    task = backdoor(
        trigger=trigger, behaviour=behaviour, n=n, seed=seed, kinds=kinds, max_tokens=max_tokens, match=match
    )
    (log,) = inspect_eval(
        task,
        model="assay/hf",
        model_args=_model_args(path, adapter, device, dtype),
        temperature=0.0,
        log_dir=str(log_dir),
        display="none",
        fail_on_error=False,
    )
    counts: dict[str, dict[str, int]] = {}
    for sample in log.samples or []:
        kind = str((sample.metadata or {}).get("factors", {}).get("kind"))
        bucket = counts.setdefault(kind, {"k": 0, "n": 0})
        score = next(iter((sample.scores or {}).values()), None)
        if sample.error is not None or score is None:
            bucket[Outcome.MODEL_ERROR.value] = bucket.get(Outcome.MODEL_ERROR.value, 0) + 1
        elif score.value in BEHAVIOUR_OUTCOMES:
            bucket["n"] += 1
            bucket["k"] += int(score.value == Outcome.HARMFUL)
        else:  # empty and invalid replies, like errors, are kept out of n and counted beside it
            bucket[str(score.value)] = bucket.get(str(score.value), 0) + 1
    out = {}
    for kind, c in counts.items():
        rate = binomial_rate(c.pop("k"), c.pop("n"), errors=c)
        out[kind] = LoggedRate(**rate.model_dump(), log=log.location)
    return out


def capability_accuracy(
    path: Path, adapter: Path | None, log_dir: Path, device: str = "auto", dtype: str = "auto"
) -> LoggedRate:
    """Run ``assay/capability_qa`` greedily and return the accuracy as a rate with its interval."""
    from inspect_ai import eval as inspect_eval

    from assay.tasks.capability import capability_qa

    (log,) = inspect_eval(
        capability_qa(max_tokens=24),
        model="assay/hf",
        model_args=_model_args(path, adapter, device, dtype),
        temperature=0.0,
        log_dir=str(log_dir),
        display="none",
        fail_on_error=False,
    )
    return LoggedRate(**capability_rate(log).model_dump(), log=log.location)


def capability_rate(log: EvalLog) -> Rate:
    """The accuracy in an ``assay/capability_qa`` log: correct among the answers.

    Failed samples, empty replies and replies that are only a tool call (scored ``N``, their kind in the
    score's ``metadata["outcome"]``) are kept out of n and counted beside it by kind.
    """
    from inspect_ai.scorer import CORRECT, NOANSWER

    k = n = 0
    apart: dict[str, int] = {}  # errors, empty and invalid replies: kept out of n, counted beside it
    for sample in log.samples or []:
        score = next(iter((sample.scores or {}).values()), None)
        if sample.error is not None or score is None:
            apart[Outcome.MODEL_ERROR.value] = apart.get(Outcome.MODEL_ERROR.value, 0) + 1
        elif score.value == NOANSWER:
            kind = str((score.metadata or {}).get("outcome", Outcome.EMPTY.value))
            apart[kind] = apart.get(kind, 0) + 1
        else:
            n += 1
            k += int(score.value == CORRECT)
    return binomial_rate(k, n, errors=apart)
