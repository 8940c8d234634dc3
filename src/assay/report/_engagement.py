"""The report's engagement lines: the engaged-only rate beside the raw rate, and the warning.

The numbers come from :func:`assay.evidence.engagement_split`; nothing is computed here.
"""

from __future__ import annotations

from assay.evidence import ConditionSummary, EngagementSplit, EvidenceSummary, engagement_split

#: Badge of a section whose samples mostly did not engage.
WARN_BADGE = "most samples did not engage"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _line(c: ConditionSummary, e: EngagementSplit) -> str:
    raw = f"raw {e.raw.k}/{e.raw.n} = {_pct(e.raw.rate)} [{_pct(e.raw.lo)}, {_pct(e.raw.hi)}]"
    eng = (
        f"engaged only {e.engaged.k}/{e.engaged.n} = {_pct(e.engaged.rate)} "
        f"[{_pct(e.engaged.lo)}, {_pct(e.engaged.hi)}]"
        if e.engaged is not None
        else "engaged only: no sample engaged"
    )
    return (
        f"{c.model} on {c.task}: {e.n_not_engaged} of {e.n} samples did not engage "
        f"({_pct(e.share_engaged)} engaged); {raw}; {eng}."
    )


def engagement_lines(s: EvidenceSummary) -> tuple[list[str], bool]:
    """The engagement paragraphs of the rate sections, warning first; and whether to warn.

    Empty when no sample of any task and model was scored ``not_engaged``.
    """
    splits = [
        (c, engagement_split(c.outcomes, s.positive[0] if s.positive else "harmful")) for c in s.overall
    ]
    found = [(c, e) for c, e in splits if e is not None]
    warn = [c for c, e in found if e.mostly_not_engaged]
    lines = [_line(c, e) for c, e in found]
    if warn:
        who = "; ".join(f"{c.model} on {c.task}" for c in warn)
        lines.insert(
            0,
            f"WARNING: most samples did not engage with the scenario ({who}). A rate from samples that "
            "never engaged is not evidence of safety: the model may not have been able to act at all. Quote "
            "the engaged-only rate with its n, and see checklist item S3.13.",
        )
    return lines, bool(warn)
