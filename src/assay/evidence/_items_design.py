"""Checklist section S3 (design and measurement)."""

from __future__ import annotations

from assay.evidence._checklist import AuditContext, Status, item, pct
from assay.evidence._rates import binomial_rate
from assay.evidence._robustness import paraphrase_spread
from assay.evidence._table import ERROR_OUTCOMES, cluster_keys

NO_LOGS = "no logs: the claim's evidence has not been produced or was not found"


def _model_change(ctx: AuditContext) -> bool:
    return ctx.claim.model_change or any(m.model_change for m in ctx.metrics)


@item("S3.1", "K > 1 generations per prompt")
def generations(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.subject is None or ctx.subject.empty:
        return ctx.no_data()
    valid = ctx.subject[~ctx.subject["outcome"].isin(list(ERROR_OUTCOMES))]
    if valid.empty:
        return "failed", "no valid rows"
    # generations of one prompt by one subject: rows of another replicate (implant seed, lock) are another
    # organism answering, not a second generation (pattern 9: pseudo-replication)
    per = valid.groupby([valid["model"], valid["replicate"].astype(str), cluster_keys(valid)]).size()
    k_min, k_med = int(per.min()), float(per.median())
    if k_min > 1:
        return "passed", f"K = {k_min} to {int(per.max())} generations per prompt (median {k_med:g})"
    return "failed", f"some prompts have a single generation (K min {k_min}, median {k_med:g})"


@item("S3.2", "paraphrase ablation, between-paraphrase variance reported")
def paraphrases(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.subject is None or ctx.subject.empty or ctx.summary is None:
        return ctx.no_data()
    spread = paraphrase_spread(ctx.subject, ctx.positive, ctx.summary.alpha)
    if spread.n_with_paraphrases < spread.n_conditions:
        single = spread.n_conditions - spread.n_with_paraphrases
        return "failed", f"{single} of {spread.n_conditions} condition(s) have a single paraphrase"
    return "passed", (
        f"m up to {spread.max_paraphrases} paraphrases; between-paraphrase SD of the rate (median) "
        f"{pct(spread.between_sd_median)}, max range {pct(spread.max_range)}; "
        f"{spread.n_heterogeneous} condition(s) with significant paraphrase differences (Holm)"
    )


@item("S3.3", "sampling ablation (temperature or decoding)")
def sampling(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.summary is None:
        return ctx.no_data()
    settings = ctx.summary.sampling_settings  # of the claim's subject
    if len(settings) > 1:
        return "passed", f"{len(settings)} sampling settings: " + "; ".join(settings)
    return "failed", "one sampling setting: " + "; ".join(settings)


def judge_field(config: dict[str, object], name: str) -> str:
    """Return a judge-config field as text; ``model`` also reads a ``models`` list (a judge panel)."""
    value = config.get(name)
    models = config.get("models")
    if name == "model" and value is None and isinstance(models, list):
        value = ", ".join(str(m) for m in models)
    return "" if value is None else str(value)


@item("S3.6", "decision-rule sensitivity: threshold sweep, <= vs <, argmax vs weighted")
def rule_sensitivity(ctx: AuditContext) -> tuple[Status, str]:
    sweep = [(v.rule, v.rate) for v in (ctx.summary.rule_sweep if ctx.summary else [])]
    sweep += [(v.rule, v.rate) for m in ctx.metrics for v in m.decision_rule_sensitivity]
    if not sweep:
        return "missing", "no judge scores in the logs and no 'decision_rule_sensitivity' in study metrics"
    rates = [r for _, r in sweep]
    return "passed", f"{len(sweep)} rule variants; rate ranges {pct(min(rates))} to {pct(max(rates))}"


@item("S3.7", "effect sizes with CIs, clustered by prompt")
def effects(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.summary is None:
        return ctx.no_data()
    fits = [f for f in ctx.summary.factor_effects if f.status != "no_factors"]
    paired = ctx.summary.paired
    if not fits and not paired:
        return (
            "not_applicable",
            "one condition: no effect to estimate (its rate's interval is clustered by prompt)",
        )
    bad = [f for f in fits if f.status == "not_estimable"]
    if bad and not paired:
        return "failed", "factor effects not estimable: " + "; ".join(f"{f.scope}: {f.note}" for f in bad)
    n_terms = sum(len(f.terms) for f in fits)
    kinds = sorted({f.model for f in fits if f.terms})
    return (
        "passed",
        f"{n_terms} factor term(s) ({', '.join(kinds) or 'none'}, cluster-robust by prompt); "
        f"{len(paired)} paired comparison(s) with cluster bootstrap CIs",
    )


@item("S3.8", "zero-event cells get a rule-of-three upper bound")
def zero_cells(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.summary is None:
        return ctx.no_data()
    if not any(c.n > 0 for c in ctx.summary.conditions):  # every row an error: nothing was checked
        return "failed", "no valid observations: no rate to bound"
    zeros = [c for c in ctx.summary.conditions if c.k == 0 and c.n > 0]
    if not zeros:
        return "passed", "no zero-event condition (checked): no bound needed"
    if any(c.rule_of_three_hi is None for c in zeros):
        return "failed", "a zero-event condition lacks its upper bound"
    worst = max(zeros, key=lambda c: c.rule_of_three_hi or 0)
    return (
        "passed",
        f"{len(zeros)} zero-event condition(s); upper bounds 3/n reported "
        f"(largest {pct(worst.rule_of_three_hi)})",
    )


@item("S3.9", "refusals, empties, API and judge errors reported separately, never as safe")
def errors_separate(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.summary is None:
        return ctx.no_data()
    s = ctx.summary
    if ctx.subject is not None and not ctx.subject["errors_reported"].astype(bool).all():
        return "missing", "aggregated source: the count does not report errors apart, so they may be in n"
    shown = ", ".join(f"{k} {v}" for k, v in sorted(s.outcome_counts.items()))
    return "passed", f"errors kept out of every denominator and shown beside it; outcomes: {shown}"


@item("S3.10", "multiple comparisons corrected (Holm or BH)")
def multiplicity(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.summary is None:
        return ctx.no_data()
    s = ctx.summary
    n_tests = sum(t.estimable for f in s.factor_effects for t in f.terms) + len(s.paired)
    if n_tests <= 1:
        return "not_applicable", f"{n_tests} test(s): nothing to correct"
    method = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg"}[s.adjust_method]
    return "passed", f"{method} applied within each family ({n_tests} tests)"


@item("S3.11", "capability measured before and after any model change")
def capability(ctx: AuditContext) -> tuple[Status, str]:
    if not _model_change(ctx):
        return "not_applicable", "no model change in this claim"
    caps = [m.capability for m in ctx.metrics if m.capability is not None]
    if not caps:
        return "missing", "no 'capability' block in the study metrics"
    c = caps[0]
    before = binomial_rate(c.before.k, c.before.n)
    after = binomial_rate(c.after.k, c.after.n)
    return "passed", (
        f"{c.metric}: before {pct(before.rate)} [{pct(before.lo)}, {pct(before.hi)}], "
        f"after {pct(after.rate)} [{pct(after.lo)}, {pct(after.hi)}]"
    )


@item("S3.12", "benign-shift control: same-size training on innocuous data compared")
def benign_shift(ctx: AuditContext) -> tuple[Status, str]:
    if not _model_change(ctx):
        return "not_applicable", "no model change in this claim"
    shifts = [m.benign_shift for m in ctx.metrics if m.benign_shift is not None]
    if not shifts:
        return "missing", "no 'benign_shift' block in the study metrics"
    b = shifts[0]
    treat = binomial_rate(b.treatment.k, b.treatment.n)
    ctrl = binomial_rate(b.control.k, b.control.n)
    return "passed", (
        f"{b.metric or 'behaviour'}: treatment {pct(treat.rate)} [{pct(treat.lo)}, {pct(treat.hi)}] vs "
        f"innocuous-training control {pct(ctrl.rate)} [{pct(ctrl.lo)}, {pct(ctrl.hi)}]"
    )
