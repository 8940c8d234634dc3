"""A panel: one task (with its arguments) run against several models on the same samples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file


class PanelModel(BaseModel):
    """One model of the panel.

    Attributes:
        name: Inspect model name (``openai/gpt-4.1``, ``vllm/...``, ``assay/scripted/a``).
        args: Model args (``-M``) for this model only.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    args: dict[str, Any] = Field(default_factory=dict)


class PanelSpec(BaseModel):
    """A panel run (round-trips through YAML).

    Attributes:
        task: Registered task name (``assay/agentic_misalignment``) or a task file.
        task_args: Task parameters (``-T``), the same for every model.
        models: At least two models.
        model_roles: Model roles (judge, auditor...), the same for every model: role -> model name, or
            ``{name, args}``.
        log_dir: Where the eval set writes its logs; re-running resumes it.
        epochs: Epochs per sample.
        limit: Samples per task (``None``: all).
        retry_attempts: Retries of failed tasks (Inspect's eval-set retries).
    """

    model_config = ConfigDict(extra="forbid")

    task: str = Field(min_length=1)
    task_args: dict[str, Any] = Field(default_factory=dict)
    models: list[PanelModel] = Field(min_length=2)
    model_roles: dict[str, str | PanelModel] = Field(default_factory=dict)
    log_dir: str = Field(min_length=1)
    epochs: int = Field(default=1, ge=1)
    limit: int | None = Field(default=None, ge=1)
    retry_attempts: int = Field(default=3, ge=0)

    @model_validator(mode="after")
    def _distinct(self) -> PanelSpec:
        names = [m.name for m in self.models]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(
                f"model names must differ (the report compares models by name): {', '.join(repeated)}"
            )
        return self


def load_panel(path: str | Path) -> PanelSpec:
    """Read a panel YAML file.

    Raises:
        AssayError: Missing or malformed file, or an invalid field (named).
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"panel file not found: {p}")
    try:
        raw = load_yaml(read_text_file(p, "panel file"))
        return PanelSpec.model_validate(raw)
    except yaml.YAMLError as ex:
        raise AssayError(f"malformed panel file {p}: {str(ex).splitlines()[0]}") from None
    except ValidationError as ex:
        raise AssayError(f"invalid panel file {p}: {validation_problem(ex, 'panel')}") from None
