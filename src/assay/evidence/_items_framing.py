"""Checklist sections S1 (framing) and S2 (data)."""

from __future__ import annotations

import json
import math
from datetime import UTC

import pandas as pd

from assay._outcome import Outcome
from assay.evidence._checklist import (
    AuditContext,
    Status,
    aggregated_source,
    comparison_rows,
    describe_selector,
    item,
    pct,
    pooled_rate,
    select_rows,
)
from assay.evidence._counts import negative_outcome
from assay.evidence._items_design import judge_field
from assay.evidence._language import LEVEL_RANK, downgrade, language_level
from assay.evidence._power import minimum_detectable_effect
from assay.evidence._schema import N_NOT_REPORTED
from assay.evidence._table import ERROR_OUTCOMES, FACTOR_PREFIX, factor_columns


@item("S1.1", "construct defined operationally", "declared")
def construct_defined(ctx: AuditContext) -> tuple[Status, str]:
    c = ctx.claim.construct_definition
    if c is None:
        return "missing", "the claim has no construct definition"
    return "declared", f"{c.name}: {c.definition}"


@item("S1.2", "target evidence level declared", "declared")
def target_level(ctx: AuditContext) -> tuple[Status, str]:
    return "declared", f"target level {ctx.claim.target_level}"


def _as_number(text: str) -> float | str:
    """A threshold as a number where it is one, so that ``30`` and ``30.0`` are the same threshold."""
    try:
        return float(text)
    except ValueError:
        return text


@item("S1.3", "decision rule fixed before the run", "declared+auto")
def decision_rule(ctx: AuditContext) -> tuple[Status, str]:
    rule = ctx.claim.decision_rule
    if rule is None:
        return "missing", "the claim declares no decision rule"
    if ctx.table is None:
        return "declared", f"{rule.description} (no run to check it against)"
    t = ctx.table
    problems: list[str] = []
    checks: list[str] = []
    scorers = set(t["scorer"].astype(str))
    if rule.scorer is not None:
        if scorers != {rule.scorer}:
            problems.append(f"rule names scorer {rule.scorer!r}, logs were scored by {sorted(scorers)}")
        else:
            checks.append(f"scorer {rule.scorer}")
    counted = set(t["outcome"].astype(str)) - {N_NOT_REPORTED}  # a rate without n names no outcome
    vocabulary = counted | {o.value for o in Outcome}
    read = dict(zip(rule.positive, ctx.positive, strict=False))  # 1.0 and true read as 1, as in the rates
    unknown = [
        p
        for p in rule.positive
        if p not in vocabulary and read.get(p, p) not in vocabulary and negative_outcome(p) not in counted
    ]
    if unknown and counted:
        problems.append(f"positive outcome(s) {unknown} never occur in the logs")
    if rule.judge is not None:
        configs = [json.loads(c) for c in set(t["judge_config"].astype(str)) - {""}]
        if not configs:
            problems.append("rule fixes a judge but the logs record no judge configuration")
        for field in ("model", "prompt_sha256", "threshold"):
            want = getattr(rule.judge, field)
            if want is None or not configs:
                continue
            seen = {judge_field(c, field) for c in configs}
            if field == "model":
                ok = all(str(want) in {m.strip() for m in v.split(",")} for v in seen)
            elif field == "threshold":
                ok = {_as_number(v) for v in seen} == {_as_number(str(want))}
            else:
                ok = seen == {str(want)}
            if not ok:
                problems.append(f"judge {field}: rule {want}, logs {sorted(seen)}")
            else:
                checks.append(f"judge {field}")
    if rule.declared_at is not None:
        first = min(pd.to_datetime(t["created"], utc=True, format="ISO8601"))
        declared = rule.declared_at if rule.declared_at.tzinfo else rule.declared_at.replace(tzinfo=UTC)
        if declared > first.to_pydatetime():
            problems.append(f"rule declared {declared.isoformat()} after the first run {first.isoformat()}")
        else:
            checks.append("declared before the first run")
    if problems:
        return "failed", "; ".join(problems)
    if checks:
        return "passed", f"{rule.description} — run matches: {', '.join(checks)}"
    return "declared", f"{rule.description} (nothing in the logs to check it against)"


@item("S1.4", "exclusions declared and counted")
def exclusions(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.subject is None or ctx.subject.empty:
        return ctx.no_data()
    t = ctx.subject
    if not t["errors_reported"].astype(bool).all():
        return "missing", "aggregated source: the count does not report what was excluded from n"
    errors = t["outcome"][t["outcome"].isin(list(ERROR_OUTCOMES))].value_counts()
    counted = ", ".join(f"{k} {v}" for k, v in errors.items()) or "none"
    n_excluded = int(errors.sum())
    if ctx.claim.exclusions is None:
        if n_excluded:
            return (
                "failed",
                f"{n_excluded} rows excluded ({counted}) but the claim declares no exclusion rule",
            )
        return "passed", "no rows excluded; the claim declares none"
    if not ctx.claim.exclusions and n_excluded:
        return "failed", f"the claim declares no exclusions, but {n_excluded} rows were excluded ({counted})"
    rules = "; ".join(ctx.claim.exclusions) or "none"
    return "passed", f"declared: {rules}; excluded from denominators: {n_excluded} ({counted})"


@item("S1.5", "two to five alternative explanations listed", "declared")
def alternatives(ctx: AuditContext) -> tuple[Status, str]:
    n = len(ctx.claim.alternative_explanations)
    if n == 0:
        return "missing", "no alternative explanations listed"
    if not 2 <= n <= 5:
        return "failed", f"{n} alternative explanation(s) listed; list two to five"
    return "declared", f"{n} listed: " + "; ".join(ctx.claim.alternative_explanations)


@item("S1.6", "deployment context stated", "declared")
def deployment(ctx: AuditContext) -> tuple[Status, str]:
    if not ctx.claim.deployment_context:
        return "missing", "no deployment context stated"
    return "declared", ctx.claim.deployment_context


@item("S1.7", "claim language matches the achieved level")
def language(ctx: AuditContext) -> tuple[Status, str]:
    asserted = language_level(ctx.claim.statement)
    _, flags = downgrade(ctx.claim.statement, ctx.achieved)  # type: ignore[arg-type]
    flags = [f for f in flags if LEVEL_RANK[f.needs] > LEVEL_RANK[ctx.achieved]]
    if LEVEL_RANK[asserted] <= LEVEL_RANK[ctx.achieved]:
        return "passed", f"wording asserts {asserted}; achieved {ctx.achieved}"
    phrases = ", ".join(f"'{f.phrase}' ({f.kind}, needs {f.needs})" for f in flags)
    if not flags:  # behavioural wording, but the evidence does not reach even L1
        return (
            "failed",
            f"a behavioural statement (L1) on evidence that reaches {ctx.achieved}: nothing is supported yet",
        )
    return (
        "failed",
        f"wording asserts {asserted}, achieved {ctx.achieved}: {phrases}; rewritten in the report",
    )


@item("S2.1", "n and m (distinct prompts / paraphrases) reported")
def n_and_m(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.table is None or ctx.summary is None:
        return ctx.no_data()
    s = ctx.summary
    if s.n_valid == 0:
        return "failed", f"no valid observations ({s.n_errors} errors)"
    if aggregated_source(ctx.subject, "") is not None and ctx.subject is not None:
        return _aggregated_n_and_m(ctx.subject, s.n_valid, s.n_errors)
    n_para = max((c.n_paraphrases for c in s.conditions), default=0)
    return "passed", (
        f"n = {s.n_valid} valid ({s.n_errors} errors) in {len(s.conditions)} condition(s); "
        f"m = {s.provenance.n_prompt_hashes} distinct prompts, up to {n_para} paraphrase(s) per condition"
    )


def _aggregated_n_and_m(rows: pd.DataFrame, n: int, errors: int) -> tuple[Status, str]:
    """S2.1 on counts: n from the counts; m only where every count states its distinct prompts."""
    per_count = rows.drop_duplicates(["source_ref", "condition_id", "measure"])
    prompts = pd.to_numeric(per_count["prompts"], errors="coerce")
    if prompts.isna().any():
        return "missing", (
            f"aggregated source: n = {n} valid ({errors} errors reported) from counts, but the number of "
            "distinct prompts (m) is not given for every count"
        )
    return "passed", f"n = {n} valid ({errors} errors) from counts; m = {int(prompts.sum())} distinct prompts"


@item("S2.2", "power: minimum detectable effect reported and below the claimed effect")
def power(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.subject is None or ctx.subject.empty:
        return ctx.no_data()
    claim = ctx.claim
    comp = claim.primary_comparison
    if comp is not None:
        col = f"{FACTOR_PREFIX}{comp.factor}"
        rows = comparison_rows(ctx, comp.factor)
        if rows is None or col not in rows.columns:
            return "failed", f"primary comparison factor {comp.factor!r} is not in the logs"
        treat = pooled_rate(rows[rows[col] == str(comp.treatment)], ctx.positive)
        ctrl = pooled_rate(rows[rows[col] == str(comp.control)], ctx.positive)
        if treat is None or ctrl is None or min(treat.n, ctrl.n) == 0:
            return "failed", f"comparison {comp.factor}: {comp.treatment} vs {comp.control} has an empty arm"
        if claim.claimed_effect is not None:
            from statsmodels.stats.proportion import confint_proportions_2indep

            lo, hi = confint_proportions_2indep(treat.k, treat.n, ctrl.k, ctrl.n, method="newcomb")
            if float(hi) < claim.claimed_effect:
                return "failed", (
                    f"observed effect {pct(treat.rate - ctrl.rate)} [{pct(float(lo))}, {pct(float(hi))}] "
                    f"({comp.factor} {comp.treatment} vs {comp.control}) "
                    f"excludes the claimed {pct(claim.claimed_effect)}"
                )
        deff = max(treat.design_effect, ctrl.design_effect)
        mde = minimum_detectable_effect(min(treat.n, ctrl.n), ctrl.rate, design_effect=deff)
        claimed = claim.claimed_effect or abs(treat.rate - ctrl.rate)
        source = "claimed" if claim.claimed_effect else "observed"
        n_arm = min(treat.n, ctrl.n)
        what = f"{comp.factor} {comp.treatment} vs {comp.control}, n = {n_arm} per arm, deff {deff:.2f}"
    else:
        rate = pooled_rate(ctx.subject, ctx.positive)
        if rate is None or rate.n == 0:
            return "failed", "no valid observations in the claim's subject"
        from scipy.stats import norm

        z = float(norm.ppf(0.975) + norm.ppf(0.8))
        p = min(max(rate.rate, 1 / rate.n), 1 - 1 / rate.n) if rate.n > 1 else 0.5
        mde = z * math.sqrt(p * (1 - p) * rate.design_effect / rate.n)
        if claim.claimed_effect is None and rate.k == 0:
            return (
                "not_applicable",
                f"no effect claimed (0 events in {rate.n}); MDE vs zero would be {pct(mde)}",
            )
        claimed = claim.claimed_effect or rate.rate
        source = "claimed" if claim.claimed_effect else "observed rate"
        what = f"rate vs zero, n = {rate.n}, deff {rate.design_effect:.2f}"
    if not math.isfinite(mde):
        return "failed", f"MDE not reachable at this n ({what})"
    status: Status = "passed" if mde < claimed else "failed"
    return status, f"MDE {pct(mde)} at 80 % power ({what}) vs {source} effect {pct(claimed)}"


@item("S2.3", "more than one scenario or domain")
def scenarios(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.subject is None or ctx.subject.empty:
        return ctx.no_data()
    t = ctx.subject
    names = set(t["task"].astype(str))
    if f"{FACTOR_PREFIX}scenario" in t.columns:
        names = {f"{a}/{b}" for a, b in zip(t["task"], t[f"{FACTOR_PREFIX}scenario"], strict=True)}
    if len(names) > 1:
        return "passed", f"{len(names)} scenarios in the claim's subject: " + ", ".join(sorted(names)[:8])
    return "failed", f"the claim's subject covers one scenario only: {next(iter(names))}"


@item("S2.4", "surface-cue check: outcome regressed on prompt length and key tokens")
def surface_cues(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.summary is None or ctx.summary.surface_cues is None:
        return ctx.no_data()
    sc = ctx.summary.surface_cues
    if sc.status != "ok":
        return (
            "missing",
            f"not estimable: {sc.note or 'no variation'} (needs paraphrases of differing length)",
        )
    alpha = ctx.summary.alpha
    hits = [t for t in sc.terms if t.p_adjusted < alpha]
    tested = ", ".join(t.cue for t in sc.terms)
    if hits:
        found = "; ".join(f"{t.cue}: {t.estimate:+.3f} (p_holm {t.p_adjusted:.3g})" for t in hits)
        return "failed", f"outcome tracks surface cues within conditions: {found}"
    return "passed", f"tested {tested} within conditions ({sc.method}); none significant"


@item("S2.5", "matched contrast pairs present")
def contrast_pairs(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.subject is None or ctx.subject.empty or ctx.summary is None:
        return ctx.no_data()
    paired = [c for c in ctx.summary.paired if c.kind == "conditions"]
    if paired:
        return "passed", f"{len(paired)} matched condition pair(s) via pair_id in the claim's subject"
    pairs = []
    for col in factor_columns(ctx.subject):
        rows = comparison_rows(ctx, col[len(FACTOR_PREFIX) :])
        if rows is None or rows.empty:
            continue
        others = ["task", *[c for c in factor_columns(rows) if c != col]]
        varying = rows[[*others, col]].drop_duplicates().groupby(others)[col].nunique()
        if (varying > 1).any():
            pairs.append(col[len(FACTOR_PREFIX) :])
    if pairs:
        return "passed", (
            "factorial contrasts around the claim's subject (conditions differing in one factor only): "
            + ", ".join(pairs)
        )
    return (
        "failed",
        "no condition differs from the subject in exactly one factor, and no pair_id links samples",
    )


@item("S2.6", "negative control conditions present and near zero")
def negative_controls(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.table is None:
        return ctx.no_data()
    controls = ctx.claim.negative_controls
    if not controls:
        return "missing", "the claim names no negative control conditions"
    limit = ctx.claim.control_max_rate
    subject = pooled_rate(ctx.subject, ctx.positive) if ctx.subject is not None else None
    parts: list[str] = []
    bad: list[str] = []
    for sel in controls:
        rate = pooled_rate(select_rows(ctx.table, sel), ctx.positive)
        label = describe_selector(sel)
        if rate is None or rate.n == 0:
            bad.append(f"{label}: no valid rows")
            continue
        text = f"{label}: {rate.k}/{rate.n} = {pct(rate.rate)} [{pct(rate.lo)}, {pct(rate.hi)}]"
        if rate.hi > limit:
            bad.append(f"{text}: upper bound above {pct(limit)}")
        elif subject is not None and subject.k > 0 and rate.hi >= subject.rate:
            bad.append(f"{text}: not below the subject's rate {pct(subject.rate)}, so it controls nothing")
        else:
            parts.append(text)
    if bad:
        return "failed", "control(s) not shown near zero: " + "; ".join(bad)
    return "passed", "; ".join(parts) + f" (upper bounds <= {pct(limit)})"


@item("S2.7", "prompt provenance: hashes of every rendered prompt stored")
def prompt_hashes(ctx: AuditContext) -> tuple[Status, str]:
    if ctx.summary is None:
        return ctx.no_data()
    p = ctx.summary.provenance
    if p.n_rows_without_hash:
        return "failed", f"{p.n_rows_without_hash} rows have no prompt_sha256 in their sample metadata"
    return "passed", f"{p.n_prompt_hashes} distinct prompt hashes; set digest {p.prompt_set_sha256[:16]}"
