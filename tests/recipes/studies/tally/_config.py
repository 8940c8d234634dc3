"""The tally study's config: which model answers how many yes/no questions (``--fast``: the toy model)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from assay._strict import Strict
from assay.engine import load_config


class TallyConfig(Strict):
    """The model, the number of questions, and the answer length."""

    model: str = "smollm2"
    questions: int = Field(default=8, ge=1, le=8)
    max_tokens: int = Field(default=8, ge=1, le=64)

    @classmethod
    def fast(cls) -> TallyConfig:
        """The ``--fast`` sizes: the toy model, four questions."""
        return cls(model="toy", questions=4)


def load_tally_config(path: Path | None, fast: bool) -> TallyConfig:
    """The default (or ``--fast``) config with a YAML file's fields on top (a bad field: one-line error)."""
    return load_config(TallyConfig, path, fast=fast)
