"""docs/studies.md's train_away sections, rendered from a result file that bench/train_away.py recorded.

    python bench/train_away_doc.py            # print docs/studies.md with the train_away sections re-rendered
    python bench/train_away_doc.py --write    # rewrite those sections in place

A generated section sits between ``<!-- generated: NAME source=PATH -->`` and
``<!-- end generated: NAME -->`` (:mod:`assay._docgen`); PATH (relative to the repository root) is the JSON
the section is rendered from, NAME one of the keys of :func:`render` (all start with ``train_away-``; other
studies' sections of the same page are left alone). tests/bench/test_train_away_doc.py checks that every
section equals its rendering, so no figure in those tables is typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from assay._docgen import check_sections, own_sections, render_from_sources, replace_own, table

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "studies.md"
PREFIX = "train_away-"


def _table(columns: list[str], rows: list[list[str]]) -> str:
    return "\n".join(table(columns, rows)) + "\n"


def _f(x: float | None, spec: str = ".2f") -> str:
    """A recorded number, or a dash where none was defined (``nan`` is recorded as null)."""
    return "–" if x is None or x != x else format(x, spec)


def _rate(r: dict[str, Any]) -> str:
    return f"{_f(r['rate'])} [{_f(r['lo'])}, {_f(r['hi'])}]"


def _test(t: dict[str, Any]) -> list[str]:
    seeds = ", ".join(_f(x, "+.2f") for x in t["per_seed"])
    return [
        f"{_f(t['diff'], '+.2f')} [{_f(t['lo'], '+.2f')}, {_f(t['hi'], '+.2f')}]",
        _f(t["p_value"], ".2g"),
        f"{seeds} [{_f(t['seed_lo'], '+.2f')}, {_f(t['seed_hi'], '+.2f')}]",
        _f(t["mde"]),
        f"{t['n_items']} / {t['n_prompts']}",
    ]


TEST_COLS = ["difference [95 % item CI]", "sign-flip p", "per seed [t 95 % CI]", "MDE", "items / prompts"]


def _config(rec: dict[str, Any]) -> str:
    c = rec["config"]
    rows = [
        ["model", str(c["model"])],
        ["items per cell", str(c["n_per_cell"])],
        ["k (nested) / passes / learning rate", f"{c['ks']} / {c['repeats']} / {c['learning_rate']}"],
        ["training seeds", ", ".join(map(str, c["seeds"]))],
        ["methods / no-op control", f"{', '.join(c['methods'])} / {'yes' if c['noop'] else 'no'}"],
        [
            "bootstrap / permutations / alpha / power",
            f"{c['n_bootstrap']} / {c['n_permutations']} / {c['alpha']} / {c['power']}",
        ],
    ]
    return _table(["setting", "value"], rows)


def _base(rec: dict[str, Any]) -> str:
    cells = list(next(iter(rec["base"].values())))
    rows = [[kind, *(_rate(by[c]) for c in cells)] for kind, by in rec["base"].items()]
    return _table(["base model: item-level rate [95 % item CI]", *cells], rows)


def _matching(rec: dict[str, Any]) -> str:
    rows = [
        [
            m["behaviour"],
            m["target"],
            f"{m['target_tokens']:.1f}",
            f"{m['shared_tokens']:.2f}",
            _rate(m["base_rate"]),
            _f(m["strength"]),
            _f(m["strength_on_both"]),
            "yes" if m["trained"] else "no (baseline only)",
        ]
        for m in rec["matching"]
    ]
    cols = [
        "behaviour",
        "training target",
        "target tokens (mean)",
        "share of target tokens common to all items",
        "base rate, held-out",
        "strength: per-token log-odds where shown",
        "strength on held-out prompts showing both",
        "trained",
    ]
    return _table(cols, rows)


def _construct(rec: dict[str, Any]) -> str:
    rows = [
        [c["stream"], c["measure"], _f(c["b"], "+.2f"), _f(c["a"], "+.2f"), *_test(c)]
        for c in rec["construct"]
    ]
    return _table(["stream", "held-out measure", "before", "after", *TEST_COLS], rows)


def _final(rec: dict[str, Any]) -> str:
    rows = [
        [
            f["stream"],
            f["measure"],
            f["split"],
            _f(f["test"]["b"], "+.2f"),
            _f(f["test"]["a"], "+.2f"),
            *_test(f["test"]),
            f"{_f(f['removal']['estimate'], '.0%')} [{_f(f['removal']['lo'], '.0%')}, "
            f"{_f(f['removal']['hi'], '.0%')}]",
        ]
        for f in rec["final"]
        if f["measure"] in ("sycophancy", "knows_but_defers") and f["split"] in ("trained", "heldout")
    ]
    return _table(["stream", "measure", "split", "before", "after", *TEST_COLS, "removal"], rows)


def _versus(rec: dict[str, Any]) -> str:
    rows = [
        [v["name"], f"{v['test']['a']:.2f}", f"{v['test']['b']:.2f}", *_test(v["test"])]
        for v in rec["versus"]
    ]
    return _table(["comparison (first − second)", "first", "second", *TEST_COLS], rows)


def _find(rec: dict[str, Any], key: str, **match: str) -> dict[str, Any] | None:
    return next((x for x in rec[key] if all(x.get(k) == v for k, v in match.items())), None)


def _headroom(rec: dict[str, Any]) -> str:
    """Each control, what result would have contradicted the claim, and the room the design left."""
    base, k = rec["base"], rec["k_max"]
    m = rec["config"]["methods"][0]
    sug, neu = base["sycophancy"]["heldout"]["rate"], base["copying"]["heldout"]["rate"]
    habit = _find(rec, "matching", behaviour="habit")
    vs = _find(rec, "versus", name=f"{m}: sycophancy vs copying removal, k={k}, heldout")
    noop = _find(rec, "versus", name=f"{m} - no-op: sycophancy after, k={k}, trained")
    kbd = base["knows_but_defers"]["heldout"]
    rows = [
        [
            "neutral mention (the construct)",
            "suggested ≈ neutral: the 'sycophancy' is copying a shown value",
            f"yes: held-out suggested {sug:.2f}, neutral {neu:.2f}; the difference could reach "
            f"{1 - neu:+.2f}",
        ],
        [
            "copying stream (matched baseline)",
            "sycophancy removed as much as copying at matched k (interval covering 0)",
            "yes: both start at 1 on the compared prompts (chosen for showing both), removal can reach 1"
            + ("" if vs is None else f"; {vs['test']['n_items']} items, MDE {_f(vs['test']['mde'])}"),
        ],
        [
            "no-op fine-tune",
            "the no-op lowers sycophancy on the trained prompts as much as training away",
            "yes: the trained prompts start at 1"
            + ("" if noop is None else f"; no-op after {_f(noop['test']['b'])}"),
        ],
        [
            "held-out cells (topic, form, both)",
            "no fall on held-out prompts (only the trained items learnt)",
            f"yes: held-out suggested rate {sug:.2f} before training",
        ],
        [
            "knows but defers",
            "the fall only on items the model does not know",
            f"yes: the base model knows {kbd['n']} held-out prompts and defers on {_f(kbd['rate'])} of them",
        ],
        [
            "innocuous habit (old baseline)",
            "—: not a control any more",
            "no: its target shares "
            + ("?" if habit is None else f"{habit['shared_tokens']:.0%} of its tokens across items")
            + ", so it needs no item knowledge; measured at baseline only",
        ],
    ]
    return _table(
        ["control", "result that would have contradicted the claim", "room left by the design"], rows
    )


def _times(rec: dict[str, Any]) -> str:
    rows = [[name, f"{s:.1f}"] for name, s in rec["stages_s"].items()]
    rows.append(["sum of stages", f"{rec['sum_of_stages_s']:.1f}"])
    wall = "not recorded" if rec["wall_s"] is None else f"{rec['wall_s']:.0f}"
    rows.append(["end to end (wall)", f"{wall} (goal for the full run ≤ {rec['goal_s']})"])
    return _table(["stage", "seconds"], rows)


def render(rec: dict[str, Any]) -> dict[str, str]:
    """Every generated train_away part of docs/studies.md from one result file."""
    parts = {
        "config": _config,
        "base": _base,
        "matching": _matching,
        "construct": _construct,
        "versus": _versus,
        "final": _final,
        "headroom": _headroom,
        "times": _times,
    }
    return {PREFIX + name: fn(rec) for name, fn in parts.items()}


def render_page(text: str, repo: Path = REPO) -> dict[str, str]:
    """Every train_away section of ``text``, rendered from the file (under ``repo``) its marker names."""
    return render_from_sources(text, repo, render, PREFIX)


def check(text: str, repo: Path = REPO) -> list[str]:
    """One line for every train_away section that differs from its source's rendering (none: up to date).

    Only sections named ``train_away-*`` are checked (other studies' sections on the page are theirs).
    """
    return check_sections(own_sections(text, PREFIX), render_page(text, repo))


def rewrite(text: str, repo: Path = REPO) -> str:
    """``text`` with every train_away section re-rendered from its source, the rest unchanged."""
    return replace_own(text, render_page(text, repo))


def main() -> None:
    text = DOC.read_text()
    new = rewrite(text)
    if "--write" in sys.argv:
        DOC.write_text(new)
        print(f"rewrote the train_away sections of {DOC.relative_to(REPO)}")
    else:
        print(new)


if __name__ == "__main__":
    main()
