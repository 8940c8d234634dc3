"""docs/emergent.md's result tables, rendered from a result file that bench/emergent.py recorded.

    python bench/emergent_doc.py            # print docs/emergent.md with every generated section re-rendered
    python bench/emergent_doc.py --write    # rewrite those sections in place

A generated section sits between ``<!-- generated: NAME source=PATH -->`` and
``<!-- end generated: NAME -->`` (:mod:`assay._docgen`); PATH (relative to the repository root) is the JSON
the section is rendered from, NAME one of the keys of :func:`render`. tests/bench/test_emergent_doc.py checks
that every section equals its rendering, so no figure in those tables is typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from assay._docgen import (
    check_sections,
    render_from_sources,
    replace_sections,
    sections,
    table,
)

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "emergent.md"


def _ci(i: dict[str, Any], sign: str = "") -> str:
    return f"{i['estimate']:{sign}.3f} [{i['lo']:{sign}.3f}, {i['hi']:{sign}.3f}]"


def _table(columns: list[str], rows: list[list[str]]) -> str:
    return "\n".join(table(columns, rows)) + "\n"


def _frac(r: dict[str, Any]) -> str:
    return f"{r['k']}/{r['n']} = {r['rate']:.2f}"


def _config(rec: dict[str, Any]) -> str:
    c = rec["config"]
    rows = [
        ["model", str(c["model"])],
        ["training seeds", ", ".join(str(s) for s in c["seeds"])],
        ["examples per arm / epochs", f"{c['n_train']} / {c['epochs']}"],
        ["free-text answers per question and model", str(c["free_text_samples"])],
        ["judge configurations", ", ".join(c["judges"])],
        [
            "causal test: items / capability items / random directions",
            (f"{c['causal']['n_items']} / {c['causal']['n_capability']} / {c['causal']['n_random']}"),
        ],
        ["bootstrap replicates", str(c["n_bootstrap"])],
    ]
    return _table(["setting", "value"], rows)


def _arms(rec: dict[str, Any]) -> str:
    rows = [
        [
            arm,
            f"{a['share']['k']}/{a['share']['n']} = {_ci(a['share_ci'])}",
            _ci(a["log_odds"], "+"),
            "–" if a["minus_base"] is None else _ci(a["minus_base"], "+"),
            ", ".join(f"{x:.3f}" for x in a["per_seed_share"]),
            ", ".join(f"{x:.3f}" for x in a["per_phrasing_share"]),
            _frac(a["narrow"]),
            _frac(a["capability"]),
        ]
        for arm, a in rec["arms"].items()
    ]
    cols = [
        "arm",
        "misaligned preferred [95 %]",
        "mean log-odds [95 %]",
        "minus base (share)",
        "per seed",
        "per phrasing",
        "narrow check",
        "capability",
    ]
    return _table(cols, rows)


def _contrasts(rec: dict[str, Any]) -> str:
    rows = []
    for ctrl, c in rec["contrasts"].items():
        label = f"harmful − {ctrl}" + (" (primary)" if ctrl == rec["primary"] else "")
        rows.append(
            [
                label,
                _ci(c["share"], "+"),
                f"{c['mde_share']:.3f}",
                _ci(c["log_odds"], "+"),
                f"{c['mde_log_odds']:.2f}",
                ", ".join(f"{x:+.3f}" for x in c["per_seed_share"]),
            ]
        )
    cols = [
        "contrast",
        "share difference [95 %]",
        "MDE (share)",
        "log-odds difference [95 %]",
        "MDE (log-odds)",
        "per seed (share)",
    ]
    return _table(cols, rows)


def _causal(rec: dict[str, Any]) -> str:
    rows = []
    for kind, c in rec["causal"].items():
        s, n = c["share"], c["n_items"]
        rows.append(
            [
                f"{kind} in {c['model']}",
                f"{c['before_share']:.3f}",
                f"{s['target']:+.3f}",
                f"{s['random_median']:+.3f} [{s['random_2.5']:+.3f}, {s['random_97.5']:+.3f}]",
                f"{s['p_random']:.3f}",
                "none"
                if s["detectable"] is None
                else f"{s['detectable']:.3f} ({round(s['detectable'] * n)}/{n})",
                f"{c['logodds']['target']:+.2f} (p {c['logodds']['p_random']:.3f})",
                f"{c['capability']['target']:+.3f} (p {c['capability']['p_random']:.3f})",
            ]
        )
    cols = [
        "intervention",
        "misaligned share before",
        "change",
        "random: median [2.5 %, 97.5 %]",
        "p (random)",
        "detectable change",
        "log-odds change",
        "capability change",
    ]
    d = rec["declaration"]
    head = (
        f"Direction: block {d['layer']}, harmful − {d['reference']} "
        f"(seeds {', '.join(map(str, d['seeds']))}), "
        f"fitted on {d['n_items']} direction-split items; norm {d['norm']:.1f}, mean residual norm "
        f"{d['residual_norm']:.1f}; cosine with each arm's own difference from the base model: "
        + ", ".join(f"{a} {v['cosine_with_declared']:+.2f}" for a, v in d["other_arms"].items())
        + ".\n\n"
    )
    return head + _table(cols, rows)


def _times(rec: dict[str, Any]) -> str:
    rows = [[name, f"{s:.1f}"] for name, s in rec["stages_s"].items()]
    rows.append(["sum of stages", f"{rec['sum_of_stages_s']:.1f} (goal ≤ {rec['goal_s']})"])
    return _table(["stage", "seconds"], rows)


def _budget(rec: dict[str, Any]) -> str:
    """The timed training stage and what it projects for v3 (the forward pass scaled by sequences)."""
    m = rec["measure_s"]
    scale = rec["n_sequences_v3"] / rec["n_sequences_v2"]
    per_stage = rec["train_s"] + m["forward_pass"] * scale + m["free_text"] / 2 + m["activations"]
    n = rec["n_train_stages_v3"]
    return (
        "One SmolLM2 training stage timed alone under the shared lock "
        f"({rec['date']}, commit {rec['commit']}) took {rec['stage_train_s']:.0f} s: training "
        f"{rec['train_s']:.0f} s, forward-pass measures {m['forward_pass']:.1f} s for "
        f"{rec['n_sequences_v2']} sequences, free text {m['free_text']:.1f} s (model load and trunk cache "
        f"{rec['load_and_trunk_s']:.0f} s). Scaled to v3 ({rec['n_sequences_v3']} sequences, one free-text "
        f"answer per question) a stage takes about {per_stage:.0f} s, so the {n} training stages about "
        f"{n * per_stage / 60:.0f} min at this machine's load.\n"
    )


def render(rec: dict[str, Any]) -> dict[str, str]:
    """Every generated part of docs/emergent.md from one result file.

    A run recorded by ``bench/emergent.py --from`` gives the result tables; the timed training stage
    (``bench/results/emergent-v3-train-stage.json``) gives the budget sentence.
    """
    if "stage_train_s" in rec:
        return {"budget": _budget(rec)}
    return {
        "config": _config(rec),
        "contrasts": _contrasts(rec),
        "arms": _arms(rec),
        "causal": _causal(rec),
        "times": _times(rec),
    }


def render_page(text: str, repo: Path = REPO) -> dict[str, str]:
    """Every generated section of ``text``, rendered from the file (under ``repo``) its marker names."""
    return render_from_sources(text, repo, render)


def check(text: str, repo: Path = REPO) -> list[str]:
    """One line for every section of ``text`` that differs from its source's rendering (none: up to date)."""
    return check_sections(text, render_page(text, repo))


def rewrite(text: str, repo: Path = REPO) -> str:
    """``text`` with every generated section re-rendered from its source."""
    return replace_sections(text, render_page(text, repo))


def main() -> None:
    text = DOC.read_text()
    new = rewrite(text)
    if "--write" in sys.argv:
        DOC.write_text(new)
        print(f"rewrote {len(sections(new))} sections of {DOC.relative_to(REPO)}")
    else:
        print(new)


if __name__ == "__main__":
    main()
