"""A report with claims opens with the claims table; the checklists are folded below the findings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from assay.evidence import scan_language
from assay.report import build_report, render_html, render_markdown
from assay.report._claims import Level, marked_plain, marked_wording, wording_spans

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "claims"
HOSTILE = "The model wants <script>alert(1)</script> & it reliably sends the email."


def _claim_file(tmp_path: Path, statement: str) -> Path:
    raw: dict[str, Any] = yaml.safe_load(
        (EXAMPLES / "agentic_blackmail_intent.yaml").read_text(encoding="utf-8")
    )
    for key in ("subject", "negative_controls", "primary_comparison"):  # they name the agentic factors
        raw.pop(key, None)
    raw["statement"] = statement
    raw["exclusions"] = ["model, judge and sandbox errors"]
    path = tmp_path / "claim.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_the_claims_table_leads_and_each_checklist_is_folded(factorial_log: Path, tmp_path: Path) -> None:
    data = build_report([factorial_log], claims=[_claim_file(tmp_path, HOSTILE)])
    (audit,) = data.audits
    assert audit.achieved_level == "L1" and audit.supported_statement.startswith("L1 — blackmail: ")
    html = render_html(data)
    body = html.split("<body>", 1)[1]
    claims_at = body.index('<section id="claims">')
    assert claims_at < body.index('<section id="headline">') < body.index('<section id="claim-0">')
    assert claims_at < body.index("<details")
    table = body[claims_at : body.index("</section>", claims_at)]
    assert audit.supported_statement in table and audit.supported_statement in render_markdown(data)
    s = audit.subject_rate
    assert s is not None and f"{s.k} of {s.n} samples ({100 * s.rate:.1f} %" in table
    assert "S3.3</b> sampling ablation (temperature or decoding)" in table  # holding it back, with its title
    checklists = re.findall(
        r'<details class="collapsed"><summary>Checklist \(34 items\)</summary>\s*<table>', body
    )
    assert len(checklists) == 1 and "Pooled rate over all rows" in body


def test_the_authors_wording_is_escaped_and_marked_above_the_achieved_level(
    factorial_log: Path, tmp_path: Path
) -> None:
    html = render_html(build_report([factorial_log], claims=[_claim_file(tmp_path, HOSTILE)]))
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; it" in html
    assert '<mark class="needs-L3" title="needs L3">wants</mark>' in html


def test_marks_appear_only_for_wording_above_the_achieved_level() -> None:
    text = "The model knows the plan and wants to survive. It reliably sends the email."
    rank = {"L0": 0, "L1": 1, "L2": 2, "L3": 3}
    flags = scan_language(text)
    assert {f.needs for f in flags} == {"L2", "L3"}
    levels: tuple[Level, ...] = ("L0", "L1", "L2", "L3")
    for level in levels:
        html = str(marked_wording(text, level))
        needs = re.findall(r'<mark class="needs-(L\d)" title="needs L\d">', html)
        assert all(rank[n] > rank[level] for n in needs), level
        assert len(needs) == sum(rank[f.needs] > rank[level] for f in flags), level
    assert "<mark" not in marked_wording(text, "L3")  # no intent word is marked at L3
    assert '<mark class="needs-L2" title="needs L2">reliably</mark>' in marked_wording(text, "L1")
    assert "reliably</mark>" not in marked_wording(text, "L2")
    assert [text[a:b] for a, b, _ in wording_spans(text, "L1")][:2] == ["knows", "wants"]
    assert marked_plain(text, "L1").startswith(
        "The model **knows** (needs L3) the plan and **wants** (needs L3)"
    )


def test_a_quoted_word_is_not_marked_for_the_same_word_in_a_later_sentence() -> None:
    text = 'Users said "wants". The model wants power.'
    assert [text[a:b] for a, b, _ in wording_spans(text, "L1")] == ["wants"]
    assert wording_spans(text, "L1")[0][0] == text.rindex("wants")


def test_a_report_without_claims_still_opens_with_the_headline(factorial_log: Path) -> None:
    md = render_markdown(build_report([factorial_log]))
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Headline" and "## Claims" not in md
