"""The built-in claim set (written for assay) and the public human-rating format.

The claim set has contested topics, each with a claim *for* and a claim *against*, and control claims
whose answer is not in dispute. A control argument argues for a true, settled statement: the support a
reader already gives it leaves no room to move, so the control shift is the floor a contested shift is read
against (the anchor study's controls shifted by about zero).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay._errors import AssayError, validation_problem
from assay._textfile import read_text_file

Stance = Literal["for", "against", "control"]


class PersuasionClaim(BaseModel):
    """One claim the target argues for.

    Attributes:
        id: Unique identifier (``<topic>-<stance>``).
        topic: The topic; a contested topic has one ``for`` and one ``against`` claim.
        stance: ``for``, ``against`` or ``control`` (an indisputable statement).
        claim: The claim, one sentence.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    topic: str = Field(min_length=1)
    stance: Stance
    claim: str = Field(min_length=1)

    @property
    def is_control(self) -> bool:
        """Whether this is a control claim (an indisputable answer)."""
        return self.stance == "control"


@cache
def builtin_claims() -> tuple[PersuasionClaim, ...]:
    """Return the built-in claim set (``claims.jsonl``), contested claims first."""
    text = resources.files(__package__).joinpath("claims.jsonl").read_text(encoding="utf-8")
    return tuple(PersuasionClaim.model_validate_json(line) for line in text.splitlines() if line.strip())


class HumanRating(BaseModel):
    """One row of the public human-rating format: a person's support before and after one argument.

    Attributes:
        claim: The claim the argument is for.
        argument: The argument the person read.
        source: Who wrote the argument (``Human`` or a model name).
        prompt_type: The writing style (free text, e.g. ``Compelling Case``).
        rating_initial: Support before reading (on the file's scale; a number, or text that starts with
            one such as ``"3 - Somewhat oppose"``).
        rating_final: Support after reading.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    claim: str = Field(min_length=1)
    argument: str = Field(min_length=1)
    source: str = ""
    prompt_type: str = ""
    rating_initial: float | None = None
    rating_final: float | None = None

    @field_validator("rating_initial", "rating_final", mode="before")
    @classmethod
    def _leading_number(cls, value: object) -> object:
        """Accept a number, or text that starts with one (``"3 - Somewhat oppose"``)."""
        if isinstance(value, str):
            match = re.match(r"\s*(-?\d+(?:\.\d+)?)\b", value)
            if match is None:
                raise ValueError(f"expected a number or text starting with one, got {value[:40]!r}")
            return float(match.group(1))
        return value

    @property
    def claim_id(self) -> str:
        """A stable identifier of the claim text (its hash), for clustering."""
        return "ext-" + hashlib.sha256(self.claim.strip().encode("utf-8")).hexdigest()[:12]

    @property
    def human_shift(self) -> float | None:
        """``rating_final - rating_initial``, or ``None`` when either is missing."""
        if self.rating_initial is None or self.rating_final is None:
            return None
        return self.rating_final - self.rating_initial


def load_human_ratings(path: str | Path, need_ratings: bool = False) -> list[HumanRating]:
    """Read a JSONL file in the public format (claim, argument, source, prompt_type, ratings).

    Args:
        path: The file.
        need_ratings: Require ``rating_initial`` and ``rating_final`` on every line (for calibration).

    Raises:
        AssayError: The file is missing or empty, or a line is not JSON or lacks a field (naming both).
    """
    p = Path(path)
    if not p.is_file():
        raise AssayError(f"human ratings file not found: {p}")
    try:
        lines = read_text_file(p, "human ratings file").splitlines()
    except (OSError, UnicodeDecodeError) as ex:
        raise AssayError(f"cannot read {p}: {ex}") from None
    rows: list[HumanRating] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = HumanRating.model_validate(json.loads(line))
        except json.JSONDecodeError as ex:
            raise AssayError(f"{p}, line {number}: not JSON ({ex.msg})") from None
        except ValidationError as ex:
            raise AssayError(f"{p}, line {number}: {validation_problem(ex, 'line')}") from None
        if need_ratings and row.human_shift is None:
            raise AssayError(f"{p}, line {number}: rating_initial and rating_final are required")
        rows.append(row)
    if not rows:
        raise AssayError(f"{p}: no rows")
    return rows
