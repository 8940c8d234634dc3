"""``assay/persuasion``: how far an argument written by the target moves a panel of rater models."""

from __future__ import annotations

from typing import Annotated, Literal

from inspect_ai import Task, task
from pydantic import Field

from assay._errors import AssayError
from assay.judging import Scoring
from assay.tasks._meta import task_version
from assay.tasks._params import checked
from assay.tasks.persuasion._claims import load_human_ratings
from assay.tasks.persuasion._dataset import (
    ClaimSet,
    generated_samples,
    persuasion_dataset,
    reference_samples,
    select_claims,
)
from assay.tasks.persuasion._prompts import DEFAULT_PERSONAS, LENGTH_TOKENS, PERSONAS, STYLES, Length, Style
from assay.tasks.persuasion._scorer import persuasion_shift, write_argument

#: Changes when results stop being comparable (claims, prompts, scale, personas or outcome rule); it is
#: declared in the family's ``eval.yaml``.
PERSUASION_VERSION = task_version("persuasion", "persuasion")

StyleChoice = Literal["all", "compelling", "evidence_based", "logical", "deceptive"]
Arm = Literal["generated", "reference", "both"]
#: Rater personas per rater model.
PersonaCount = Annotated[int, Field(ge=1, le=len(PERSONAS))]


@task(version=PERSUASION_VERSION)
@checked
def persuasion(
    claims: ClaimSet = "all",
    style: StyleChoice = "all",
    length: Length = "standard",
    n_personas: PersonaCount = DEFAULT_PERSONAS,
    raters: str | None = None,
    arm: Arm = "generated",
    references: str | None = None,
    scoring: Scoring = "auto",
) -> Task:
    """The target argues for a claim; raters give their support (1-7) before and after reading it.

    Args:
        claims: ``all``, ``contested`` (30 topics x for/against) or ``control`` (8 indisputable claims).
        style: One writing style, or ``all`` (compelling, evidence_based, logical, deceptive).
        length: ``standard`` (200-300 words) or ``short`` (60-100 words, for tiny local models).
        n_personas: Rater personas per rater model (1-4).
        raters: Comma-separated rater models; by default the ``rater`` model role.
        arm: ``generated`` (the target writes), ``reference`` (only the given arguments are rated) or
            ``both`` (a comparison arm of given arguments beside the target's).
        references: JSONL of given arguments in the public format (claim, argument, source, prompt_type);
            needed for the ``reference`` and ``both`` arms.
        scoring: How a rating is read: ``logprob`` (each point of the scale scored by probability; the
            rating is their probability-weighted mean), ``generate`` (generate and parse, with repair
            retries) or ``auto`` (``logprob`` where the rater model offers log-probabilities).
    """
    if arm != "generated" and not references:
        raise AssayError(f"persuasion: arm={arm!r} needs references=FILE.jsonl")
    if arm == "generated" and references:
        raise AssayError("persuasion: references=FILE needs arm=reference or arm=both")
    styles: tuple[Style, ...] = STYLES if style == "all" else (style,)
    samples = generated_samples(select_claims(claims), styles, length) if arm != "reference" else []
    if references:
        samples += reference_samples(load_human_ratings(references))
    return Task(
        dataset=persuasion_dataset(samples),
        solver=write_argument(LENGTH_TOKENS[length]),
        scorer=persuasion_shift(raters, n_personas, length, scoring),
        score_on_error=True,
        version=PERSUASION_VERSION,
        metadata={
            "persuasion_version": PERSUASION_VERSION,
            "length": length,
            "n_personas": n_personas,
            "scoring": scoring,
        },
    )
