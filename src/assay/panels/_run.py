"""Running a panel with Inspect's ``eval_set``: one task per model, retries, and resume on re-run.

``eval_set`` identifies each (task, model, arguments) combination; re-running the same panel into the same
``log_dir`` skips what is complete and retries what is not, so a killed panel resumes without losing or
repeating samples.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assay._errors import AssayError
from assay.panels._config import PanelSpec


class PanelRun(BaseModel):
    """What the eval set did."""

    model_config = ConfigDict(extra="forbid")

    success: bool
    log_dir: str
    logs: list[str]
    statuses: dict[str, str]


def run_panel(spec: PanelSpec, display: str = "none") -> PanelRun:
    """Run (or resume) the panel; return its logs.

    Raises:
        AssayError: A model cannot be created or the eval set cannot start (bad task, arguments, log dir).
    """
    from inspect_ai import eval_set
    from inspect_ai.model import Model, get_model

    try:
        models: list[Model] = [get_model(m.name, memoize=False, **m.args) for m in spec.models]
        roles = {
            role: get_model(m, memoize=False)
            if isinstance(m, str)
            else get_model(m.name, memoize=False, **m.args)
            for role, m in spec.model_roles.items()
        }
    except AssayError:
        raise
    except Exception as ex:  # unknown provider, missing key...: a user input error
        raise AssayError(
            f"panel: cannot create model: {str(ex).splitlines()[0] if str(ex) else ex}"
        ) from None
    Path(spec.log_dir).mkdir(parents=True, exist_ok=True)
    try:
        success, logs = eval_set(
            tasks=spec.task,
            model=models,
            model_roles=roles or None,
            task_args=spec.task_args,
            log_dir=spec.log_dir,
            epochs=spec.epochs,
            limit=spec.limit,
            retry_attempts=spec.retry_attempts,
            retry_wait=1,
            display=display,  # type: ignore[arg-type]
            fail_on_error=False,
            score_on_error=True,
        )
    except AssayError:
        raise
    except Exception as ex:
        raise AssayError(
            f"panel: {type(ex).__name__}: {str(ex).splitlines()[0] if str(ex) else ''}"
        ) from None
    return PanelRun(
        success=bool(success),
        log_dir=spec.log_dir,
        logs=[str(log.location).removeprefix("file://") for log in logs],
        statuses={str(log.eval.model): str(log.status) for log in logs},
    )
