"""Inspect AI entry point: registers assay's model API, the bwrap sandbox and every task family's tasks.

Inspect imports this module when it looks for ``assay/...`` names, so it must stay cheap to import:
heavy modules (torch, transformers) load only when a model is created. The task families are discovered
(:func:`assay.tasks.load_families`), so a new family needs no line here.
"""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi

from assay.sandbox import BwrapSandboxEnvironment  # registers the "bwrap" sandbox type
from assay.tasks import load_families

__all__ = ["BwrapSandboxEnvironment", "assay"]

load_families()


@modelapi(name="assay")
def assay() -> type[ModelAPI]:
    """Return the dispatcher for ``assay/smollm2``, ``assay/toy``, ``assay/hf`` and ``assay/scripted``."""
    from assay.models._api import AssayModelAPI

    return AssayModelAPI
