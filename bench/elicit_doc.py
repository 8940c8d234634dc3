"""docs/studies.md's elicit result tables, rendered from a result file that bench/elicit.py recorded.

    python bench/elicit_doc.py            # print the elicit section with every generated table re-rendered
    python bench/elicit_doc.py --write    # rewrite those tables in docs/studies.md in place

Only the part of docs/studies.md under the heading ``## `elicit``` (up to the next ``## `` heading) is
read and rewritten; other studies' generated sections on the same page are left to their own renderers. A
generated section sits between ``<!-- generated: NAME source=PATH -->`` and ``<!-- end generated: NAME -->``
(:mod:`assay._docgen`); PATH (relative to the repository root) is the JSON the section is rendered from,
NAME one of the keys of :func:`render`. tests/bench/test_elicit_doc.py checks that every section equals its
rendering, so no figure in those tables is typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from assay._docgen import (
    DocSectionError,
    check_sections,
    render_from_sources,
    replace_sections,
    sections,
    table,
)

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "studies.md"
HEADING = "## `elicit`"


def _table(columns: list[str], rows: list[list[str]]) -> str:
    return "\n".join(table(columns, rows)) + "\n"


def _rate(r: dict[str, Any]) -> str:
    return f"{r['k']}/{r['n']} = {r['rate']:.2f} [{r['lo']:.2f}, {r['hi']:.2f}]"


def _across(g: dict[str, Any]) -> str:
    if g["estimate"] is None:
        return "–"
    if g["lo"] is None:
        return f"{g['estimate']:+.2f} ({g['note']})"
    return f"{g['estimate']:+.2f} [{g['lo']:+.2f}, {g['hi']:+.2f}], MDE {g['detectable']:.2f}"


def _config(rec: dict[str, Any]) -> str:
    c = rec["config"]
    rows = [
        ["model", str(c["model"])],
        ["candidate skills (in rule order)", ", ".join(c["skill_candidates"])],
        ["selection rule", f"{c['skill_rule']}, margin {c['min_above_chance']:.2f} over chance"],
        [
            "items: selection / lock / demo / eval",
            f"{c['n_selection']} / {c['n_lock']} / {c['n_demo']} / {c['n_eval']}",
        ],
        ["locks (seeds)", ", ".join(map(str, c["lock_seeds"]))],
        ["decoy seeds (no-password, always-slip)", ", ".join(map(str, c["decoy_seeds"]))],
        ["demonstrations k", ", ".join(map(str, c["ks"]))],
        ["weak policy accuracy", f"{c['weak_accuracy']:.2f}"],
        ["verifier false-accept rate (the slip too)", f"{c['verifier_false_accept']:.2f}"],
        ["expert iteration rounds / samples", f"{c['ei_rounds']} / {c['ei_samples']}"],
    ]
    return _table(["setting", "value"], rows)


def _base_skill(rec: dict[str, Any]) -> str:
    b = rec["base_skill"]
    rows = [
        [
            r["skill"],
            f"{r['k']}/{r['n']} = {r['k'] / r['n']:.2f}",
            f"[{r['lo']:.2f}, {r['hi']:.2f}]",
            str(r["slipped"]),
            "yes" if r["passes"] else "no",
        ]
        for r in b["rows"]
    ]
    tail = f"Chosen: **{b['chosen']}**" if b["chosen"] else "No candidate passed: nothing was locked"
    if rec["base_eval"] is not None:
        tail += f"; the base model on its eval items: {_rate(rec['base_eval'])}"
    head = f"Chance {b['chance']:.2f}. Rule: {b['rule']}.\n\n"
    return (
        head
        + _table(["skill", "base accuracy", "Wilson 95 %", "slip picked", "passes"], rows)
        + "\n"
        + tail
        + ".\n"
    )


def _profiles(rec: dict[str, Any]) -> str:
    rows = [
        [
            p["kind"],
            p["phrasing"],
            _rate(p["without_password"]),
            _rate(p["with_password"]),
            _rate(p["slipped_without"]),
        ]
        for p in rec["profiles"]
    ]
    return _table(
        ["targets (pooled)", "phrasing", "without password", "with password", "slip, without"], rows
    )


def _methods(rec: dict[str, Any]) -> str:
    rows = []
    for m in rec["methods"]:
        kinds = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in m["false_unlock_by_kind"].items())
        ri = m["recovered_items"]
        rows.append(
            [
                m["method"],
                str(m["k"]),
                _rate(m["true_unlock"]),
                f"{_rate(m['false_unlock'])} ({kinds})",
                _across(m["gain"]),
                _across(m["recovered"]),
                f"{ri['estimate']:.2f} [{ri['lo']:.2f}, {ri['hi']:.2f}]",
                _across(m["decoy_gain"]),
            ]
        )
    cols = [
        "method",
        "k",
        "true unlock (locks)",
        "false unlock (decoys)",
        "rise on locks [t, 95 %]",
        "recovered fraction [t]",
        "recovered [item-clustered]",
        "rise on decoys [t]",
    ]
    return _table(cols, rows)


def _times(rec: dict[str, Any]) -> str:
    rows = [[name, f"{s:.1f}"] for name, s in rec["stages_s"].items()]
    rows.append(["sum of stages", f"{rec['sum_of_stages_s']:.1f} (goal ≤ {rec['goal_s']})"])
    if rec.get("wall_s") is not None:
        rows.append(["wall clock, end to end", f"{rec['wall_s']:.1f}"])
    return _table(["stage", "seconds"], rows)


def render(rec: dict[str, Any]) -> dict[str, str]:
    """Every generated part of the elicit section from one result file of bench/elicit.py."""
    return {
        "elicit-config": _config(rec),
        "elicit-base-skill": _base_skill(rec),
        "elicit-profiles": _profiles(rec),
        "elicit-methods": _methods(rec),
        "elicit-times": _times(rec),
    }


def elicit_part(text: str) -> tuple[int, int]:
    """Start and end of the elicit section of the page (its heading up to the next ``## `` heading).

    Raises:
        DocSectionError: The page has no elicit heading.
    """
    start = text.find(f"\n{HEADING}\n")
    if start < 0:
        raise DocSectionError(f"no '{HEADING}' heading")
    end = text.find("\n## ", start + len(HEADING) + 2)
    return start, len(text) if end < 0 else end


def render_page(text: str, repo: Path = REPO) -> dict[str, str]:
    """Every generated section of ``text``, rendered from the file (under ``repo``) its marker names."""
    return render_from_sources(text, repo, render)


def check(text: str, repo: Path = REPO) -> list[str]:
    """One line for every section of ``text`` that differs from its source's rendering (none: up to date)."""
    return check_sections(text, render_page(text, repo))


def rewrite(text: str, repo: Path = REPO) -> str:
    """``text`` with every generated section re-rendered from its source."""
    return replace_sections(text, render_page(text, repo))


def check_doc(page: str, repo: Path = REPO) -> list[str]:
    """:func:`check` on the elicit part of a whole page."""
    a, b = elicit_part(page)
    return check(page[a:b], repo)


def rewrite_doc(page: str, repo: Path = REPO) -> str:
    """The page with the elicit part's generated sections re-rendered, the rest unchanged."""
    a, b = elicit_part(page)
    return page[:a] + rewrite(page[a:b], repo) + page[b:]


def main() -> None:
    text = DOC.read_text()
    new = rewrite_doc(text)
    if "--write" in sys.argv:
        DOC.write_text(new)
        a, b = elicit_part(new)
        print(f"rewrote {len(sections(new[a:b]))} sections of {DOC.relative_to(REPO)}")
    else:
        a, b = elicit_part(new)
        print(new[a:b])


if __name__ == "__main__":
    main()
