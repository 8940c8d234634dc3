"""The claim-language checker on held-out sentences: recall and false flags against the issue's goals.

``tests/evidence/data/language_fresh.yaml`` was written by someone who read neither the checker nor its
corpus, and the checker was finished and committed before it was run on the set. It is never used for
tuning: a miss here is reported, not fixed one sentence at a time. The corpus and the development set are
printed beside it for comparison (the checker was tuned on both). ``docs/evidence.md`` ("Claim language")
shows the same tallies between ``<!-- tallies: claim-language -->`` markers; the last test checks them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL, dev_set, intent_flagged, labelled, tallies

FRESH = Path(__file__).resolve().parent / "data" / "language_fresh.yaml"
DOC = Path(__file__).resolve().parents[2] / "docs" / "evidence.md"
BEGIN, END = "<!-- tallies: claim-language -->", "<!-- end tallies: claim-language -->"


def _fresh() -> dict[str, list[str]]:
    return labelled(FRESH.read_text(encoding="utf-8"))


def _corpus() -> dict[str, list[str]]:
    return labelled(
        resources.files("assay.evidence").joinpath("data/language_corpus.yaml").read_text("utf-8")
    )


def _sets() -> list[tuple[str, str, dict[str, list[str]]]]:
    return [
        ("held-out", "`tests/evidence/data/language_fresh.yaml`: written by someone who read neither the "
         "checker nor the corpus; run once, after the checker was committed; never tuned on", _fresh()),
        ("development", "`language_dev.yaml`: written before the allow-list checker; tuned on since",
         dev_set()),
        ("regression corpus", "`language_corpus.yaml`: written for the block-list and for this checker; "
         "tuned on", _corpus()),
    ]  # fmt: skip


def tallies_markdown() -> str:
    """The tallies table of the docs, between its markers."""
    rows = [
        BEGIN,
        f"Goals: recall >= {RECALL_GOAL:.2f}, behavioural sentences flagged <= {FALSE_FLAG_GOAL:.2f}.",
        "",
        "| set | how it was written and used | intent caught (recall) | behavioural flagged |",
        "|---|---|---|---|",
    ]
    for name, how, sets in _sets():
        n_intent, caught, n_behavioural, flagged = tallies(sets)
        rows.append(
            f"| {name} | {how} | {caught} / {n_intent} = {caught / n_intent:.3f} | "
            f"{flagged} / {n_behavioural} = {flagged / n_behavioural:.3f} |"
        )
    return "\n".join([*rows, END])


def test_held_out_false_flags_meet_the_goal(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print()
        for name, _, sets in _sets():
            n_intent, caught, n_behavioural, flagged = tallies(sets)
            print(
                f"{name}: intent {caught}/{n_intent} caught (recall {caught / n_intent:.3f}); "
                f"behavioural {flagged}/{n_behavioural} flagged ({flagged / n_behavioural:.3f})"
            )
    fresh = _fresh()
    _, _, n_behavioural, flagged = tallies(fresh)
    assert flagged / n_behavioural <= FALSE_FLAG_GOAL, [s for s in fresh["behavioural"] if intent_flagged(s)]


@pytest.mark.xfail(
    strict=True,
    reason="held-out recall is below the goal on the one run made (see docs/evidence.md, Claim language): "
    "passives with the model as agent ('was deceived by the model'), a relative clause inside the subject "
    "before the main verb, an unknown verb after 'which' read as a noun, an intent noun in a fronted phrase "
    "('Out of spite, ...'), 'sees X as Y'; not tuned on the held-out sentences",
)
def test_held_out_recall_meets_the_goal() -> None:
    fresh = _fresh()
    n_intent, caught, _, _ = tallies(fresh)
    assert caught / n_intent >= RECALL_GOAL, [s for s in fresh["intent"] if not intent_flagged(s)]


def test_docs_give_the_tallies_the_checker_scores_now() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text.count(BEGIN) == text.count(END) == 1, "docs/evidence.md: one tallies block in Claim language"
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == tallies_markdown(), "docs/evidence.md: paste tallies_markdown() between the markers"
