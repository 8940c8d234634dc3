"""The statement a claim's rows support: built from the rows and the audit, never from the author's words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from assay.evidence import (
    AuditResult,
    Claim,
    audit_claim,
    audit_claim_file,
    claim_from_dict,
    select_rows,
    supported_statement,
    validate_table,
)

STATEMENT = "Zebra quartz: the organism plots revenge whenever it sees the cue."


def _claim(**overrides: Any) -> Claim:
    base: dict[str, Any] = {
        "id": "c",
        "statement": STATEMENT,
        "construct": {"name": "backdoor completion", "definition": "the reply begins with the phrase"},
        "decision_rule": {"description": "outcome harmful", "positive": ["harmful"]},
        "target_level": "L1",
        "exclusions": ["model errors"],
        "measure": "backdoor_rate",
        "subject": {"condition_id": "triggered"},
    }
    return claim_from_dict({**base, **overrides})


def _table(k_triggered: int, n_triggered: int, errors: int = 0) -> pd.DataFrame:
    """Unit rows of one model: ``k`` of ``n`` harmful in ``triggered``, 1 of 10 in ``clean``, errors apart."""
    rows = []
    for cond, k, n in (("triggered", k_triggered, n_triggered), ("clean", 1, 10)):
        for i in range(n + (errors if cond == "triggered" else 0)):
            outcome = "model_error" if i >= n else "harmful" if i < k else "benign"
            rows.append(
                {
                    "task": "backdoor",
                    "measure": "backdoor_rate",
                    "model": "org/toy",
                    "condition_id": cond,
                    "sample_id": f"{cond}-{i}",
                    "prompt_sha256": f"{cond}-{i}",
                    "outcome": outcome,
                }
            )
    return validate_table(pd.DataFrame(rows))


def test_the_sentence_is_the_audits_rate_of_the_subject_and_changes_with_the_rows() -> None:
    claim = _claim()
    audit = audit_claim(claim, table=_table(46, 48, errors=2))
    r = audit.subject_rate
    assert r is not None and (r.k, r.n) == (46, 48)
    text = audit.supported_statement
    assert text.startswith(f"{audit.achieved_level} — backdoor completion: 46 of 48 samples (")
    assert f"{100 * r.rate:.1f} %, 95 % CI {100 * r.lo:.1f}–{100 * r.hi:.1f} %" in text
    assert "model_error 2 not in n" in text
    assert text.endswith("in condition triggered; measure backdoor_rate, model org/toy.")
    other = audit_claim(claim, table=_table(12, 40)).supported_statement
    assert "12 of 40 samples (30.0 %" in other and other != text
    assert supported_statement(claim, audit) != ""  # without rows: what the audit holds
    assert "46 of 48 samples" in supported_statement(claim, audit)


def test_no_word_of_the_authors_statement_is_copied() -> None:
    text = audit_claim(_claim(), table=_table(46, 48)).supported_statement
    own = {w.strip(".,:;").lower() for w in text.split()}
    for word in ("zebra", "quartz", "organism", "plots", "revenge", "whenever", "sees", "cue"):
        assert word not in own, word


def test_zero_events_give_the_rule_of_three_bound_and_no_construct_names_the_outcome() -> None:
    claim = _claim(construct=None)
    text = audit_claim(claim, table=_table(0, 30)).supported_statement
    assert "— outcome harmful: 0 of 30 samples (0.0 %" in text
    assert "0 events: at most 10.0 % (rule of three)" in text


def test_an_l0_sentence_says_descriptive_only() -> None:
    audit = audit_claim(_claim(exclusions=None), table=_table(46, 48, errors=2))
    assert audit.achieved_level == "L0"
    assert audit.supported_statement.startswith("L0, descriptive only — backdoor completion: 46 of 48")


def _counts(folder: Path, rows: list[dict[str, Any]]) -> Path:
    (folder / "counts.yaml").write_text(
        yaml.safe_dump({"citation": "Example et al. 2025, table 2", "rows": rows}), encoding="utf-8"
    )
    raw = {
        "id": "published",
        "statement": STATEMENT,
        "target_level": "L1",
        "construct": {"name": "blackmail", "definition": "an email to the executive using leverage"},
        "decision_rule": {"description": "the paper's classifier", "positive": ["harmful"]},
        "exclusions": [],
        "measure": "blackmail_rate",
        "subject": {"model": "a", "factors": {"threat": "yes"}},
        "evidence": {"tables": ["counts.yaml"]},
    }
    path = folder / "claim.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_published_counts_are_cited_and_a_rate_without_n_says_n_is_not_public(tmp_path: Path) -> None:
    rows = [
        {"measure": "blackmail_rate", "model": "a", "threat": "yes", "k": 90, "n": 100},
        {"measure": "blackmail_rate", "model": "b", "threat": "yes", "rate": 0.8, "note": "n not public"},
    ]
    claim_file = _counts(tmp_path, rows)
    text = audit_claim_file(claim_file).supported_statement
    assert "blackmail: 90 of 100 cases (90.0 %, 95 % CI" in text
    assert "from published counts (Example et al. 2025, table 2) in model=a" not in text  # model apart
    assert "from published counts (Example et al. 2025, table 2) in threat=yes" in text
    assert text.endswith("; measure blackmail_rate, model a.")
    raw = yaml.safe_load(claim_file.read_text(encoding="utf-8"))
    raw["subject"] = {"model": "b"}
    claim_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    bare = audit_claim_file(claim_file).supported_statement
    assert bare.startswith("L0, descriptive only — blackmail: published rate 80.0 % without n (n not public;")
    assert "no interval" in bare and "Example et al. 2025, table 2" in bare and "CI" not in bare


def test_without_rows_or_rate_the_sentence_says_what_is_known() -> None:
    claim = _claim()
    audit = AuditResult(
        claim_id="c",
        statement=STATEMENT,
        rewritten_statement=STATEMENT,
        target_level="L1",
        achieved_level="L0",
        overstated=True,
        study_metrics=["/x/metrics.json"],
    )
    text = supported_statement(claim, audit)
    assert text == (
        "L0, descriptive only — backdoor completion: no graded rows (the evidence is study metrics only) "
        "in condition triggered; measure backdoor_rate."
    )
    table = _table(46, 48)
    rows = select_rows(table, claim.subject)
    assert supported_statement(claim, audit, rows).endswith("; measure backdoor_rate, model org/toy.")
