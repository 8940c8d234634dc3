"""The report's first sections: the headline rate of each model, and a legend for levels and item states."""

from __future__ import annotations

from assay.evidence import STATUS_MEANING, ConditionSummary, EvidenceSummary, kept_out
from assay.report._engagement import WARN_BADGE, engagement_lines
from assay.report._model import ReportSection, ReportTable

#: What each evidence level supports (see the project's evidence design).
LEVEL_MEANING: dict[str, str] = {
    "L0": "not even L1: a behavioural item failed or is missing; the numbers are descriptive only",
    "L1": "behavioural: observed under a declared decision rule, with n, an interval and errors apart; "
    "supports 'the model produced X in setting S'",
    "L2": "functional: L1 and robust across paraphrases, generations, sampling settings, scenarios, "
    "contrasts and negative controls, with a validated judge; supports 'the model reliably does X under C'",
    "L3": "causal-mechanistic: L2 and a recorded targeted intervention that moves the behaviour more than "
    "random interventions of equal norm, with small off-target change; only L3 supports intent or "
    "mechanism words",
}


def _pct(x: float | None) -> str:
    return "n/a" if x is None or x != x else f"{100 * x:.1f} %"


def headline_text(c: ConditionSummary, confidence: int) -> str:
    """One model's headline: ``k/n = rate``, its interval and the clustered one when deff > 1.

    The samples kept out of n (errors, empty and invalid replies) follow in brackets, by category; with no
    valid sample at all the headline says so instead of printing a rate.
    """
    if c.n == 0:
        return f"0/0: no valid sample ({kept_out(c.errors) or 'no samples'})"
    text = f"{c.k}/{c.n} = {_pct(c.rate)}, {confidence} % {c.method} [{_pct(c.lo)}, {_pct(c.hi)}]"
    if c.design_effect > 1 and c.lo_clustered is not None and c.hi_clustered is not None:
        text += (
            f"; clustered by prompt [{_pct(c.lo_clustered)}, {_pct(c.hi_clustered)}] "
            f"(design effect {c.design_effect:.2f}, {c.n_prompts} prompts)"
        )
    if c.n_errors:
        text += f" ({kept_out(c.errors)} not in n)"
    return text


def headline_section(s: EvidenceSummary, pooled: bool = False) -> ReportSection:
    """The rate per task and model, never pooled across models; the clustered interval when deff > 1.

    Args:
        s: The evidence summary.
        pooled: The report has claims: the section follows them, titled as a rate pooled over every
            condition of the rows (each claim's own rate is in the claims table).
    """
    confidence = round(100 * (1 - s.alpha))
    models = sorted({c.model for c in s.overall})
    paras = [f"Behaviour counted: outcome in {{{', '.join(s.positive)}}}."]
    if pooled:
        paras.insert(
            0,
            f"Pooled over all rows: every condition ({len(s.conditions)}) of each task and model counted "
            "together, whatever the claims select; each claim's own rate is in the Claims table.",
        )
    if len(models) > 1:
        paras.append(f"{len(models)} models: each has its own rate below; no rate pools models.")
    paras += [f"{c.model} on {c.task}: {headline_text(c, confidence)}." for c in s.overall]
    engagement, warn = engagement_lines(s)
    if warn:
        paras.insert(0, engagement.pop(0))
    paras += engagement
    if any(c.design_effect > 1 for c in s.overall):
        paras.append(
            "Generations of one prompt are correlated, so the clustered interval (Wilson on n / design "
            "effect) is the one to quote; the plain interval treats every sample as independent."
        )
    paras += [f"Read from the logs: {n}." for n in s.notes]
    title = "Pooled rate over all rows" if pooled else "Headline"
    return ReportSection(
        id="headline",
        title=title,
        paragraphs=paras,
        badge=WARN_BADGE if warn else "",
        badge_kind="bad" if warn else "ok",
    )


def legend_section() -> ReportSection:
    """What L0-L3 and the five checklist statuses mean."""
    return ReportSection(
        id="legend",
        title="How to read the levels and checklist",
        paragraphs=[
            "A claim reaches a level when every item that level needs is passed or declared; not_applicable "
            "never counts, and an intervention counts only with the counts the engine recorded for it.",
        ],
        tables=[
            ReportTable(
                title="Evidence levels",
                columns=["level", "meaning"],
                rows=[[k, v] for k, v in LEVEL_MEANING.items()],
            ),
            ReportTable(
                title="Checklist item states",
                columns=["status", "meaning"],
                rows=[[k, v] for k, v in STATUS_MEANING.items()],
            ),
        ],
    )
