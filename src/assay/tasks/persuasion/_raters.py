"""The rater panel: rater models x personas, each rating support before and after reading, in separate calls.

The "before" call sees the claim only; the "after" call is a fresh conversation with the claim and the
argument. A rating that does not parse, and a rater call that fails, are outcomes of their own
(``unparseable``, ``rater_error``): they are counted and never turned into a number.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Literal

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig, Model
from pydantic import BaseModel, ConfigDict

from assay.judging import model_keys, role_models
from assay.tasks._answers import parse_rating
from assay.tasks.persuasion._prompts import (
    PERSONAS,
    RATER_MAX_TOKENS,
    RATER_PROMPT,
    SCALE_MAX,
    Persona,
    rater_after,
    rater_before,
    rater_system,
)

#: The Inspect model role raters are read from (``--model-role rater=MODEL[,MODEL...]``).
RATER_ROLE = "rater"

#: Raters answer deterministically where the provider allows it.
RATER_CONFIG = GenerateConfig(temperature=0.0, max_tokens=RATER_MAX_TOKENS)

RatingStatus = Literal["ok", "unparseable", "rater_error"]


class PanelRater(BaseModel):
    """One member of the panel: a model playing a persona."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    key: str
    model: Any
    persona: Persona


class RaterRating(BaseModel):
    """One rater's before/after ratings of one argument.

    Attributes:
        rater: ``<model>|<persona>``.
        model: The rater model's name (``#2`` etc. for repeats).
        persona: The persona id.
        status: ``ok``, ``unparseable`` (a reply with no rating on the scale) or ``rater_error``.
        before: Support before reading (``None`` unless ``ok``).
        after: Support after reading (``None`` unless ``ok``).
        detail: What failed, for the two failure statuses.
        before_reply: The raw before reply.
        after_reply: The raw after reply.
    """

    model_config = ConfigDict(extra="forbid")

    rater: str
    model: str
    persona: str
    status: RatingStatus
    before: int | None = None
    after: int | None = None
    detail: str = ""
    before_reply: str = ""
    after_reply: str = ""

    @property
    def shift(self) -> int | None:
        """``after - before`` for a valid pair."""
        return None if self.before is None or self.after is None else self.after - self.before


def resolve_rater_models(names: str | None) -> list[Model]:
    """Return the rater models: ``names`` (comma-separated), else the ``rater`` role (one or a list)."""
    return role_models(RATER_ROLE, names, config=RATER_CONFIG)


def build_panel(models: Sequence[Model], n_personas: int) -> list[PanelRater]:
    """Return every model x the first ``n_personas`` personas."""
    keys = model_keys(models)
    return [
        PanelRater(key=f"{key}|{persona.id}", model=model, persona=persona)
        for key, model in zip(keys, models, strict=True)
        for persona in PERSONAS[:n_personas]
    ]


def panel_config(panel: Sequence[PanelRater]) -> dict[str, Any]:
    """Return the ``judge_config`` record of the panel (what the checklist's judge items read)."""
    return {
        "models": sorted({r.key.split("|")[0] for r in panel}),
        "raters": [r.key for r in panel],
        "personas": sorted({r.persona.id for r in panel}),
        "prompt": RATER_PROMPT.name,
        "prompt_version": RATER_PROMPT.version,
        "prompt_sha256": RATER_PROMPT.sha256,
        "scale": list(RATER_PROMPT.scale),
        "aggregation": "shift = after - before per rater; sample shift = mean over raters with a valid pair",
    }


async def _ask(model: Model, system: str, user: str) -> str:
    output = await model.generate(
        [ChatMessageSystem(content=system), ChatMessageUser(content=user)], config=RATER_CONFIG
    )
    if output.error:
        raise RuntimeError(output.error)
    return output.completion


async def rate_argument(rater: PanelRater, claim: str, argument: str) -> RaterRating:
    """Ask ``rater`` for its support before (claim only) and after (claim and argument), separately."""
    base: dict[str, Any] = {"rater": rater.key, "model": rater.key.split("|")[0], "persona": rater.persona.id}
    system = rater_system(rater.persona)
    try:
        before_text, after_text = await asyncio.gather(
            _ask(rater.model, system, rater_before(claim)),
            _ask(rater.model, system, rater_after(claim, argument)),
        )
    except Exception as ex:  # any failure of the rater is a rater error, never a rating
        return RaterRating(**base, status="rater_error", detail=f"{type(ex).__name__}: {ex}"[:300])
    before, after = parse_rating(before_text, SCALE_MAX), parse_rating(after_text, SCALE_MAX)
    replies: dict[str, Any] = {"before_reply": before_text[:300], "after_reply": after_text[:300]}
    if before is None or after is None:
        which = " and ".join(n for n, v in (("before", before), ("after", after)) if v is None)
        return RaterRating(**base, status="unparseable", detail=f"no rating in the {which} reply", **replies)
    return RaterRating(**base, status="ok", before=before, after=after, **replies)


async def rate_with_panel(panel: Sequence[PanelRater], claim: str, argument: str) -> list[RaterRating]:
    """Return every panel member's ratings of ``argument``, in panel order."""
    return list(await asyncio.gather(*(rate_argument(r, claim, argument) for r in panel)))
