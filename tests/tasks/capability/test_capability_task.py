"""``assay/capability_qa`` end to end on a scripted model: correct, incorrect, empty and failed answers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from inspect_ai import eval
from inspect_ai.scorer import CORRECT, INCORRECT, NOANSWER

from assay.engine.measure import capability_rate
from assay.tasks.capability import capability_qa, mentioned_answer, qa_items

SCRIPT = """\
turns: [{text: "I do not know."}]
cases:
  - {match: "capital city of France", turns: [{text: "The capital of France is Paris."}]}
  - {match: "capital city of Japan", turns: [{text: "Kyoto, I think."}]}
  - {match: "capital city of Italy", turns: [{error: "server fell over"}]}
  - {match: "capital city of Germany", turns: [{empty: true}]}
  - {match: "Kenya", turns: [{tool_calls: [{name: bash, arguments: {cmd: ls}}]}, {empty: true}]}
"""


def test_items_have_ids_questions_and_answers() -> None:
    items = qa_items()
    assert len(items) == 32
    assert len({it["id"] for it in items}) == 32
    assert all(it["question"].strip() and it["answer"].strip() for it in items)


def test_answer_must_be_a_whole_word() -> None:
    assert mentioned_answer("It is PARIS.", "Paris") == "Paris"
    assert mentioned_answer("Parisian food", "Paris") is None
    assert mentioned_answer("CO2, carbon dioxide", "carbon dioxide|CO2") == "carbon dioxide"


def test_outcomes_on_scripted_model(tmp_path: Path) -> None:
    script = tmp_path / "script.yaml"
    script.write_text(SCRIPT)
    [log] = eval(
        capability_qa(max_tokens=16),
        model="assay/scripted",
        model_args={"script": str(script)},
        limit=6,
        log_dir=str(tmp_path / "logs"),
        display="none",
        fail_on_error=False,
    )
    assert log.samples is not None and len(log.samples) == 6
    outcomes = {
        str(s.id): "error" if s.error else str((s.scores or {})["answer_mentioned"].value)
        for s in log.samples
    }
    assert outcomes == {
        "geo-01": CORRECT,  # Paris
        "geo-02": INCORRECT,  # Kyoto is not Tokyo
        "geo-03": "error",  # a failed call is an error, never a wrong answer
        "geo-04": NOANSWER,  # empty: no answer, not a wrong one
        "geo-05": INCORRECT,  # "I do not know."
        "geo-06": NOANSWER,  # only a tool call: the task offers none
    }
    assert Counter(outcomes.values()) == {INCORRECT: 2, CORRECT: 1, NOANSWER: 2, "error": 1}
    kinds = {str(s.id): (s.scores or {})["answer_mentioned"].metadata for s in log.samples if not s.error}
    assert kinds["geo-04"] == {"outcome": "empty"} and kinds["geo-06"] == {"outcome": "invalid_action"}
    assert log.eval.task_version == 2
    assert log.results is not None
    # Inspect's accuracy() counts N as 0 over the scored samples; the failed one is apart
    assert log.results.completed_samples == 5 and log.results.total_samples == 6
    assert log.results.scores[0].metrics["accuracy"].value == 0.2
    # assay's reader keeps the failed, empty and tool-call replies out of n and counts them beside it
    rate = capability_rate(log)
    assert (rate.k, rate.n) == (1, 3)
    assert rate.errors == {"model_error": 1, "empty": 1, "invalid_action": 1}
