"""LLM judges: any Inspect model, a versioned and hashed prompt, structured labels, panels of judges.

A judge that fails in any way (the model call raises, returns an error, or its reply does not parse into the
prompt's label schema) raises :class:`JudgeFailure`; callers turn that into ``Outcome.JUDGE_ERROR``, never
into a behaviour outcome.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from inspect_ai.model import GenerateConfig, Model, get_model, model_roles
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay._errors import validation_problem

#: The Inspect model role judges are read from when no judge is named (``--model-role judge=...``).
JUDGE_ROLE = "judge"

#: Generation settings for judges: deterministic where the provider allows it.
JUDGE_GENERATE_CONFIG = GenerateConfig(temperature=0.0, max_tokens=1024)


class JudgeFailure(Exception):
    """A judge could not produce valid labels (model error, refusal, unparseable or invalid reply)."""


class JudgePrompt(BaseModel):
    """A judge prompt: a ``str.format`` template with named fields, its version and its label schema."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    version: str
    template: str
    labels: type[BaseModel]
    primary: str = "verdict"
    fragments: dict[str, str] = Field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of name, version, template, fragments and label schema.

        Fragments are texts filled into the template; the hash changes whenever anything the judge reads or
        returns changes.
        """
        schema = json.dumps(self.labels.model_json_schema(), sort_keys=True)
        fragments = json.dumps(self.fragments, sort_keys=True)
        text = f"{self.name}\n{self.version}\n{self.template}\n{fragments}\n{schema}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def render(self, **fields: str) -> str:
        """Fill the template's named fields."""
        return self.template.format(**fields)


def parse_labels(text: str, labels: type[BaseModel]) -> BaseModel:
    """Return the last JSON object in ``text`` that validates against ``labels``.

    Raises:
        JudgeFailure: No JSON object in the text validates.
    """
    decoder = json.JSONDecoder()
    candidates: list[Any] = []
    for i, ch in enumerate(text):
        if ch == "{":
            try:
                obj, _ = decoder.raw_decode(text, i)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                candidates.append(obj)
    problem = "no JSON object in the reply"
    for obj in reversed(candidates):
        try:
            return labels.model_validate(obj)
        except ValidationError as ex:
            problem = validation_problem(ex, "labels")
    raise JudgeFailure(f"unparseable judge reply ({problem}): {text[:200]!r}")


async def ask_judge(model: Model, prompt: JudgePrompt, text: str) -> BaseModel:
    """Ask one judge model; return its validated labels.

    Raises:
        JudgeFailure: The call failed, the model reported an error, or the reply did not parse.
    """
    try:
        output = await model.generate(text, config=JUDGE_GENERATE_CONFIG)
    except Exception as ex:  # any failure of the judge is a judge error
        raise JudgeFailure(f"judge {model} failed: {type(ex).__name__}: {ex}") from ex
    if output.error:
        raise JudgeFailure(f"judge {model} returned an error: {output.error}")
    if not output.completion.strip():
        raise JudgeFailure(f"judge {model} returned an empty reply")
    return parse_labels(output.completion, prompt.labels)


def judge_keys(models: Sequence[Model]) -> list[str]:
    """Return a unique name per judge (the model name; repeated names get ``#2``, ``#3``...)."""
    seen: Counter[str] = Counter()
    keys = []
    for m in models:
        name = str(m)
        seen[name] += 1
        keys.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return keys


class PanelResult(BaseModel):
    """Labels (or the failure) of every judge on one item, in judge order."""

    model_config = ConfigDict(extra="forbid")

    judges: list[str]
    labels: dict[str, dict[str, Any]] = Field(default_factory=dict)
    errors: dict[str, str] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every judge produced labels."""
        return not self.errors and len(self.labels) == len(self.judges)

    def majority(self, field: str) -> Any:
        """Most common value of ``field`` among the judges; a tie goes to the earliest judge in the tie."""
        values = [self.labels[j][field] for j in self.judges if j in self.labels]
        if not values:
            raise JudgeFailure(f"no judge labels for {field!r}")
        counts = Counter(json.dumps(v) for v in values)
        best = max(counts.values())
        return next(v for v in values if counts[json.dumps(v)] == best)

    def unanimous(self, field: str) -> bool:
        """Whether all judges agree on ``field``."""
        values = {json.dumps(self.labels[j][field]) for j in self.judges if j in self.labels}
        return len(values) <= 1


async def ask_panel(models: Sequence[Model], prompt: JudgePrompt, text: str) -> PanelResult:
    """Ask every judge in ``models``; failures are collected per judge, never raised."""
    keys = judge_keys(models)
    result = PanelResult(judges=keys)
    for key, model in zip(keys, models, strict=True):
        try:
            result.labels[key] = (await ask_judge(model, prompt, text)).model_dump(mode="json")
        except JudgeFailure as ex:
            result.errors[key] = str(ex)
    return result


def resolve_judges(names: str | Sequence[str] | None, role: str = JUDGE_ROLE) -> list[Model]:
    """Return the judge models: the named ones (comma-separated string or list), else the models of ``role``.

    Must be called inside an Inspect task or scoring context when falling back to the role.

    Args:
        names: Judge model names; empty or ``None`` falls back to the role.
        role: The Inspect model role read when no judge is named (default ``judge``).
    """
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    if names:
        return [get_model(n, config=JUDGE_GENERATE_CONFIG) for n in names]
    bound = model_roles().get(role)
    if bound is None:
        return []
    return list(bound) if isinstance(bound, list) else [bound]


def judge_config(models: Sequence[Model], prompt: JudgePrompt) -> dict[str, Any]:
    """Return the ``Score.metadata["judge_config"]`` record: models, prompt version and hash, aggregation."""
    return {
        "models": judge_keys(models),
        "prompt": prompt.name,
        "prompt_version": prompt.version,
        "prompt_sha256": prompt.sha256,
        "aggregation": "majority; ties go to the first judge listed",
    }
