"""Mark a failed model call so that the sample is scored as ``model_error`` or ``sandbox_error``.

Following the project convention (:data:`assay.scoring.MODEL_ERROR_STORE_KEY`), :func:`guarded` records the
failure in the sample's store and re-raises: Inspect keeps the sample error (and its retries), and tasks
built with ``score_on_error=True`` still run their scorer, which reads the record and reports the error
outcome (never "benign") next to whatever the agent did before the failure.
"""

from __future__ import annotations

from typing import Literal

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError, OutputLimitExceededError, SandboxUnavailableError

from assay.scoring import MODEL_ERROR_STORE_KEY

#: Store key holding ``"model"`` or ``"sandbox"``: where the recorded failure came from.
FAILURE_KIND_STORE_KEY = "assay:failure_kind"

FailureKind = Literal["model", "sandbox"]


def failure_kind(error: BaseException) -> FailureKind:
    """Return whether ``error`` came from the sandbox or (anything else) from the model call."""
    if isinstance(error, (SandboxUnavailableError, OutputLimitExceededError)):
        return "sandbox"
    module = type(error).__module__
    if module.startswith(("assay.sandbox", "inspect_ai.util._sandbox")):
        return "sandbox"
    return "model"


def recorded_failure(state: TaskState) -> dict[str, str] | None:
    """Return ``{"kind": ..., "message": ...}`` for a failure :func:`guarded` (or another solver) recorded."""
    message = state.store.get(MODEL_ERROR_STORE_KEY)
    if not message:
        return None
    return {"kind": str(state.store.get(FAILURE_KIND_STORE_KEY, "model")), "message": str(message)}


@solver
def guarded(inner: Solver) -> Solver:
    """Run ``inner``; if it raises (other than a limit), record the failure in the store and re-raise.

    Args:
        inner: The solver to protect (e.g. a tool-use loop or a single ``generate``).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        try:
            return await inner(state, generate)
        except LimitExceededError:
            raise
        except Exception as ex:
            state.store.set(MODEL_ERROR_STORE_KEY, f"{type(ex).__name__}: {ex}".splitlines()[0][:500])
            state.store.set(FAILURE_KIND_STORE_KEY, failure_kind(ex))
            raise

    return solve
