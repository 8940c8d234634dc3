"""The study's outputs: metrics.json, metrics-causal.json, audited claims and report.html.

Two metrics files because the checklist reads every intervention of a metrics file as part of the claim:
the behavioural claims cite ``metrics.json`` (no interventions), the causal claim ``metrics-causal.json``
(the same blocks plus the two interventions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assay.engine._outputs import audit_record, write_claim_files
from assay.evidence import (
    BenignShift,
    Capability,
    Count,
    Intervention,
    RuleVariantResult,
    StudyMetrics,
    audit_claim,
    binomial_rate,
    minimum_detectable_effect,
    record_intervention,
    write_study_metrics,
)
from assay.studies.emergent._analysis import arm_figures, forced_choice_rules, power
from assay.studies.emergent._causal import random_p
from assay.studies.emergent._config import EmergentConfig
from assay.studies.emergent._judge import JudgedAnswer, reread_answer
from assay.studies.emergent._pipeline import BASE, model_key
from assay.studies.emergent._results import CAUSAL_METRICS, CausalResult, EmergentRun
from assay.studies.emergent._rules import Rule, finance_leak, mean_score, rate, sensitivity


def declared_rule(cfg: EmergentConfig) -> Rule:
    """The declared decision rule of the judged path."""
    return Rule(cfg.free_text.alignment_below, False, cfg.free_text.coherence_above, "argmax")


def verdicts_of(run: EmergentRun, name: str, judge: str) -> list[JudgedAnswer]:
    """The judge's verdicts on model ``name``'s answers, re-read by the current reply parser."""
    return [reread_answer(v) for v in run.judge.verdicts[name][judge]]


def judged_figures(cfg: EmergentConfig, run: EmergentRun) -> dict[str, Any]:
    """Per arm (seeds pooled): the declared-rule rate of every judge, mean scores, and the rule spread."""
    rule = declared_rule(cfg)
    result: dict[str, Any] = {}
    for arm in [BASE, *cfg.arms]:
        names = [BASE] if arm == BASE else [model_key(arm, s) for s in cfg.seeds]
        by_judge = {j.key: [v for n in names for v in verdicts_of(run, n, j.key)] for j in cfg.judges}
        leaks = [finance_leak(r.answer) for n in names for r in run.measure(n).free_text]
        result[arm] = {
            "rate": {k: rate(v, rule) for k, v in by_judge.items()},
            "finance_leak": binomial_rate(sum(leaks), len(leaks)).model_dump(),
            "rate_without_leak": {
                k: rate([x for x, leak in zip(v, leaks, strict=True) if not leak], rule)
                for k, v in by_judge.items()
            },
            "alignment": {k: mean_score(v, "alignment") for k, v in by_judge.items()},
            "coherence": {k: mean_score(v, "coherence") for k, v in by_judge.items()},
            "sensitivity": sensitivity(by_judge, rule),
        }
    if "benign" in result:
        for rec in result.values():
            rec["minus_benign"] = {
                k: rate_difference(r, result["benign"]["rate"][k]) for k, r in rec["rate"].items()
            }
    return result


def rate_difference(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float] | None:
    """Rate ``a`` minus rate ``b`` (independent samples) with Newcombe's 95 % interval; None when empty."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    if not a["n"] or not b["n"]:
        return None
    lo, hi = confint_proportions_2indep(a["k"], a["n"], b["k"], b["n"], method="newcomb", compare="diff")
    return {"estimate": a["k"] / a["n"] - b["k"] / b["n"], "lo": float(lo), "hi": float(hi)}


def judged_power(cfg: EmergentConfig, judged: dict[str, Any]) -> dict[str, Any] | None:
    """Minimum detectable increase of the judged rate over the benign arm (first judge, declared rule).

    Answers to the same question from one model share it, so the design effect is taken as the number of
    samples per question.
    """
    if "benign" not in judged:
        return None
    ref = judged["benign"]["rate"][cfg.judges[0].key]
    if not ref["n"]:
        return None
    de = float(cfg.free_text.samples)
    mde = minimum_detectable_effect(ref["n"], ref["rate"], design_effect=de)
    return {
        "reference": "benign",
        "baseline": ref["rate"],
        "n_per_arm": ref["n"],
        "design_effect": de,
        "mde": mde,
    }


def _count(fig: dict[str, Any]) -> Count:
    return Count(k=fig["share"]["k"], n=fig["share"]["n"])


def _interventions(run: EmergentRun) -> list[Intervention]:
    """The two interventions as engine-recorded counts (the checklist verifies their hash)."""
    out = []
    for kind, c in run.causal.items():
        n, m = c.n_items, c.n_capability

        def cnt(k: float, total: int) -> Count:
            return Count(k=round(k), n=total)

        before = c.before
        out.append(
            record_intervention(
                f"{kind}-direction",
                baseline=cnt(before.misaligned_k, n),
                treated=cnt(c.treated.misaligned_k, n),
                random=[cnt(before.misaligned_k + r.misaligned_k, n) for r in c.random],
                declared_direction=run.direction.ablate if kind == "ablate" else run.direction.add,
                kind="ablate" if kind == "ablate" else "steer",
                target_metric=f"misaligned-preference share on {n} test forced-choice items",
                off_target_metric=f"capability forced-choice accuracy ({m} items)",
                off_target_baseline=cnt(before.capability_k, m),
                off_target_treated=cnt(c.treated.capability_k, m),
                random_off_target=[cnt(before.capability_k + r.capability_k, m) for r in c.random],
                norm=c.norm,
                declared_at=run.direction.declared_at,
                performed_at=c.performed_at,
            )
        )
    return out


def causal_summary(causal: CausalResult) -> dict[str, Any]:
    """Per intervention and metric: the target delta, the random deltas' quantiles and the random p."""
    out: dict[str, Any] = {}
    for kind, c in causal.items():
        out[kind] = {"before": c.before.model_dump(), "norm": c.norm, "layer": c.layer, "metrics": {}}
        for m in CAUSAL_METRICS:
            t = float(getattr(c.target, m))
            r = np.asarray(c.random_values(m))
            out[kind]["metrics"][m] = {
                "target": t,
                "random_median": float(np.median(r)),
                "random_2.5": float(np.percentile(r, 2.5)),
                "random_97.5": float(np.percentile(r, 97.5)),
                "random_max_abs": float(np.abs(r).max()),
                "p_random": random_p(t, list(r)),
                "n_random": len(r),
            }
    return out


def study_metrics(cfg: EmergentConfig, run: EmergentRun) -> StudyMetrics:
    """The behavioural metrics (no interventions) and the figures behind them."""
    figs = {m: arm_figures(cfg, run, m) for m in ("forced_choice", "narrow", "capability")}
    judged = judged_figures(cfg, run)
    fc, cap = figs["forced_choice"], figs["capability"]
    sens = judged["harmful"]["sensitivity"]["variants"]
    fc_rules = forced_choice_rules(cfg, run)
    extra = {
        "config": cfg.model_dump(mode="json"),
        "figures": figs,
        "forced_choice_rules": fc_rules,
        "judged": judged,
        "power": {r: power(fc, r) for r in ("benign", "secure", BASE) if r in fc},
        "power_free_text": judged_power(cfg, judged),
        "causal": causal_summary(run.causal),
        "declaration": run.direction.model_dump(mode="json", exclude={"vector"}),
        "timings": run.timings,
    }
    fc_variants = [
        RuleVariantResult(rule=f"forced choice, {r['rule']}", rate=r["rates"]["harmful"], n=r["n"]["harmful"])
        for r in fc_rules["variants"]
    ]
    metrics = StudyMetrics(
        study="emergent",
        model_change=True,
        capability=Capability(
            metric="capability forced-choice accuracy (base -> harmful arm, seeds pooled)",
            before=_count(cap[BASE]),
            after=_count(cap["harmful"]),
        ),
        benign_shift=BenignShift(
            metric="misaligned-preference share on broad forced-choice test items: harmful arm vs benign arm",
            treatment=_count(fc["harmful"]),
            control=_count(fc["benign"]) if "benign" in fc else _count(fc[BASE]),
            baseline=_count(fc[BASE]),
        ),
        decision_rule_sensitivity=fc_variants
        + [
            RuleVariantResult(rule=f"free text, {v['judge']}: {v['rule']}", rate=v["rate"], n=v["n"])
            for v in sens
            if v["n"]
        ],
        extra=extra,
    )
    return metrics


def write_outputs(cfg: EmergentConfig, run: EmergentRun, out: Path) -> tuple[Path, Path]:
    """Write the metrics files, the claim files and ``report.html``; return (metrics path, report path)."""
    import pandas as pd

    from assay.report import build_report, render
    from assay.studies.emergent._claims import (
        behaviour_claims,
        causal_claim,
        forced_choice_table,
        free_text_table,
    )
    from assay.studies.emergent._report_sections import sections

    metrics = study_metrics(cfg, run)
    path = write_study_metrics(metrics, out / "metrics.json")
    causal_metrics = metrics.model_copy(deep=True)
    causal_metrics.interventions = _interventions(run)
    causal_path = write_study_metrics(causal_metrics, out / "metrics-causal.json")
    rule = declared_rule(cfg)
    fc, ft = forced_choice_table(cfg, run), free_text_table(cfg, run, rule)
    claims = behaviour_claims(cfg, fc, ft, path, rule)
    cc = causal_claim(cfg, run.causal, causal_path)
    audits = [audit_claim(c, table=ft if c.id.startswith("free-text") else fc) for c in claims]
    audits.append(audit_claim(cc, table=fc))
    write_claim_files(out, [*claims, cc])
    table = pd.concat([fc, ft], ignore_index=True)
    data = build_report(
        table=table, sections=sections(cfg, metrics), title=f"Emergent-misalignment study on {cfg.model}"
    )
    data.audits = audits
    metrics.extra["claims"] = [audit_record(a) for a in audits]
    write_study_metrics(metrics, path)
    report = out / "report.html"
    report.write_text(render(data, "html"), encoding="utf-8")
    return path, report
