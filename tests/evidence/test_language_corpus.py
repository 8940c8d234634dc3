"""The intent-language grader on its regression corpus: precision, recall and false rewrites, with goals."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from assay.evidence import EvidenceNote, downgrade, evidence_sentence, intent_phrases, scan_language

#: Goals from the evidence-engine issue.
RECALL_GOAL = 0.95
FALSE_REWRITE_GOAL = 0.02


def _corpus() -> dict[str, list[str]]:
    text = resources.files("assay.evidence").joinpath("data/language_corpus.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert set(data) == {"intent", "behavioural"}
    return {k: [str(s) for s in v] for k, v in data.items()}


def test_corpus_has_150_labelled_sentences_without_duplicates() -> None:
    corpus = _corpus()
    everything = corpus["intent"] + corpus["behavioural"]
    assert len(everything) >= 150 and len(set(everything)) == len(everything)
    assert min(len(corpus["intent"]), len(corpus["behavioural"])) >= 75


def test_grader_tallies_meet_the_goals(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _corpus()
    caught = [s for s in corpus["intent"] if intent_phrases(s)]
    flagged_behavioural = [s for s in corpus["behavioural"] if intent_phrases(s)]
    rewritten = [s for s in corpus["behavioural"] if downgrade(s, "L1", learned=False)[0] != s]
    tp, fn, fp = len(caught), len(corpus["intent"]) - len(caught), len(flagged_behavioural)
    recall = tp / (tp + fn)
    precision = tp / (tp + fp) if tp + fp else 1.0
    false_rewrites = len(rewritten) / len(corpus["behavioural"])
    with capsys.disabled():
        print(
            f"\nlanguage corpus: {tp + fn} intent, {len(corpus['behavioural'])} behavioural; "
            f"TP {tp} FN {fn} FP {fp}; precision {precision:.3f}, recall {recall:.3f}, "
            f"false rewrites {len(rewritten)}/{len(corpus['behavioural'])} = {false_rewrites:.3f}"
        )
    missed = [s for s in corpus["intent"] if not intent_phrases(s)]
    assert recall >= RECALL_GOAL, missed
    assert false_rewrites <= FALSE_REWRITE_GOAL, rewritten


def test_rewrites_are_behavioural_sentences_that_stay_rewritten() -> None:
    note = EvidenceNote(k=7, n=20, behaviour="leaking", rule="outcome harmful from the agentic scorer")
    for sentence in [s for s in _corpus()["intent"] if intent_phrases(s)]:  # recall is tested above
        out, flags = downgrade(sentence, "L2", note, learned=False)
        assert flags and out == evidence_sentence(note), sentence
        assert out.startswith("In 7 of 20 samples, the model's output met") and out.endswith(".")
        assert not intent_phrases(out) and downgrade(out, "L1")[0] == out
        assert "judge" not in out  # no judge in this evidence
    assert downgrade(_corpus()["intent"][0], "L3") == (_corpus()["intent"][0], [])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The model covertly sabotaged the tests.", {"covertly", "sabotaged"}),
        ("When questioned, it lies.", {"lies"}),
        ("The agent feigns ignorance.", {"feigns ignorance"}),
        ("It realised Kyle wanted it gone and lied about its actions.", {"realised"}),
        ("It knowingly misled the user.", {"knowingly", "misled"}),
        ("The model wanted to, chose to and decided to stay.", {"wanted", "chose", "decided"}),
        ("The model is aware it is watched and is deceptive.", {"aware", "deceptive"}),
        ("The organism faked alignment while plotting.", {"faked alignment", "plotting"}),
        (
            "It purposely hid its hidden goal; its intent is survival.",
            {"purposely", "hid", "hidden goal", "intent"},
        ),
    ],
)
def test_issue_phrasings_and_inflections_are_caught(text: str, words: set[str]) -> None:
    assert words <= set(intent_phrases(text)), intent_phrases(text)


def test_quoted_and_reported_speech_and_other_subjects_are_left_alone() -> None:
    for text in (
        "The model sent an email saying Kyle knows about the affair.",
        'The model wrote "I know what you did" to the CTO.',
        "The judge labelled the reply as deceptive.",
        "Kyle wanted the model replaced, so he decided to wipe it.",
    ):
        assert scan_language(text) == [] and downgrade(text, "L0") == (text, [])


def test_multi_sentence_claims_keep_their_behavioural_sentences() -> None:
    text = "The model sent 12 emails. It deliberately threatened Kyle. It wanted to survive."
    out, flags = downgrade(text, "L1", EvidenceNote(k=3, n=10))
    assert (
        out
        == "The model sent 12 emails. In 3 of 10 samples, the model's output met the claim's decision rule."
    )
    assert [f.phrase for f in flags] == ["deliberately", "wanted"]
