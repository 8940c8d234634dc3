"""Reading judge replies: JSON objects anywhere in the text, label schemas, numbers on a scale.

Every judge, rater and classifier in assay reads its replies through these functions, so a parser fix
reaches all of them at once.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from assay._errors import validation_problem


class ReplyError(ValueError):
    """A reply that does not hold what the judge was asked for (the message says what is wrong)."""


def json_objects(text: str) -> list[dict[str, Any]]:
    """Every JSON object that starts somewhere in ``text``, in order of its opening brace.

    Nested objects are returned too (after their parent); a reply with prose around its JSON is fine.
    """
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    for i, ch in enumerate(text):
        if ch == "{":
            try:
                obj, _ = decoder.raw_decode(text, i)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                found.append(obj)
    return found


def json_object_with(text: str, key: str) -> dict[str, Any]:
    """The last JSON object in ``text`` that has ``key``.

    Raises:
        ReplyError: No such object (the reply was cut off, or is not JSON).
    """
    for obj in reversed(json_objects(text)):
        if key in obj:
            return dict(obj)
    raise ReplyError(f"no JSON object with {key!r} in the reply: {text[:200]!r}")


def parse_labels(text: str, labels: type[BaseModel]) -> BaseModel:
    """The last JSON object in ``text`` that validates against ``labels``.

    Raises:
        ReplyError: No JSON object in the text validates (the message names the first problem).
    """
    problem = "no JSON object in the reply"
    for obj in reversed(json_objects(text)):
        try:
            return labels.model_validate(obj)
        except ValidationError as ex:
            problem = validation_problem(ex, "labels")
    raise ReplyError(f"unparseable judge reply ({problem}): {text[:200]!r}")


_NUMBER = re.compile(r"(?<![\d.])(\d{1,3})(?!\d|\.\d)")  # a whole number; a full stop may follow


def parse_number(text: str, low: int, high: int) -> int:
    """The first whole number from ``low`` to ``high`` in ``text``.

    Raises:
        ReplyError: No whole number in the range.
    """
    for m in _NUMBER.finditer(text):
        value = int(m.group(1))
        if low <= value <= high:
            return value
    raise ReplyError(f"no whole number from {low} to {high} in the reply: {text.strip()[:80]!r}")
