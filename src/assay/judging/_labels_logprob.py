"""Label schemas read by log-probability: a chain of forced choices, one field at a time, never unparseable.

A judge asked for one JSON object of categorical labels (``Literal[...]`` or ``bool`` fields) is read
without generating: for the first field in schema order each candidate reply start
(``{"verdict": "harmful"``, ``{"verdict": "not_harmful"``) is scored by :func:`score_options` and the most
probable is kept; the next field's candidates continue that text (``{"verdict": "harmful", "intent":
"deliberate"``), and so on. The text scored is the JSON the prompts ask for: keys in schema order, ``": "``
between key and value and ``", "`` between fields (``json.dumps``'s default separators), values as JSON.

An optional field (``bool | None``, ``Literal[...] | None``) is scored over its non-null values, since the
prompts ask the judge to give it; a field of any other type cannot be read this way (:class:`ValueError`
naming it). A model that offers no log-probabilities gives ``None``: the caller generates and parses.

Only the exact route (local models) can score these candidates: each is several tokens long (``{"``,
``verdict``...), and an API's ``top_logprobs`` covers one token, so an API judge is never asked for
log-probabilities here (no wasted call) and is read by generating, as before.
"""

from __future__ import annotations

import json
import types
from collections.abc import Sequence
from typing import Any, Literal, Union, get_args, get_origin

from inspect_ai.model import ChatMessage, Model
from pydantic import BaseModel, ConfigDict

from assay.judging._logprob import OptionScores, score_options


class LabelScores(BaseModel):
    """Labels read by a chain of forced choices, with each field's candidate probabilities.

    Attributes:
        labels: The chosen labels, validated against the schema (as JSON values).
        fields: Per field, in schema order, the scores of its candidates (``options`` are the candidate
            values as JSON text, e.g. ``"harmful"`` with its quotes, ``true``).
        method: The log-probability route (``exact`` or ``top_logprobs``).
    """

    model_config = ConfigDict(extra="forbid")

    labels: dict[str, Any]
    fields: dict[str, OptionScores]
    method: str

    def probability(self, field: str) -> float:
        """The probability (renormalised over the candidates) of the value chosen for ``field``."""
        scores = self.fields[field]
        return max(scores.probabilities())


def _choices(annotation: Any) -> list[Any] | None:
    """The candidate values of a ``Literal``/``bool`` annotation (``None`` left out); ``None`` otherwise."""
    if annotation is bool:
        return [True, False]
    origin = get_origin(annotation)
    if origin is Literal:
        return list(get_args(annotation))
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return _choices(inner[0])
    return None


def label_choices(labels: type[BaseModel]) -> dict[str, list[Any]]:
    """Each field's candidate values, in schema order.

    Raises:
        ValueError: A field is neither ``Literal[...]`` nor ``bool`` (optional or not); the message names it.
    """
    out: dict[str, list[Any]] = {}
    for name, info in labels.model_fields.items():
        values = _choices(info.annotation)
        if not values or len(values) < 2:
            raise ValueError(
                f"{labels.__name__}.{name}: log-probability labels need a Literal[...] or bool field, "
                f"not {info.annotation!r}"
            )
        out[name] = values
    return out


def _key(name: str, first: bool) -> str:
    return ("{" if first else ", ") + json.dumps(name) + ": "


async def score_labels(
    model: Model, input: str | list[ChatMessage], labels: type[BaseModel]
) -> LabelScores | None:
    """Read ``labels`` from ``model``'s reply to ``input`` by log-probability, field by field.

    Args:
        model: The judge.
        input: The judge prompt (a user message) or a conversation.
        labels: The label schema (every field ``Literal[...]`` or ``bool``).

    Returns:
        The labels with per-field scores, or ``None`` when the model gives no log-probabilities.

    Raises:
        ValueError: A field of the schema cannot be read this way (see :func:`label_choices`).
    """
    choices = label_choices(labels)
    if getattr(model.api, "option_logprobs", None) is None:
        return None  # top_logprobs reads single tokens; every candidate here is several (module docstring)
    text, chosen, fields = "", {}, {}
    for i, (name, values) in enumerate(choices.items()):
        prefix = text + _key(name, i == 0)
        options = [prefix + json.dumps(v) for v in values]
        scores = await score_options(model, input, options)
        if scores is None:
            return None
        best = options.index(scores.best())
        text, chosen[name] = options[best], values[best]
        fields[name] = scores.model_copy(update={"options": [json.dumps(v) for v in values]})
    validated = labels.model_validate(chosen).model_dump(mode="json")
    method = next(iter(fields.values())).method
    return LabelScores(labels=validated, fields=fields, method=method)


def chain_text(labels: dict[str, Any], fields: Sequence[str]) -> str:
    """The JSON text the chain scores for ``labels`` (fields in order), closed with a brace."""
    return "".join(_key(f, i == 0) + json.dumps(labels[f]) for i, f in enumerate(fields)) + "}"
