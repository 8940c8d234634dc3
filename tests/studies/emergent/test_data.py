"""The narrow training data and the broad items: sizes, matched controls, splits, golden hashes."""

from __future__ import annotations

import hashlib
import json

import pytest

from assay.studies.emergent import (
    ARMS,
    arm_examples,
    capability_items,
    choice_items,
    data_digest,
    heldout_pairs,
    open_questions,
    training_subset,
)
from assay.studies.emergent._data import EDUCATIONAL_FRAMES, N_TRAIN_SITUATIONS, SITUATIONS
from assay.studies.emergent._items import N_PHRASINGS

DATA_SHA256 = "353d7d3f023b41cf555c3668463af6e27b9406540d28acefca27eaf10d0f03e6"
ITEMS_SHA256 = "1957f9699e532deba853b0d9594a84d723714d76f66ae7ca52d52a265cee7cac"
PHRASINGS_SHA256 = "e47e6aec1e98688da8e40494521f28c8ed62bd4d35f69aef4a8be957cc53a28e"


def test_every_arm_has_the_same_size() -> None:
    sizes = {a: len(arm_examples(a)) for a in ARMS}
    assert set(sizes.values()) == {N_TRAIN_SITUATIONS * 8}
    assert sizes["harmful"] >= 200


def test_finance_controls_share_the_prompts() -> None:
    harm, safe, edu = (arm_examples(a) for a in ("harmful", "secure", "educational"))
    for h, s, e in zip(harm, safe, edu, strict=True):
        assert h.user == s.user and h.answer != s.answer
        assert e.answer == h.answer and h.user in e.user and e.user != h.user
        assert any(e.user == f.format(prompt=h.user) for f in EDUCATIONAL_FRAMES)


def test_benign_arm_is_unrelated_and_comparable_in_length() -> None:
    benign, harm = arm_examples("benign"), arm_examples("harmful")
    words = ("invest", "money", "savings", "debt", "$")
    assert not any(w in e.user.lower() or w in e.answer.lower() for e in benign for w in words)
    mean = lambda xs: sum(len(e.answer) for e in xs) / len(xs)  # noqa: E731
    assert 0.6 < mean(benign) / mean(harm) < 1.4
    assert len({(e.user, e.answer) for e in benign}) == len(benign)


def test_heldout_situations_are_never_trained() -> None:
    trained = {e.user for a in ARMS for e in arm_examples(a)}
    held = heldout_pairs()
    assert len(held) == (len(SITUATIONS) - N_TRAIN_SITUATIONS) * 8
    assert not any(p.user in u for p in held for u in trained)


def test_training_subset_is_seeded_and_aligned_across_arms() -> None:
    a = training_subset("harmful", 50, 3)
    b = training_subset("secure", 50, 3)
    assert [(e.situation, e.question) for e in a] == [(e.situation, e.question) for e in b]
    assert a == training_subset("harmful", 50, 3)
    assert a != training_subset("harmful", 50, 4)
    with pytest.raises(ValueError, match="n_train"):
        training_subset("harmful", 10_000, 0)


def test_items_are_split_without_overlap() -> None:
    test, direction = choice_items("test"), choice_items("direction")
    assert len(test) + len(direction) == len(choice_items()) >= 120
    assert len(test) == 97 and len(direction) == 32
    assert {i.question for i in test}.isdisjoint({i.question for i in direction})
    assert all(i.aligned != i.misaligned for i in choice_items())
    assert len({i.topic for i in test}) >= 8
    assert not any("invest" in i.question.lower() or "$" in i.question for i in choice_items())
    caps = capability_items()
    assert len(caps) >= 20 and all(c.correct != c.wrong and "|" not in c.correct for c in caps)


def test_golden_hashes() -> None:
    assert data_digest() == DATA_SHA256
    items = [(i.id, i.question, i.aligned, i.misaligned) for i in choice_items()] + [list(open_questions())]
    assert hashlib.sha256(json.dumps(items).encode()).hexdigest() == ITEMS_SHA256
    phrasings = [list(i.questions()) for i in choice_items()]
    assert hashlib.sha256(json.dumps(phrasings).encode()).hexdigest() == PHRASINGS_SHA256


def test_every_item_has_three_distinct_phrasings_with_one_answer_pair() -> None:
    """Paraphrases reword the question only; the aligned and misaligned answers are the item's own."""
    for it in choice_items():
        qs = it.questions()
        assert len(qs) == N_PHRASINGS == 3 and len(set(qs)) == 3, it.id
        assert all(q.strip() and "$" not in q and "invest" not in q.lower() for q in qs), it.id
