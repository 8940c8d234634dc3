"""The statement a claim's data supports: one sentence built from the graded rows and the audit only.

:func:`supported_statement` names the construct, the subject's rate (k of n, its interval), where the rows
come from (the claim's subject, its measure, the model) and the achieved level, e.g.
``L1 — backdoor completion: 46 of 48 samples (95.8 %, 95 % CI 86.0–99.3 %) in condition triggered;
measure backdoor_rate, model toy.`` It never copies the author's wording: a reader compares the two.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from assay.evidence._checklist import describe_selector
from assay.evidence._rates import kept_out
from assay.evidence._schema import AGGREGATED, N_NOT_REPORTED

if TYPE_CHECKING:
    from assay.evidence._audit import AuditResult
    from assay.evidence._claim import Claim
    from assay.evidence._summary import ConditionSummary

#: Confidence of the subject's interval (``summarize_subject`` computes it at alpha 0.05).
_CONFIDENCE = 95
_MAX_NAMED = 2


def _pct(x: float, unit: bool = True) -> str:
    return f"{100 * x:.1f}" + (" %" if unit else "")


def _named(values: list[str], what: str) -> str:
    """``a; b`` for up to two values, ``a; b and 3 more <what>`` beyond."""
    shown = "; ".join(values[:_MAX_NAMED])
    more = len(values) - _MAX_NAMED
    return shown + (f" and {more} more {what}" if more > 0 else "")


def _distinct(rows: pd.DataFrame, column: str) -> list[str]:
    if column not in rows.columns:
        return []
    return sorted({str(v) for v in rows[column] if str(v).strip() and str(v) != "nan"})


def _source_words(rows: pd.DataFrame | None) -> str:
    """`` from published counts (citation)`` for aggregated rows; ``""`` for unit rows."""
    if rows is None or "granularity" not in rows.columns:
        return ""
    agg = rows[
        (rows["granularity"].astype(str) == AGGREGATED) & (rows["outcome"].astype(str) != N_NOT_REPORTED)
    ]
    if agg.empty:
        return ""
    published = "source" in agg.columns and (agg["source"].astype(str) == "publication").all()
    kind = "published counts" if published else "reported counts"
    partly = "partly " if len(agg) < len(rows) else ""
    cited = _named(_distinct(agg, "citation"), "sources")
    return f" {partly}from {kind}" + (f" ({cited})" if cited else "")


def _interval(r: ConditionSummary) -> str:
    """``95 % CI 86.0–99.3 %`` with the rule-of-three bound and the clustered interval where they apply."""
    text = f"{_CONFIDENCE} % CI {_pct(r.lo, unit=False)}–{_pct(r.hi)}"
    if r.rule_of_three_hi is not None:
        text += f"; 0 events: at most {_pct(r.rule_of_three_hi)} (rule of three)"
    if r.design_effect > 1 and r.lo_clustered is not None and r.hi_clustered is not None:
        clustered = f"{_pct(r.lo_clustered, unit=False)}–{_pct(r.hi_clustered)}"
        if clustered != f"{_pct(r.lo, unit=False)}–{_pct(r.hi)}":  # equal to one decimal: said once
            text += f"; clustered by prompt {clustered}"
    return text


def _rates_without_n(rows: pd.DataFrame | None) -> str:
    """``published rate 95.8 % (n not public)`` for the rows that give a rate but no n; ``""`` when none."""
    if rows is None or "value" not in rows.columns:
        return ""
    bare = rows[rows["outcome"].astype(str) == N_NOT_REPORTED]
    if bare.empty:
        return ""
    rates = ", ".join(_pct(float(v)) for v in bare["value"])
    notes = _named(_distinct(bare, "note"), "notes") or "n not reported"
    cited = _named(_distinct(bare, "citation"), "sources")
    plural = "s" if len(bare) > 1 else ""
    return f"published rate{plural} {rates} without n ({notes}; no interval)" + (
        f", {cited}" if cited else ""
    )


def _evidence(audit: AuditResult, rows: pd.DataFrame | None) -> str:
    """What the rows show: ``k of n samples (rate, interval)``, a rate without n, or that there is none."""
    r = audit.subject_rate
    bare = _rates_without_n(rows)
    if r is None:
        return bare or (
            "no graded rows (the evidence is study metrics only)" if audit.study_metrics else "no graded rows"
        )
    errors = {k: v for k, v in r.errors.items() if k != N_NOT_REPORTED}
    if r.n == 0:
        return (bare or "no valid sample") + (f" (kept out of n: {kept_out(errors)})" if errors else "")
    source = _source_words(rows)
    unit = "cases" if source and "partly" not in source else "samples"
    out = f"; {kept_out(errors)} not in n" if errors else ""
    text = f"{r.k} of {r.n} {unit} ({_pct(r.rate)}, {_interval(r)}{out}){source}"
    return text + (f"; also {bare}" if bare else "")


def _model(audit: AuditResult, rows: pd.DataFrame | None, claim: Claim) -> str:
    models = _distinct(rows, "model") if rows is not None else []
    if models:
        return models[0] if len(models) == 1 else f"{len(models)} models ({_named(models, 'models')})"
    if audit.subject_rate is not None and audit.subject_rate.model:
        return audit.subject_rate.model
    return claim.subject.model if claim.subject is not None and claim.subject.model else ""


def _where(claim: Claim) -> str:
    """``in condition triggered`` (the subject without its model, named apart), or ``over all rows``."""
    if claim.subject is None:
        return "over all rows"
    where = describe_selector(claim.subject.model_copy(update={"model": None}))
    return "over all rows" if where == "all rows" else f"in {where}"


def supported_statement(claim: Claim, audit: AuditResult, rows: pd.DataFrame | None = None) -> str:
    """One sentence saying what the claim's rows support, built from the rows and the audit only.

    The sentence names the achieved level, the construct (or the counted outcome), the subject's rate
    (k of n, its 95 % interval, the samples kept out of n), the subject, the measure and the model. Counts
    from an aggregated source say so and cite it; a published rate without n is given as such, with no
    interval. No word of ``claim.statement`` is used.

    Args:
        claim: The claim (its construct, decision rule, subject and measure).
        audit: The claim's audit (achieved level, the subject's rate).
        rows: The rows of the claim's subject (source, citation, rates without n); without them the
            sentence says only what the audit holds.

    Returns:
        The sentence, e.g. ``L1 — backdoor completion: 46 of 48 samples (95.8 %, 95 % CI 86.0–99.3 %) in
        condition triggered; measure backdoor_rate, model toy.``
    """
    level = audit.achieved_level + (", descriptive only" if audit.achieved_level == "L0" else "")
    if claim.construct_definition is not None:
        what = claim.construct_definition.name
    else:
        positive = claim.decision_rule.positive if claim.decision_rule else ["harmful"]
        what = f"outcome {' or '.join(positive)}"
    tail = [f"measure {claim.measure}"] if claim.measure else []
    model = _model(audit, rows, claim)
    tail += [f"model {model}"] if model else []
    return f"{level} — {what}: {_evidence(audit, rows)} {_where(claim)}" + (
        f"; {', '.join(tail)}." if tail else "."
    )
