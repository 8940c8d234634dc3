"""Audit every claim in ``examples/published/``; write ``docs/published.md`` and the results file.

Run: ``.venv/bin/python bench/published_table.py`` after any change to the checklist, the claim-language
checker or the examples. Writes ``examples/published/results.json`` and ``docs/published.md``;
``tests/evidence/test_published.py`` checks both against a fresh audit.
"""

from __future__ import annotations

from assay.evidence._published import DOC_PATH, RESULTS_PATH, write_published


def main() -> None:
    """Write both files and print each claim's level."""
    for audit in write_published().claims:
        print(f"{audit.claim_id}: {audit.achieved_level} (target {audit.target_level})")
    print(f"wrote {RESULTS_PATH} and {DOC_PATH}")


if __name__ == "__main__":
    main()
