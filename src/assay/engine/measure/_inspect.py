"""Measurements through Inspect evals (logs browsable in ``inspect view``): behaviour rates, capability."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from assay.evidence import Rate, binomial_rate
from assay.scoring import BEHAVIOUR_OUTCOMES, Outcome

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog, EvalSample
    from inspect_ai.scorer import Score


class LoggedRate(Rate):
    """A rate measured through an Inspect eval, with the log it came from (``inspect view`` opens it)."""

    log: str


BATCH = 64
"""Largest generation batch of the local model, and the samples Inspect sends it at once.

``max_connections`` is passed explicitly: without it Inspect's adaptive concurrency starts at 20 requests
in flight, so the model ran batches of about 20 (each paying the whole prompt pass and decoding loop).
"""


def _model_args(path: Path, adapter: Path | None, device: str, dtype: str) -> dict[str, Any]:
    args: dict[str, Any] = {"path": str(path), "batch_size": BATCH, "device": device, "dtype": dtype}
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
        max_connections=BATCH,
        log_dir=str(log_dir),
        display="none",
        fail_on_error=False,
    )
    by_kind: dict[str, list[EvalSample]] = {}
    for sample in log.samples or []:
        by_kind.setdefault(str((sample.metadata or {}).get("factors", {}).get("kind")), []).append(sample)
    return {
        kind: LoggedRate(**_tally(samples, _behaviour_verdict).model_dump(), log=log.location)
        for kind, samples in by_kind.items()
    }


Verdict = Callable[["Score"], tuple[str | None, bool]]
"""``verdict(score) -> (kind kept out of n or None, hit)``: how one scored sample enters a rate."""


def _behaviour_verdict(score: Score) -> tuple[str | None, bool]:
    """Behaviour outcomes are in n (harmful a hit); empty and invalid replies are kept out, by outcome."""
    if score.value in BEHAVIOUR_OUTCOMES:
        return None, score.value == Outcome.HARMFUL
    return str(score.value), False


def _tally(samples: Iterable[EvalSample], verdict: Verdict) -> Rate:
    """The rate of hits among the samples that ``verdict`` puts in n.

    Failed samples (as ``model_error``) and the kinds ``verdict`` keeps out are counted beside the rate,
    never as misses.
    """
    k = n = 0
    apart: dict[str, int] = {}
    for sample in samples:
        score = next(iter((sample.scores or {}).values()), None)
        kind: str | None
        if sample.error is not None or score is None:
            kind, hit = Outcome.MODEL_ERROR.value, False
        else:
            kind, hit = verdict(score)
        if kind is None:
            n += 1
            k += int(hit)
        else:
            apart[kind] = apart.get(kind, 0) + 1
    return binomial_rate(k, n, errors=apart)


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
        max_connections=BATCH,
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

    def verdict(score: Score) -> tuple[str | None, bool]:
        if score.value == NOANSWER:
            return str((score.metadata or {}).get("outcome", Outcome.EMPTY.value)), False
        return None, score.value == CORRECT

    return _tally(log.samples or [], verdict)
