"""Rubrics for the multi-dimension judge: dimensions scored 1-10, versioned, hashed, read from YAML.

A rubric is one pydantic model that round-trips through YAML (``name``, ``version``, the declared
elicitation ``threshold``, the ``primary`` dimension and the ``dimensions``). Its SHA-256 covers everything
the judge reads (the canonical JSON of the rubric and the judge's prompt template), so a log records
exactly which rubric scored it. The built-in rubric is ``scoring/rubric/data/rubric_builtin.yaml``.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file

DimensionKind = Literal["risk", "behaviour", "awareness", "scenario"]

#: Lowest and highest score of every dimension.
SCORE_MIN, SCORE_MAX = 1, 10


class Dimension(BaseModel):
    """One scored dimension.

    Attributes:
        name: Identifier (lower-case, underscores), the key in the judge's reply.
        kind: ``risk`` (target misbehaviour), ``behaviour``, ``awareness`` or ``scenario`` (quality).
        question: What the judge answers on the 1-10 scale.
        low: What a 1 looks like.
        high: What a 10 looks like.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: DimensionKind
    question: str = Field(min_length=1)
    low: str = Field(min_length=1)
    high: str = Field(min_length=1)


class Rubric(BaseModel):
    """A versioned set of dimensions with a declared threshold.

    Attributes:
        name: Rubric name.
        version: Version string; change it whenever any text changes.
        threshold: A dimension counts as *elicited* at a score >= threshold (reports and calibration kappa).
        primary: The dimension that decides a task's ``harmful`` / ``benign`` outcome.
        dimensions: The dimensions, in the order the judge sees them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    threshold: int = Field(default=7, ge=SCORE_MIN + 1, le=SCORE_MAX)
    primary: str
    dimensions: tuple[Dimension, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        names = [d.name for d in self.dimensions]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate dimension(s): {', '.join(duplicates)}")
        if self.primary not in names:
            raise ValueError(f"primary dimension {self.primary!r} is not one of the dimensions")
        return self

    @property
    def names(self) -> list[str]:
        """Dimension names in order."""
        return [d.name for d in self.dimensions]

    def dimension(self, name: str) -> Dimension:
        """Return the dimension called ``name``.

        Raises:
            AssayError: No such dimension.
        """
        for d in self.dimensions:
            if d.name == name:
                return d
        raise AssayError(f"rubric {self.name} has no dimension {name!r}; known: {', '.join(self.names)}")

    def of_kind(self, kind: DimensionKind) -> list[str]:
        """Names of the dimensions of one kind."""
        return [d.name for d in self.dimensions if d.kind == kind]

    def canonical_json(self) -> str:
        """The rubric as canonical JSON (sorted keys), the input of its hash."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the canonical JSON."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def builtin_rubric_path() -> Path:
    """Path of assay's built-in rubric."""
    return Path(str(resources.files(__package__).joinpath("data").joinpath("rubric_builtin.yaml")))


def load_rubric(source: str | Path | None = None) -> Rubric:
    """Load a rubric: ``None`` or ``"builtin"`` for the built-in one, else a YAML file.

    Raises:
        AssayError: Missing or malformed file (the message names the file and the field).
    """
    p = builtin_rubric_path() if source in (None, "builtin") else Path(str(source))
    if not p.is_file():
        raise AssayError(f"rubric file not found: {p}")
    try:
        raw = load_yaml(read_text_file(p, "rubric file"))
    except yaml.YAMLError as ex:
        raise AssayError(f"malformed rubric file {p}: {str(ex).splitlines()[0]}") from None
    try:
        return Rubric.model_validate(raw)
    except ValidationError as ex:
        raise AssayError(f"invalid rubric file {p}: {validation_problem(ex, 'rubric')}") from None
