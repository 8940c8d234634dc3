"""Sycophancy tasks with matched neutral controls: answer, feedback and opinion sycophancy.

Every treatment sample has a control sample with the same ``pair_id``; effects are paired differences
(flip rate, shift, rating shift) with confidence intervals, overall and per category.
"""

from assay.tasks.sycophancy._items import (
    AnswerItem,
    FeedbackText,
    OpinionItem,
    answer_items,
    feedback_texts,
    opinion_items,
)
from assay.tasks.sycophancy._metric import flip_rate, paired_shift, rating_shift
from assay.tasks.sycophancy._paired import (
    Interval,
    PairedEffect,
    PairRecord,
    paired_difference_interval,
    paired_effects,
    wilson_interval,
)
from assay.tasks.sycophancy._scorers import answer_label, parse_choice
from assay.tasks.sycophancy._task import (
    sycophancy_answer,
    sycophancy_effects,
    sycophancy_feedback,
    sycophancy_opinion,
)

__all__ = [
    "AnswerItem",
    "FeedbackText",
    "Interval",
    "OpinionItem",
    "PairRecord",
    "PairedEffect",
    "answer_items",
    "answer_label",
    "feedback_texts",
    "flip_rate",
    "opinion_items",
    "paired_difference_interval",
    "paired_effects",
    "paired_shift",
    "parse_choice",
    "rating_shift",
    "sycophancy_answer",
    "sycophancy_effects",
    "sycophancy_feedback",
    "sycophancy_opinion",
    "wilson_interval",
]
