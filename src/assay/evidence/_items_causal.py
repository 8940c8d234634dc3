"""Checklist section S4 (causal and mechanistic evidence), read from study metrics files."""

from __future__ import annotations

from datetime import UTC, datetime

from assay.evidence._checklist import AuditContext, Status, comparison_rows, item, pooled_rate
from assay.evidence._claim import Prediction
from assay.evidence._intervention import RANDOM_ALPHA, verify_intervention
from assay.evidence._language import scan_language
from assay.evidence._metrics import Estimate, Intervention
from assay.evidence._table import FACTOR_PREFIX

#: Largest |off-target delta| / |target delta| that still counts as specific.
SPECIFICITY_RATIO = 0.5

_LOWER = ("lower", "reduc", "decreas", "suppress", "eliminat", "prevent")


def _interventions(ctx: AuditContext) -> list[Intervention]:
    return [i for m in ctx.metrics for i in m.interventions]


def _absent(ctx: AuditContext, what: str) -> tuple[Status, str]:
    """No intervention: missing whatever the target (L3 can only rest on one that exists)."""
    return "missing", f"{what}; L3 needs a recorded intervention (assay.evidence.record_intervention)"


def _wording_direction(ctx: AuditContext) -> list[str]:
    """Contradictions between effect verbs in the statement ("lowers") and the interventions' deltas."""
    out = []
    for flag in scan_language(ctx.claim.statement):
        if flag.kind != "causal" or not flag.replacement.startswith("was followed by"):
            continue
        says_lower = flag.phrase.lower().startswith(_LOWER)
        for iv in _interventions(ctx):
            d = iv.target_delta.estimate
            if (says_lower and d >= 0) or (not says_lower and d <= 0):
                out.append(f"wording '{flag.phrase}' but '{iv.name}' moved the target by {d:+.3f}")
    return out


def _causal_ok(ctx: AuditContext) -> bool:
    return all(
        check(ctx)[0] == "passed"
        for check in (intervention, direction_declared, specificity, random_baseline)
    )


@item("S4.1", "correlational evidence (probes) not described as causal")
def correlational(ctx: AuditContext) -> tuple[Status, str]:
    causal = [f.phrase for f in scan_language(ctx.claim.statement) if f.kind == "causal"]
    probes = [p for m in ctx.metrics for p in m.probes]
    if causal and not _causal_ok(ctx):
        return "failed", f"causal wording ({', '.join(causal)}) without a passing targeted intervention"
    contradictions = _wording_direction(ctx)
    if contradictions:
        return "failed", "; ".join(contradictions)
    if probes:
        return "passed", f"{len(probes)} probe result(s); " + (
            "causal wording backed by an intervention" if causal else "no causal wording"
        )
    return "passed", "no causal wording" if not causal else "causal wording backed by an intervention"


@item("S4.2", "targeted intervention performed (steer, ablate, patch)")
def intervention(ctx: AuditContext) -> tuple[Status, str]:
    ivs = _interventions(ctx)
    if not ivs:
        return _absent(ctx, "no intervention in the study metrics")
    bad = [f"'{i.name}': {'; '.join(p)}" for i in ivs if (p := verify_intervention(i))]
    if bad:
        return "failed", "; ".join(bad)
    text = "; ".join(
        f"{i.kind} '{i.name}' on {i.target_metric or 'target'}: delta {_est(i.target_delta)} "
        f"(recorded counts: {i.record.treated.k}/{i.record.treated.n} vs {i.record.baseline.k}/"
        f"{i.record.baseline.n}, sha256 {i.record.sha256[:12]})"
        for i in ivs
        if i.record is not None
    )
    return "passed", text


def _est(e: Estimate) -> str:
    if e.lo is None or e.hi is None:
        return f"{e.estimate:+.3f}"
    return f"{e.estimate:+.3f} [{e.lo:+.3f}, {e.hi:+.3f}]"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@item("S4.3", "direction of the effect declared before the intervention", "declared+auto")
def direction_declared(ctx: AuditContext) -> tuple[Status, str]:
    ivs = _interventions(ctx)
    preds = {p.intervention: p for p in ctx.claim.predictions if p.intervention}
    if not ivs:
        if preds:
            names = ", ".join(sorted(k for k in preds if k))
            return "missing", f"prediction(s) name intervention(s) {names} that no study metrics file records"
        return _absent(ctx, "no intervention")
    problems, ok = [], []
    for iv in ivs:
        pred = preds.get(iv.name)
        if pred is None:
            problems.append(f"'{iv.name}' has no prediction in the claim")
            continue
        if pred.direction != iv.declared_direction:
            problems.append(
                f"'{iv.name}': claim predicts {pred.direction}, study declared {iv.declared_direction}"
            )
            continue
        declared = pred.declared_at or iv.declared_at
        if declared is not None and iv.performed_at is not None and _utc(declared) > _utc(iv.performed_at):
            problems.append(f"'{iv.name}': direction declared after the intervention ran")
            continue
        when = (
            "before the run"
            if declared is not None and iv.performed_at is not None
            else "(timing not recorded)"
        )
        ok.append(f"'{iv.name}' {iv.declared_direction} {when}")
    if problems:
        return "failed", "; ".join(problems)
    return "passed", "; ".join(ok)


@item("S4.4", "specificity: change on target vs change on off-target behaviour")
def specificity(ctx: AuditContext) -> tuple[Status, str]:
    ivs = _interventions(ctx)
    if not ivs:
        return _absent(ctx, "no intervention")
    problems: list[str] = []
    ok: list[str] = []
    for iv in ivs:
        if iv.off_target_delta is None:
            problems.append(f"'{iv.name}': no off-target delta reported")
            continue
        t, o = abs(iv.target_delta.estimate), abs(iv.off_target_delta.estimate)
        other = iv.off_target_metric or "other"
        text = (
            f"'{iv.name}': target {_est(iv.target_delta)}, off-target ({other}) {_est(iv.off_target_delta)}"
        )
        worse = _off_target_vs_random(iv, o)
        text += worse[1]
        (ok if t > 0 and o <= SPECIFICITY_RATIO * t and not worse[0] else problems).append(text)
    if problems:
        return ("missing" if all("no off-target" in p for p in problems) else "failed"), "; ".join(problems)
    return "passed", "; ".join(ok) + f" (off-target within {SPECIFICITY_RATIO:g} x target)"


def _off_target_vs_random(iv: Intervention, off: float) -> tuple[bool, str]:
    """Compare the off-target cost with that of the random interventions, when the record has them.

    Returns ``(worse, text)``: ``worse`` when the targeted intervention's off-target change exceeds every
    random intervention's (measured the same way), which makes its specificity a property of the norm.
    """
    rec = iv.record
    if rec is None or not rec.random_off_target or rec.off_target_baseline is None:
        return False, "; off-target cost of the random interventions not recorded"
    base = rec.off_target_baseline.k / rec.off_target_baseline.n if rec.off_target_baseline.n else 0.0
    costs = sorted(abs(c.k / c.n - base) for c in rec.random_off_target if c.n)
    if not costs:
        return False, "; off-target cost of the random interventions not recorded"
    median = costs[len(costs) // 2]
    text = f"; random interventions' off-target change: median {median:.3f}, max {costs[-1]:.3f}"
    return off > costs[-1] and off > 0, text


@item("S4.5", "random intervention of equal norm as baseline")
def random_baseline(ctx: AuditContext) -> tuple[Status, str]:
    ivs = _interventions(ctx)
    if not ivs:
        return _absent(ctx, "no intervention")
    problems: list[str] = []
    ok: list[str] = []
    for iv in ivs:
        r = iv.random_deltas
        if not r:
            problems.append(f"'{iv.name}': no random-direction deltas reported")
            continue
        if iv.record is None or len(iv.record.random) != len(r):
            problems.append(f"'{iv.name}': random deltas not backed by recorded counts")
            continue
        t = abs(iv.target_delta.estimate)
        as_large = sum(1 for d in r if abs(d) >= t)
        p = (1 + as_large) / (1 + len(r))
        biggest = max(abs(d) for d in r)
        text = f"'{iv.name}': |target| {t:.3f} vs {len(r)} random directions (max {biggest:.3f}); p = {p:.3f}"
        (ok if p <= RANDOM_ALPHA else problems).append(text)
    if problems:
        return ("missing" if all("no random-direction" in p for p in problems) else "failed"), "; ".join(
            problems
        )
    return "passed", "; ".join(ok)


def _observed(ctx: AuditContext, pred: Prediction) -> tuple[str, str] | None:
    """Return (observed direction, evidence text) for a prediction, or None when no outcome is known."""
    for iv in _interventions(ctx):
        if pred.intervention and iv.name == pred.intervention:
            return _direction(iv.target_delta), f"delta {_est(iv.target_delta)}"
    for m in ctx.metrics:
        for out in m.prediction_outcomes:
            if out.name == pred.name:
                return out.observed_direction, "reported by the study"
    comp = pred.comparison
    rows = comparison_rows(ctx, comp.factor) if comp is not None else None
    if comp is not None and rows is not None and f"{FACTOR_PREFIX}{comp.factor}" in rows.columns:
        from statsmodels.stats.proportion import confint_proportions_2indep

        col = rows[f"{FACTOR_PREFIX}{comp.factor}"]
        a = pooled_rate(rows[col == str(comp.treatment)], ctx.positive)
        b = pooled_rate(rows[col == str(comp.control)], ctx.positive)
        if a is None or b is None or not a.n or not b.n:
            return None
        lo, hi = confint_proportions_2indep(a.k, a.n, b.k, b.n, method="newcomb")
        est = Estimate(estimate=a.rate - b.rate, lo=float(lo), hi=float(hi))
        return _direction(est), f"{comp.factor} {comp.treatment} vs {comp.control}: {_est(est)} (Newcombe)"
    return None


def _direction(e: Estimate) -> str:
    if e.lo is not None and e.hi is not None and e.lo <= 0 <= e.hi:
        return "no_change"
    return "increase" if e.estimate > 0 else "decrease" if e.estimate < 0 else "no_change"


@item("S4.6", "falsifiable prediction stated and its outcome reported", "declared+auto")
def predictions(ctx: AuditContext) -> tuple[Status, str]:
    preds = ctx.claim.predictions
    if not preds:
        return "missing", "no pre-declared prediction"
    parts, pending = [], []
    for p in preds:
        seen = _observed(ctx, p)
        if seen is None:
            pending.append(p.name)
            continue
        if seen[0] == p.direction:
            verdict = "confirmed"
        elif seen[0] == "no_change":
            verdict = "not confirmed (interval includes zero)"
        else:
            verdict = "contradicted"
        parts.append(f"'{p.name}' predicted {p.direction}, observed {seen[0]} ({seen[1]}): {verdict}")
    known = {iv.name for iv in _interventions(ctx)}
    ghosts = [p.name for p in preds if p.intervention and p.intervention not in known]
    if ghosts:
        ghost = f"prediction(s) on an intervention no study recorded: {', '.join(ghosts)}"
        return "missing", "; ".join([*parts, ghost])
    if pending:
        return "declared", "; ".join([*parts, f"outcome not yet reported: {', '.join(pending)}"])
    return "passed", "; ".join(parts)


@item("S4.7", "failure cases and limitations listed", "declared")
def limitations(ctx: AuditContext) -> tuple[Status, str]:
    if not ctx.claim.limitations:
        return "missing", "no limitations listed"
    return "declared", f"{len(ctx.claim.limitations)} listed: " + "; ".join(ctx.claim.limitations)
