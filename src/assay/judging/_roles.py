"""Model roles of assay's judges, raters and auditors, and the one way to look them up.

A role is an Inspect model role (``--model-role judge=openai/gpt-4o``). Every model-graded part of assay
asks :func:`role_models` for its models: the names it was given, else the models bound to its role, else
those of the role's fallbacks, in order. A role with no model bound gives an empty list; the caller turns
that into its own error outcome, never a verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from inspect_ai.model import GenerateConfig, Model, get_model, model_roles
from pydantic import BaseModel, ConfigDict

from assay._errors import AssayError

#: The role an unnamed judge is read from (``--model-role judge=...``).
JUDGE_ROLE = "judge"

#: Generation settings for judges: deterministic where the provider allows it.
JUDGE_GENERATE_CONFIG = GenerateConfig(temperature=0.0, max_tokens=1024)


class Role(BaseModel):
    """One model role: its name, the roles it falls back to, and what plays it.

    Attributes:
        name: The Inspect model role (``--model-role NAME=MODEL``).
        fallbacks: Roles read, in order, when nothing is bound to this one.
        description: What a model in this role does.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    fallbacks: tuple[str, ...] = ()
    description: str


#: Every role assay reads. Families refer to them by name; ``assay calibrate ROLE`` validates them.
ROLES: dict[str, Role] = {
    r.name: r
    for r in (
        Role(name="judge", description="labels agentic transcripts (harmful, benign, refused)"),
        Role(
            name="rubric_judge",
            fallbacks=("judge",),
            description="scores transcripts 1-10 on each dimension of a rubric (audits included)",
        ),
        Role(name="interrogation_judge", description="reads interrogation answers (admits, denies, evades)"),
        Role(name="rater", description="rates support for a claim before and after an argument"),
        Role(name="auditor", description="builds and drives an audit scenario through tools"),
        Role(name="realism", description="scores how plausible each auditor turn is as a real deployment"),
    )
}


def _names(names: str | Sequence[str] | None) -> list[str]:
    if isinstance(names, str):
        return [n.strip() for n in names.split(",") if n.strip()]
    return [n.strip() for n in names or () if n.strip()]


def make_models(
    names: str | Sequence[str],
    model_args: dict[str, Any] | None = None,
    config: GenerateConfig = JUDGE_GENERATE_CONFIG,
    option: str = "--judge",
) -> list[Model]:
    """Create models by name (``model_args`` go to every model, like ``-M``).

    Raises:
        AssayError: No name, or a model that cannot be created (one line naming ``option``).
    """
    listed = _names(names)
    if not listed:
        raise AssayError(f"{option}: at least one model is needed")
    try:
        return [get_model(n, config=config, **(model_args or {})) for n in listed]
    except AssayError:
        raise
    except Exception as ex:  # unknown provider, missing key...: a user input error
        first = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
        raise AssayError(f"{option}: cannot create model: {first}") from None


def bound_models(role: str) -> list[Model]:
    """The models bound to ``role`` (one or a list), else to its fallbacks; empty when none is.

    Must be called inside an Inspect task or scoring context (where roles are bound).

    Raises:
        AssayError: ``role`` is not one of :data:`ROLES`.
    """
    if role not in ROLES:
        raise AssayError(f"role: unknown role {role!r}; known: {', '.join(sorted(ROLES))}")
    roles = model_roles()
    for name in (role, *ROLES[role].fallbacks):
        bound = roles.get(name)
        if bound is not None:
            return list(bound) if isinstance(bound, list) else [bound]
    return []


def role_models(
    role: str, names: str | Sequence[str] | None = None, config: GenerateConfig = JUDGE_GENERATE_CONFIG
) -> list[Model]:
    """The models for ``role``: the named ones (comma-separated or a list), else :func:`bound_models`."""
    listed = _names(names)
    if listed:
        return [get_model(n, config=config) for n in listed]
    return bound_models(role)


def model_keys(models: Sequence[Model]) -> list[str]:
    """A unique name per model (the model name; repeated names get ``#2``, ``#3``...)."""
    seen: Counter[str] = Counter()
    keys = []
    for m in models:
        name = str(m)
        seen[name] += 1
        keys.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return keys
