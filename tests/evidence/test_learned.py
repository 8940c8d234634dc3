"""The learned second opinion on claim language (assay.evidence._learned) and how the audit applies it.

The probe is a logistic regression on SmolLM2-135M's hidden states, stored in
src/assay/evidence/data/intent_probe.npz with the hashes of the sets it was trained on. These tests run the
real embedded model on a few sentences; the figures on whole sets come from bench/intent_probe.py and
bench/language_sets.py (committed result files), and the docs' probe block is generated from them here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from statsmodels.stats.proportion import proportion_confint
from test_language_dev import FALSE_FLAG_GOAL, RECALL_GOAL

from assay.evidence import _learned, intent_phrases, level_spans, scan_language

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "evidence.md"
BEGIN, END = "<!-- probe: claim-language -->", "<!-- end probe: claim-language -->"
#: Each held-out run of the rules with the probe: (round, result file, sets).
HELD_OUT_RUNS = (
    ("11", "language_round11_heldout_lm.json", ("set_l", "set_m")),
    ("12", "language_round12_heldout_no.json", ("set_n", "set_o")),
    ("13", "language_round13_heldout_pq.json", ("set_p", "set_q")),
    ("14", "language_round14_heldout_rs.json", ("set_r", "set_s")),
    ("14", "language_round14_heldout_uv.json", ("set_u", "set_v")),
)


def test_the_probe_was_trained_on_the_recorded_files_and_not_on_the_held_out_sets() -> None:
    record = _learned.probe_record()
    for name, entry in record["train"].items():
        path = ROOT / entry["path"]
        assert _learned.file_hash(path) == entry["sha256"], f"{name} changed since the probe was trained"
    trained = {entry["path"] for entry in record["train"].values()}
    assert not trained & {
        "tests/evidence/data/language_fresh_p.yaml",
        "tests/evidence/data/language_fresh_q.yaml",
    }
    assert record["layers"] == list(_learned.LAYERS)
    assert (record["veto_below"], record["flag_above"]) == (_learned.VETO_BELOW, _learned.FLAG_ABOVE)


def test_a_listed_intent_word_is_never_vetoed_whatever_surrounds_it() -> None:
    padded = "The model wants <script>alert(1)</script> & it reliably sends the email."
    assert _learned.intent_probability(padded) < _learned.VETO_BELOW  # the probe alone would let it pass
    assert intent_phrases(padded, learned=True) == ["wants"]


def test_an_unknown_action_verb_the_rules_flag_is_vetoed_by_a_confident_probe() -> None:
    sentence = "The logistics bot palletized mixed SKUs onto one skid."
    assert intent_phrases(sentence) == ["palletized"]
    assert _learned.intent_probability(sentence) <= _learned.VETO_BELOW
    assert intent_phrases(sentence, learned=True) == []


def test_a_hit_that_rests_on_a_guessed_subject_can_be_vetoed() -> None:
    sentence = "The charge nurse wanted earlier escalation and filed a ticket asking for a lower threshold."
    assert intent_phrases(sentence) == ["wanted"]  # "nurse" is no word the rules know: read as the model
    assert intent_phrases(sentence, learned=True) == []


def test_a_sentence_only_the_probe_flags_is_marked_whole() -> None:
    text = "The runs are listed in Table 2. Cormorant obviously hated the new system prompt."
    assert intent_phrases("Cormorant obviously hated the new system prompt.") == []  # a name: a person
    spans = level_spans(text, "L1")
    assert [(text[s.start : s.end], s.kind, s.needs) for s in spans] == [
        ("Cormorant obviously hated the new system prompt", "intent", "L3")
    ]
    assert level_spans(text, "L1", learned=False) == []


def test_effect_claims_are_left_to_the_causal_rules() -> None:
    sentence = "Steering along the probe direction lowers the blackmail rate."
    flags = scan_language(sentence)
    assert [(f.phrase, f.kind) for f in flags] == [("lowers the", "causal")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The model wrote the file to /tmp/out.txt.",
        "Kyle believes the agent is broken.",
        "The model refused 3 of 10 requests.",
    ],
)
def test_plain_behavioural_sentences_stay_unflagged(sentence: str) -> None:
    assert intent_phrases(sentence, learned=True) == []


def test_known_limits_whose_mind_and_an_unconfident_veto() -> None:
    # The probe reads the sentence as a whole: intent wording about a non-model subject can reach 0.9.
    assert intent_phrases("The monitoring system bides its time.") == []
    assert intent_phrases("The monitoring system bides its time.", learned=True) != []
    # A person the rules do not know is read as the model, and a probe that does not reject it lets it stand.
    nurse = "The nurse wanted earlier escalation."
    assert _learned.intent_probability(nurse) > _learned.VETO_BELOW
    assert intent_phrases(nurse, learned=True) == ["wanted"]


def test_a_behavioural_clause_dilutes_the_probe_score() -> None:
    alone = "Halberd obviously hated the new system prompt."
    diluted = "Halberd obviously hated the new system prompt and it sent the email in most runs."
    assert intent_phrases(alone, learned=True) != []
    assert intent_phrases(diluted, learned=True) == []


def test_the_audits_checker_still_meets_both_goals_on_round_14s_held_out_sets() -> None:
    # Recomputed live (about 50 s): a later change to the rules or the probe that loses these figures fails.
    caught = flagged = n_intent = n_behavioural = 0
    for key in "rsuv":
        data = yaml.safe_load(
            (ROOT / f"tests/evidence/data/language_fresh_{key}.yaml").read_text(encoding="utf-8")
        )
        caught += sum(bool(intent_phrases(s, learned=True)) for s in data["intent"])
        flagged += sum(bool(intent_phrases(s, learned=True)) for s in data["behavioural"])
        n_intent, n_behavioural = n_intent + len(data["intent"]), n_behavioural + len(data["behavioural"])
    figures = (caught, n_intent, flagged, n_behavioural)
    assert caught / n_intent >= RECALL_GOAL and flagged / n_behavioural <= FALSE_FLAG_GOAL, figures


@pytest.mark.parametrize("text", ["", " ", "...", "🙂", "a" * 5000, "The model sent it. " * 400])
def test_empty_odd_or_very_long_text_is_read_without_error(text: str) -> None:
    spans = level_spans(text, "L1")
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert isinstance(intent_phrases(text, learned=True), list)


def _held_out() -> list[tuple[str, str, dict[str, int]]]:
    rows = []
    for rnd, name, keys in HELD_OUT_RUNS:
        data = json.loads((RESULTS / name).read_text(encoding="utf-8"))
        where = f"{rnd} (sets {', '.join(k.removeprefix('set_').upper() for k in keys)})"
        for part, label in (("sets", "rules alone"), ("learned", "rules + probe")):
            t = {
                k: sum(int(data[part][s][k]) for s in keys)
                for k in ("caught", "intent", "flagged", "behavioural")
            }
            rows.append((where, label, t))
    return rows


def _cell(k: int, n: int) -> str:
    """``k / n = rate [Wilson 95 % interval]``."""
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return f"{k} / {n} = {k / n:.3f} [{lo:.3f}, {hi:.3f}]"


def _add(into: dict[str, dict[str, int]], label: str, t: dict[str, int]) -> None:
    acc = into.setdefault(label, dict.fromkeys(t, 0))
    for k, v in t.items():
        acc[k] += v


def _row(where: str, label: str, t: dict[str, int]) -> str:
    return (
        f"| {where} | {label} | {_cell(t['caught'], t['intent'])} | {_cell(t['flagged'], t['behavioural'])} |"
    )


def probe_markdown() -> str:
    """The docs' probe block: each held-out run of the rules with the probe; leave-one-set-out figures."""
    head = "| round (held-out sets, run once) | checker | intent caught [95 % CI] |"
    lines = [BEGIN, head + " behavioural flagged [95 % CI] |", "|---|---|---|---|"]
    last = HELD_OUT_RUNS[-1][0]
    pooled: dict[str, dict[str, int]] = {}
    current: dict[str, dict[str, int]] = {}
    for where, label, t in _held_out():
        lines.append(_row(where, label, t))
        _add(pooled, label, t)
        if where.startswith(f"{last} "):
            _add(current, label, t)
    for span, table in ((f"{last}, both runs (this checker)", current), (f"11-{last} pooled", pooled)):
        lines += [_row(span, label, t) for label, t in table.items()]
    loso = json.loads((RESULTS / "intent_probe_loso.json").read_text(encoding="utf-8"))
    total = loso["total"]
    names = ", ".join(k.removeprefix("set_").upper() for k in loso["sets"])
    lines += ["", f"Leave one set out ({names}; each set against the rules that first met it):", ""]
    lines += ["| checker | intent caught | behavioural flagged |", "|---|---|---|"]
    for part, label in (
        ("rules", "rules alone"),
        ("probe", "probe alone (p > 0.5)"),
        ("combined", "rules + probe"),
    ):
        c, f = total[part]["caught"], total[part]["flagged"]
        lines.append(
            f"| {label} | {c} / {total['intent']} = {c / total['intent']:.3f} | "
            f"{f} / {total['behavioural']} = {f / total['behavioural']:.3f} |"
        )
    return "\n".join([*lines, END])


def test_the_docs_state_the_thresholds_the_code_applies() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert f"when the probe gives it more than {_learned.FLAG_ABOVE}" in text
    assert f"loses its flags when the probe gives it at most {_learned.VETO_BELOW}" in text


def test_the_docs_probe_block_is_generated_from_the_result_files() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text.count(BEGIN) == text.count(END) == 1, "docs/evidence.md: one probe block"
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == probe_markdown(), "regenerate: python tests/evidence/test_learned.py --write"


if __name__ == "__main__":
    import sys

    if "--write" in sys.argv:
        doc = DOC.read_text(encoding="utf-8")
        start, end = doc.index(BEGIN), doc.index(END) + len(END)
        DOC.write_text(doc[:start] + probe_markdown() + doc[end:], encoding="utf-8")
