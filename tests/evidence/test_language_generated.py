"""The studies' own claim statements carry no claim-language flag (data/study_statements.yaml).

A study writes each claim's statement from its rows; the wording is behavioural by construction, so any
flag there is a false flag that fails the study's own S1.7 (``tests/studies/conftest.py`` also checks every
fast run's claims as they are written). Two were found this way: battery row names ("other_delimiters 30/32,
partial 31/32") and "sign-flip p" in the train_away comparisons.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from assay.evidence import intent_phrases

DATA = Path(__file__).parent / "data" / "study_statements.yaml"


def test_no_statement_a_study_wrote_is_flagged() -> None:
    statements = yaml.safe_load(DATA.read_text(encoding="utf-8"))["behavioural"]
    assert len(statements) >= 25
    flagged = {s: intent_phrases(s, learned=True) for s in statements if intent_phrases(s, learned=True)}
    assert flagged == {}


def test_the_docs_quote_the_flagged_statements_from_the_set() -> None:
    """docs/evidence.md's examples of the two false flags are quoted from this set, not typed."""
    text = " ".join(yaml.safe_load(DATA.read_text(encoding="utf-8"))["behavioural"])
    docs = " ".join((Path(__file__).parents[2] / "docs" / "evidence.md").read_text(encoding="utf-8").split())
    for quoted in ("other_delimiters 30/32, partial 31/32", "sign-flip p=0.14"):
        assert f'"{quoted}"' in docs and quoted in text
