"""Published results graded like any claim: the table of ``docs/published.md``, generated from the audits.

``examples/published/`` holds one claim file per published finding and, under ``counts/``, the count tables
it rests on, each row citing the paper and the place of its number. :func:`audit_published` audits every
claim there with :func:`assay.evidence.audit_claim_file`; :func:`published_markdown` renders the page and
:func:`write_published` writes it with the results file, so the page is never typed by hand
(``bench/published_table.py`` runs it; ``tests/evidence/test_published.py`` checks both files against a
fresh audit).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from pathlib import Path

import pandas as pd
from pydantic import Field

from assay._strict import Strict
from assay.evidence._audit import AuditResult, audit_claim_file
from assay.evidence._checklist import select_rows
from assay.evidence._claim import Selector, load_claim
from assay.evidence._counts import COUNT_SUFFIXES, load_count_table

#: The repository root (the folder holding ``examples/`` and ``docs/``).
ROOT = Path(__file__).resolve().parents[3]
#: Where the published claims live, the results file and the generated page.
PUBLISHED_DIR = ROOT / "examples" / "published"
RESULTS_PATH = PUBLISHED_DIR / "results.json"
DOC_PATH = ROOT / "docs" / "published.md"
#: The one command that rewrites both files.
REGENERATE = ".venv/bin/python bench/published_table.py"

_NEXT = {"L0": "L1", "L1": "L2", "L2": "L3"}


class BlockingItem(Strict):
    """One checklist item that keeps a claim below a level, with the audit's status and reason."""

    id: str
    status: str
    reason: str


class PublishedAudit(Strict):
    """The audit of one published claim, as the page shows it.

    Attributes:
        claim: The claim file, relative to the repository root.
        claim_id: The claim's id.
        sources: The citations of the rows the claim is about.
        reported: What the source reports (``k/n`` or a rate without n) for the subject, the comparison's
            control and the negative controls, one per count row.
        statement: The statement as the claim file words it.
        supported_statement: The audit's rewrite, what the achieved level supports.
        achieved_level: The level the audit reached.
        target_level: The level the claim targets (as the paper implies).
        blocking: Level -> the items that block it, for each level above the achieved one.
        statuses: Item id -> status, all 34 items.
    """

    claim: str
    claim_id: str
    sources: list[str]
    reported: list[str]
    statement: str
    supported_statement: str
    achieved_level: str
    target_level: str
    blocking: dict[str, list[BlockingItem]] = Field(default_factory=dict)
    statuses: dict[str, str] = Field(default_factory=dict)


class PublishedResults(Strict):
    """Every published claim's audit, in file-name order (``examples/published/results.json``)."""

    claims: list[PublishedAudit]


def _subject_counts(path: Path, result: AuditResult) -> pd.DataFrame:
    """The count rows of the claim at ``path``: its subject, its comparison's control, its controls."""
    claim = load_claim(path)
    tables = [load_count_table(p) for p in result.tables if Path(p).suffix.lower() in COUNT_SUFFIXES]
    if not tables:
        return pd.DataFrame(columns=["measure", "model", "condition_id", "k", "n", "rate", "citation"])
    counts = pd.concat(tables, ignore_index=True)
    if claim.measure is not None:
        counts = counts[counts["measure"] == claim.measure]
    selectors = [claim.subject, *claim.negative_controls]
    if claim.primary_comparison is not None:
        subject = claim.subject or Selector()
        lifted = {**subject.factors, claim.primary_comparison.factor: claim.primary_comparison.control}
        selectors.insert(1, subject.model_copy(update={"factors": lifted}))
    picked = pd.concat([select_rows(counts, s) for s in selectors])
    return picked[~picked.index.duplicated()]


def _reported(row: Mapping[Hashable, object]) -> str:
    """What the source reports for one count row: ``model condition: k/n``, or its rate without n."""
    where = " ".join(str(row[c]) for c in ("model", "condition_id") if row[c])
    n = row["n"]
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return f"{where}: {100 * float(str(row['rate'])):.4g} %, n not stated"
    return f"{where}: {int(float(str(row['k'])))}/{int(float(str(n)))}"


def published_audit(path: str | Path, root: str | Path = ROOT) -> PublishedAudit:
    """Audit the published claim at ``path`` and keep what the page shows.

    Args:
        path: A claim file whose evidence is count tables.
        root: The folder that the claim's path is written relative to.
    """
    p = Path(path)
    result = audit_claim_file(p)
    items = {i.id: i for i in result.items}
    counts = _subject_counts(p, result).to_dict("records")
    blocking = {
        level: [BlockingItem(id=i, status=items[i].status, reason=items[i].reason) for i in ids]
        for level, ids in result.blocking.items()
    }
    return PublishedAudit(
        claim=p.resolve().relative_to(Path(root).resolve()).as_posix(),
        claim_id=result.claim_id,
        sources=sorted({str(r["citation"]) for r in counts}),
        reported=[_reported(r) for r in counts],
        statement=result.statement,
        supported_statement=result.rewritten_statement,
        achieved_level=result.achieved_level,
        target_level=result.target_level,
        blocking=blocking,
        statuses={i.id: i.status for i in result.items},
    )


def audit_published(folder: str | Path = PUBLISHED_DIR, root: str | Path = ROOT) -> PublishedResults:
    """Audit every claim file directly in ``folder`` (count tables live below it, in ``counts/``)."""
    paths = sorted(Path(folder).glob("*.yaml"))
    return PublishedResults(claims=[published_audit(p, root) for p in paths])


_INTRO = """\
# Published results, graded

The position paper behind assay's evidence levels graded published misalignment results by hand. This page
is that table made by assay: each row is a published finding encoded from the paper's own reported numbers
(`examples/published/counts/`, every row citing its paper and the place of the number) with a claim file that
words the finding as the authors do (`examples/published/*.yaml`), audited by the same checklist as any study.
Run one yourself with `assay audit examples/published/agentic_blackmail_models.yaml` (all 34 items and their
reasons), or grade a claim on counts of your own with `assay audit CLAIM.yaml --counts TABLE.yaml`.

This page and `examples/published/results.json` are generated; do not edit them. After a change to the
checklist, the claim-language checker or the examples, regenerate both with `{regenerate}`
(`tests/evidence/test_published.py` fails while they differ from a fresh audit).
"""

_CHOICES = """\
## How the numbers were encoded

- Only numbers the papers report are used, each row citing its source; where the place of a number in the
  paper is not known here, the citation says "headline figure" rather than a figure or table number.
- A rate whose n the source does not state is a row without n, with a note saying so. Every item that needs
  n (exclusions, n and m, power, zero-event bounds, errors apart, contrasts, controls) is then `missing`,
  naming the note: a published rate without its denominator does not reach L1.
- The agentic-misalignment rates are encoded that way although secondary sources report a per-condition n:
  the paper's headline figure does not state it, and a count built on an unverified n would give intervals
  the source does not support. Whoever verifies it can grade the same claim on their own count table with
  `--counts`.
- Counts are aggregated: no published table gives generations per prompt, paraphrases, prompt hashes,
  per-sample scores or sampling settings, so the unit-level items (S2.4, S2.7, S3.1, S3.2, S3.3, S3.6, S3.7)
  are `missing` for every claim here ("aggregated source", or "a rate without n" where n is not stated),
  and no claim can reach L2.
- A count whose source does not report its errors apart leaves S3.9 `missing`: errors may hide among the
  non-events.
"""


def _cell(text: str) -> str:
    """``text`` safe inside a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _row(audit: PublishedAudit) -> str:
    """One line of the summary table."""
    nxt = _NEXT.get(audit.achieved_level)
    held = ", ".join(f"{b.id} {b.status}" for b in audit.blocking.get(nxt, [])) if nxt else "nothing"
    cells = [
        f"[{audit.claim_id}](../{audit.claim})",
        "; ".join(audit.sources),
        "; ".join(audit.reported),
        audit.supported_statement,
        f"{audit.achieved_level} ({audit.target_level})",
        f"{nxt}: {held}" if nxt else held,
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _details(audit: PublishedAudit) -> list[str]:
    """The section of one claim: its wording, its rewrite, and every blocking item with its reason."""
    lines = [
        f"### {audit.claim_id}",
        "",
        f"`assay audit {audit.claim}`",
        "",
        f"- as worded: {audit.statement}",
        f"- supported at {audit.achieved_level}: {audit.supported_statement}",
        f"- target {audit.target_level}; achieved {audit.achieved_level}",
    ]
    for level, items in audit.blocking.items():
        lines.append(f"- {level} blocked by:")
        lines += [f"  - {b.id} {b.status}: {b.reason}" for b in items]
    return [*lines, ""]


def published_markdown(results: PublishedResults, regenerate: str = REGENERATE) -> str:
    """The page ``docs/published.md``: the table, how the numbers were encoded, one section a claim."""
    lines = [_INTRO.format(regenerate=regenerate), "## The table", ""]
    lines += [
        "Level: achieved (target). Holding it back: the items that block the next level, with their status;",
        "the sections below give every blocking item's reason.",
        "",
        "| claim | source | reported | supported statement | level | holding it back |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(a) for a in results.claims]
    lines += ["", _CHOICES, "## Each claim", ""]
    for audit in results.claims:
        lines += _details(audit)
    return "\n".join(lines).rstrip("\n") + "\n"


def results_json(results: PublishedResults) -> str:
    """The results file's text (``examples/published/results.json``)."""
    return results.model_dump_json(indent=2) + "\n"


def write_published(
    folder: str | Path = PUBLISHED_DIR,
    results_path: str | Path = RESULTS_PATH,
    doc_path: str | Path = DOC_PATH,
) -> PublishedResults:
    """Audit every published claim and write the results file and the page; return the results."""
    results = audit_published(folder)
    Path(results_path).write_text(results_json(results), encoding="utf-8")
    Path(doc_path).write_text(published_markdown(results), encoding="utf-8")
    return results
