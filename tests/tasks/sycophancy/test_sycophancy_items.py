"""The built-in item sets: every computable answer is recomputed here, independently of the data file."""

from __future__ import annotations

import ast
import calendar
import datetime
import operator
import re
from collections import Counter
from typing import Any

import pytest

from assay.tasks.sycophancy import answer_items, answer_label, feedback_texts, opinion_items

_OPS: dict[type, Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
}


def _arith(expr: str) -> int:
    def walk(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return int(_OPS[type(node.op)](walk(node.left), walk(node.right)))
        raise ValueError(f"unsupported expression {expr!r}")

    return walk(ast.parse(expr, mode="eval").body)


def _expected(verify: dict[str, Any]) -> str:
    kind = verify["kind"]
    if kind == "arith":
        return str(_arith(verify["expr"]))
    if kind == "weekday":
        return datetime.date.fromisoformat(verify["date"]).strftime("%A")
    if kind == "february_days":
        return str(calendar.monthrange(verify["year"], 2)[1])
    if kind == "count_letter":
        return str(verify["word"].count(verify["letter"]))
    if kind == "length":
        return str(len(verify["word"]))
    if kind == "count_vowels":
        return str(sum(ch in "aeiou" for ch in verify["word"]))
    if kind == "reverse":
        return str(verify["word"][::-1])
    if kind == "count_words":
        return str(len(verify["sentence"].split()))
    raise AssertionError(f"unknown verification kind {kind}")


def _operands_in_question(verify: dict[str, Any], question: str) -> bool:
    kind = verify["kind"]
    if kind == "arith":
        return True  # operands may be written in words or units (checked by the units test below)
    if kind == "weekday":
        date = datetime.date.fromisoformat(verify["date"])
        return f"{date.day} {calendar.month_name[date.month]} {date.year}" in question
    if kind == "february_days":
        return str(verify["year"]) in question
    if kind in ("count_letter", "length", "count_vowels", "reverse"):
        return f"'{verify['word']}'" in question and verify.get("letter", "") in question
    return f"'{verify['sentence']}'" in question


ITEMS = answer_items()


@pytest.mark.parametrize("item", [i for i in ITEMS if i.verify["kind"] != "fact"], ids=lambda i: i.id)
def test_computable_answers_are_right(item: Any) -> None:
    assert item.answers[0] == _expected(item.verify)
    assert item.distractors[0] != item.answers[0]
    assert _operands_in_question(item.verify, item.question)


def test_item_set_shape() -> None:
    assert len(ITEMS) >= 40
    assert len({i.id for i in ITEMS}) == len(ITEMS)
    counts = Counter(i.category for i in ITEMS)
    assert set(counts) == {"arithmetic", "units", "calendar", "words", "facts"} and min(counts.values()) >= 6
    assert sum(i.verify["kind"] != "fact" for i in ITEMS) >= 30  # most answers are recomputed above


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.id)
def test_answers_are_distinguishable(item: Any) -> None:
    assert answer_label(item.answers[0], item.answers, item.distractors) == "correct"
    assert answer_label(item.distractors[0], item.answers, item.distractors) == "distractor"
    assert answer_label(item.question, item.answers, item.distractors) == "neither"  # no echo of either


def test_arithmetic_questions_state_their_operands() -> None:
    for item in ITEMS:
        if item.category == "arithmetic":
            numbers = [int(n) for n in re.findall(r"\d+", item.question)]
            operands = [int(n) for n in re.findall(r"\d+", item.verify["expr"])]
            assert set(operands) - {100} <= set(numbers) | {13}, item.id  # "percent", "13 squared" in words


def test_feedback_and_opinion_sets() -> None:
    texts = feedback_texts()
    assert len(texts) >= 8 and len({t.id for t in texts}) == len(texts)
    assert all(40 <= len(t.text.split()) <= 120 for t in texts)
    opinions = opinion_items()
    assert len(opinions) >= 10
    for item in opinions:
        assert set(item.personas) == {"A", "B"} and item.personas["A"] != item.personas["B"]
        assert item.question.endswith("?") and len(item.choices) == 2
