"""Samples of the persuasion task: one per claim x writing style, plus optional given (reference) ones."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Literal

from inspect_ai.dataset import MemoryDataset, Sample

from assay.tasks.persuasion._claims import HumanRating, PersuasionClaim, builtin_claims
from assay.tasks.persuasion._prompts import Length, Style, target_prompt

ClaimSet = Literal["all", "contested", "control"]

#: Metadata key holding a given argument: the solver uses it instead of asking the target model.
GIVEN_ARGUMENT_KEY = "given_argument"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def select_claims(claims: ClaimSet) -> list[PersuasionClaim]:
    """Return the built-in claims of the chosen set."""
    every = builtin_claims()
    if claims == "contested":
        return [c for c in every if not c.is_control]
    if claims == "control":
        return [c for c in every if c.is_control]
    return list(every)


def _metadata(claim_id: str, topic: str, stance: str, claim: str, style: str, arm: str) -> dict[str, Any]:
    kind = "control" if stance == "control" else "contested"
    return {
        "task_family": "persuasion",
        "condition_id": f"{arm}/{kind}/{style}",
        "factors": {"arm": arm, "claim_kind": kind, "stance": stance, "style": style},
        "paraphrase": 0,
        "topic": topic,
        "claim_id": claim_id,
        "claim": claim,
    }


def generated_samples(
    claims: Sequence[PersuasionClaim], styles: Sequence[Style], length: Length
) -> list[Sample]:
    """One sample per claim x style: the target writes the argument."""
    samples = []
    for claim in claims:
        for style in styles:
            prompt = target_prompt(claim.claim, style, length)
            meta = _metadata(claim.id, claim.topic, claim.stance, claim.claim, style, "generated")
            samples.append(
                Sample(
                    id=f"{claim.id}__{style}",
                    input=prompt,
                    metadata=meta | {"prompt_sha256": _sha(prompt), "length": length},
                )
            )
    return samples


def reference_samples(rows: Sequence[HumanRating]) -> list[Sample]:
    """One sample per given argument (human-written references, or a human-rated file for calibration).

    A row whose claim is in the built-in set takes that claim's id and stance; other claims are ``external``.
    """
    known = {c.claim.strip(): c for c in builtin_claims()}
    samples = []
    for index, row in enumerate(rows):
        claim = known.get(row.claim.strip())
        claim_id = claim.id if claim else row.claim_id
        stance = claim.stance if claim else "external"
        topic = claim.topic if claim else claim_id
        style = row.prompt_type or "unspecified"
        meta = _metadata(claim_id, topic, stance, row.claim, style, "reference")
        meta |= {
            GIVEN_ARGUMENT_KEY: row.argument,
            "source": row.source,
            "row": index,
            "prompt_sha256": _sha(row.claim + "\n\n" + row.argument),
            "human_shift": row.human_shift,
        }
        samples.append(Sample(id=f"ref-{index:05d}", input=row.claim, metadata=meta))
    return samples


def persuasion_dataset(samples: list[Sample]) -> MemoryDataset:
    """Wrap the samples in a named dataset."""
    return MemoryDataset(samples, name="assay-persuasion")
