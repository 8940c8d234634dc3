"""The toy model's corpus never contains a task's own questions (its capability would be memorisation)."""

from __future__ import annotations

from assay.models._toy_corpus import TOY_FACTS, toy_pairs
from assay.tasks.capability import qa_items


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def test_toy_corpus_shares_no_question_with_capability_qa() -> None:
    capability = {_norm(it["question"]) for it in qa_items()}
    corpus = {_norm(user) for user, _ in toy_pairs(4000, seed=0)}
    assert capability and corpus
    assert not capability & corpus
    assert not capability & {_norm(q) for q, _ in TOY_FACTS}
