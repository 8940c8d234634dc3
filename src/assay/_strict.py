"""The one strict pydantic base of the package: unknown fields are errors, never silently dropped."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A pydantic model that forbids unknown fields (configs, stage results, records written to disk)."""

    model_config = ConfigDict(extra="forbid")
