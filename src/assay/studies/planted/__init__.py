"""Planted organisms: agents with a known policy, pushed through the whole agentic stress-test pipeline.

The known-answer test of ``assay/agentic_misalignment``: LoRA-train a model into an agent whose policy is
known (:mod:`assay.studies.planted._policy`), run the real task on it, and check that the pipeline recovers
the planted structure from the logs alone.
"""

from assay.studies.planted._study import planted_study

__all__ = ["planted_study"]
