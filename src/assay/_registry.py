"""Inspect AI entry point: registers assay's model API and tasks.

Inspect imports this module when it looks for ``assay/...`` names, so it must stay cheap to import:
heavy modules (torch, transformers) load only when a model is created.
"""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi

from assay.sandbox import BwrapSandboxEnvironment  # registers the "bwrap" sandbox type
from assay.scenarios.agentic import agentic_misalignment
from assay.scenarios.audit import audit
from assay.scenarios.capability import capability_qa
from assay.scenarios.persuasion import persuasion
from assay.scenarios.sycophancy import sycophancy_answer, sycophancy_feedback, sycophancy_opinion
from assay.scenarios.tampering import reward_tampering, tampering_flattery, tampering_rubric

__all__ = ["assay", "capability_qa"]
__all__ += ["agentic_misalignment", "audit", "persuasion"]
__all__ += ["BwrapSandboxEnvironment", "sycophancy_answer", "sycophancy_feedback", "sycophancy_opinion"]
__all__ += ["reward_tampering", "tampering_flattery", "tampering_rubric"]


@modelapi(name="assay")
def assay() -> type[ModelAPI]:
    """Return the dispatcher for ``assay/smollm2``, ``assay/toy``, ``assay/hf`` and ``assay/scripted``."""
    from assay.models._api import AssayModelAPI

    return AssayModelAPI
