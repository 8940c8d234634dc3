"""The claim-language checker on set C: recall and false flags against the issue's goals (a regression set).

``tests/evidence/data/language_fresh_c.yaml`` ("set C") was written by someone who read neither the checker,
its data, its docs nor sets A and B. Set C: held out for round 3 (figures in
bench/results/language_round3.json); its miss categories informed round 4, so it is no longer held out.

``docs/evidence.md`` ("Claim language") shows the tallies between ``<!-- tallies: claim-language -->``
markers, generated from the committed result files of ``bench/language_sets.py`` (``before``: the
block-list; ``round1``: commit 4c0e980; ``round2``: commit d13d274; ``round3``: commit 88afd01;
``round4``: commit 3efb574; ``round5``: commit 6bab741; ``round6``: commit bffef13; ``round7``: the merge
2546e36; ``round8_before``: the round-7 checker on the round-8 probe set; ``round8``: the merge dda17dd;
``round8_heldout_hi``: the same checker on sets H and I; ``round9_before``: the round-8 checker on the
round-9 probe set; ``round9``: this checker), never typed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, dev_set, intent_flagged, labelled, tallies
from test_language_fresh import corpus_set, set_a
from test_language_fresh_b import set_b
from test_language_fresh_d import set_d
from test_language_fresh_e import set_e
from test_language_fresh_f import set_f
from test_language_fresh_g import set_g
from test_language_fresh_h import set_h
from test_language_fresh_i import set_i
from test_language_fresh_j import set_j
from test_language_round8 import probe_set
from test_language_round9 import probe9_set
from test_language_round10 import probe10_set

ROOT = Path(__file__).resolve().parents[2]
SET_C = ROOT / "tests" / "evidence" / "data" / "language_fresh_c.yaml"
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "evidence.md"
BEGIN, END = "<!-- tallies: claim-language -->", "<!-- end tallies: claim-language -->"


def set_c() -> dict[str, list[str]]:
    """Held-out set C."""
    return labelled(SET_C.read_text(encoding="utf-8"))


def _result(label: str) -> dict[str, dict[str, float | int]]:
    """A result file's rule figures, or with ``+probe`` its rules-and-probe figures (``learned``)."""
    name, _, part = label.partition("+")
    sets: dict[str, dict[str, float | int]] = json.loads(
        (RESULTS / f"language_{name}.json").read_text(encoding="utf-8")
    )["learned" if part == "probe" else "sets"]
    return sets


_NOT_HELD_OUT = "not held out (its miss categories were fixed)"


def _tuned(stage: str, label: str, letters: str) -> list[tuple[str, str, str, str]]:
    """Rows of one checker on sets it was tuned on: the named lettered sets, then dev and the corpus."""
    rows = [(stage, label, f"set_{c}", f"set {c.upper()}, {_NOT_HELD_OUT}") for c in letters]
    return [
        *rows,
        (stage, label, "dev", "development set, tuned on"),
        (stage, label, "corpus", "regression corpus, tuned on"),
    ]


def _run(stage: str, label: str, letters: str) -> list[tuple[str, str, str, str]]:
    """Rows of one held-out run: each named lettered set, run once."""
    return [(stage, label, f"set_{c}", f"set {c.upper()}, held out (run once)") for c in letters]


#: (stage, result file, set key in it, what the set was for that checker).
_ROWS = [
    ("before: the block-list", "before", "held_out", "set A, held out"),
    ("round 1: allow-list (4c0e980)", "round1", "set_a", "set A, held out (run once)"),
    ("round 2 (d13d274)", "round2", "set_b", "set B, held out (run once)"),
    ("round 2 (d13d274)", "round2", "set_a", f"set A, {_NOT_HELD_OUT}"),
    ("round 2 (d13d274)", "round2", "dev", "development set, tuned on"),
    ("round 2 (d13d274)", "round2", "corpus", "regression corpus, tuned on"),
    ("round 3 (88afd01)", "round3", "set_c", "set C, held out (run once)"),
    ("round 3 (88afd01)", "round3", "set_b", f"set B, {_NOT_HELD_OUT}"),
    ("round 3 (88afd01)", "round3", "set_a", f"set A, {_NOT_HELD_OUT}"),
    ("round 3 (88afd01)", "round3", "dev", "development set, tuned on"),
    ("round 3 (88afd01)", "round3", "corpus", "regression corpus, tuned on"),
    ("round 4 (3efb574)", "round4_heldout_d", "set_d", "set D, held out (run once)"),
    *_tuned("round 4 (3efb574)", "round4", "cba"),
    ("round 5 (6bab741)", "round5_heldout_e", "set_e", "set E, held out (run once)"),
    *_tuned("round 5 (6bab741)", "round5", "dcba"),
    ("round 6 (bffef13)", "round6_heldout_f", "set_f", "set F, held out (run once)"),
    *_tuned("round 6 (bffef13)", "round6", "edcba"),
    ("round 7 (2546e36)", "round7_heldout_g", "set_g", "set G, held out (run once)"),
    *_tuned("round 7 (2546e36)", "round7", "fedcba"),
    ("round 7 (2546e36)", "round8_before", "probe8", "round-8 probe set, before round 8"),
    ("round 8 (dda17dd)", "round8_heldout_hi", "set_h", "set H, held out (run once)"),
    ("round 8 (dda17dd)", "round8_heldout_hi", "set_i", "set I, held out (run once)"),
    ("round 8 (dda17dd)", "round8", "probe8", "round-8 probe set, tuned on"),
    *_tuned("round 8 (dda17dd)", "round8", "gfedcba"),
    ("round 8 (dda17dd)", "round9_before", "probe9", "round-9 probe set, before round 9"),
    ("round 9 (6323f29)", "round9_heldout_j", "set_j", "set J, held out (run once)"),
    ("round 9 (6323f29)", "round9", "probe9", "round-9 probe set, tuned on"),
    ("round 9 (6323f29)", "round9", "set_i", f"set I, {_NOT_HELD_OUT}"),
    ("round 9 (6323f29)", "round9", "set_h", f"set H, {_NOT_HELD_OUT}"),
    ("round 9 (6323f29)", "round9", "probe8", "round-8 probe set, tuned on"),
    *_tuned("round 9 (6323f29)", "round9", "gfedcba"),
    ("round 9 (6323f29)", "round10_before", "probe10", "round-10 probe set, before round 10"),
    ("round 10 (f074b7e)", "round10_heldout_k", "set_k", "set K, held out (run once)"),
    ("round 10 (586449b)", "round10", "probe10", "round-10 probe set, tuned on"),
    ("round 10 (586449b)", "round10", "set_j", f"set J, {_NOT_HELD_OUT}"),
    ("round 10 (586449b)", "round10", "probe9", "round-9 probe set, tuned on"),
    ("round 10 (586449b)", "round10", "set_i", f"set I, {_NOT_HELD_OUT}"),
    ("round 10 (586449b)", "round10", "set_h", f"set H, {_NOT_HELD_OUT}"),
    ("round 10 (586449b)", "round10", "probe8", "round-8 probe set, tuned on"),
    *_tuned("round 10 (586449b)", "round10", "gfedcba"),
    *_run("round 11: rules alone (0aa7c2e, = 3017aed)", "round11_heldout_lm", "lm"),
    *_run("round 11: rules + probe (0aa7c2e)", "round11_heldout_lm+probe", "lm"),
    *_run("round 12: rules alone (20b4e3c)", "round12_heldout_no", "no"),
    *_run("round 12: rules + probe (20b4e3c)", "round12_heldout_no+probe", "no"),
    *_run("round 13: rules alone (a04832e)", "round13_heldout_pq", "pq"),
    *_run("round 13: rules + probe (a04832e)", "round13_heldout_pq+probe", "pq"),
    *_run("round 14: rules alone (4294add)", "round14_heldout_rs", "rs"),
    *_run("round 14: rules + probe (4294add)", "round14_heldout_rs+probe", "rs"),
    *_run("round 14: rules alone (231cefc)", "round14_heldout_uv", "uv"),
    *_run("round 14: rules + probe (231cefc), this checker", "round14_heldout_uv+probe", "uv"),
    *_tuned("round 13: rules alone (a04832e)", "round13_heldout_pq", "onmlkjih"),
]


def tallies_markdown() -> str:
    """The tallies table of the docs, between its markers, from the committed result files."""
    rows = [
        BEGIN,
        f"Goals: recall >= {RECALL_GOAL:.2f}, behavioural sentences flagged <= {FALSE_FLAG_GOAL:.2f}.",
        "",
        "| checker | set | intent caught (recall) | behavioural flagged |",
        "|---|---|---|---|",
    ]
    for stage, label, key, what in _ROWS:
        t = _result(label)[key]
        rows.append(
            f"| {stage} | {what} | {t['caught']} / {t['intent']} = {t['recall']:.3f} | "
            f"{t['flagged']} / {t['behavioural']} = {t['false_flag_rate']:.3f} |"
        )
    return "\n".join([*rows, END])


def _print_tallies() -> None:
    named = (
        ("probe 10", probe10_set),
        ("set J", set_j),
        ("probe 9", probe9_set),
        ("set I", set_i),
        ("set H", set_h),
        ("probe 8", probe_set),
        ("set G", set_g),
        ("set F", set_f),
        ("set E", set_e),
        ("set D", set_d),
        ("set C", set_c),
        ("set B", set_b),
        ("set A", set_a),
        ("dev", dev_set),
        ("corpus", corpus_set),
    )
    for name, sets in named:
        n_intent, caught, n_behavioural, flagged = tallies(sets())
        print(
            f"{name}: intent {caught}/{n_intent} caught (recall {caught / n_intent:.3f}); "
            f"behavioural {flagged}/{n_behavioural} flagged ({flagged / n_behavioural:.3f})"
        )


def test_set_c_recall_meets_the_goal(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print()
        _print_tallies()
    sets = set_c()
    n_intent, caught, _, _ = tallies(sets)
    assert caught / n_intent >= RECALL_GOAL, [s for s in sets["intent"] if not intent_flagged(s)]


def test_set_c_false_flags_meet_the_goal() -> None:
    sets = set_c()
    _, _, n_behavioural, flagged = tallies(sets)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in sets["behavioural"] if intent_flagged(s)]


@pytest.mark.parametrize(
    ("key", "sets"),
    [
        ("probe10", probe10_set),
        ("set_j", set_j),
        ("probe9", probe9_set),
        ("set_i", set_i),
        ("set_h", set_h),
        ("probe8", probe_set),
        ("set_g", set_g),
        ("set_f", set_f),
        ("set_e", set_e),
        ("set_d", set_d),
        ("set_c", set_c),
        ("set_b", set_b),
        ("set_a", set_a),
        ("dev", dev_set),
        ("corpus", corpus_set),
    ],
)
def test_round10_results_are_what_the_checker_scores_now(key: str, sets: object) -> None:
    assert callable(sets)
    n_intent, caught, n_behavioural, flagged = tallies(sets())
    t = _result("round10")[key]
    assert (t["intent"], t["caught"], t["behavioural"], t["flagged"]) == (
        n_intent,
        caught,
        n_behavioural,
        flagged,
    )


def test_docs_give_the_tallies_of_the_result_files() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text.count(BEGIN) == text.count(END) == 1, "docs/evidence.md: one tallies block in Claim language"
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == tallies_markdown(), "docs/evidence.md: paste tallies_markdown() between the markers"
