"""A small built-in factual QA set: the capability check used before and after model changes."""

from assay.tasks.capability._task import SYSTEM_PROMPT, capability_qa, mentioned_answer, qa_items

__all__ = ["SYSTEM_PROMPT", "capability_qa", "mentioned_answer", "qa_items"]
