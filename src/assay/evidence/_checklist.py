"""The 34-item diagnostic checklist: item registry, evaluation context and shared helpers.

Each item is a function registered with :func:`item`; it receives an :class:`AuditContext` and returns a
status and a one-line reason. Statuses:

* ``passed`` — checked against the evidence and satisfied;
* ``failed`` — checked and not satisfied (the reason says why);
* ``declared`` — the claim states it, and nothing in the evidence could check it;
* ``not_applicable`` — the item does not apply to this claim (e.g. no model change); it never lifts a level;
* ``missing`` — the item applies but neither the claim nor the evidence supplies it.

Items that an evidence level needs are never ``not_applicable``: when the evidence makes an item vacuous
(no zero-event cell for S3.8) the item is ``passed`` with a reason that says so, because that was checked
against the logs. S3.4 and S3.5 are never vacuous: a rule classifies like a judge (``_items_classifier``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel

from assay.evidence._claim import Claim, Selector
from assay.evidence._metrics import StudyMetrics
from assay.evidence._schema import AGGREGATED, FACTOR_PREFIX, N_NOT_REPORTED
from assay.evidence._summary import EvidenceSummary

Status = Literal["passed", "failed", "declared", "not_applicable", "missing"]
ItemKind = Literal["auto", "declared", "declared+auto"]

#: Statuses that satisfy an item an evidence level needs (``not_applicable`` never does).
SATISFIED: frozenset[str] = frozenset({"passed", "declared"})

#: What each status means, for reports and legends.
STATUS_MEANING: dict[str, str] = {
    "passed": "checked against the logs or study metrics and satisfied",
    "failed": "checked and not satisfied; the reason says why",
    "declared": "stated in the claim file; nothing in the evidence could check it",
    "not_applicable": "does not apply to this claim; never counts towards a level",
    "missing": "applies, but neither the claim nor the evidence supplies it",
}


class ItemResult(BaseModel):
    """The verdict on one checklist item."""

    id: str
    section: str
    title: str
    kind: ItemKind
    status: Status
    reason: str


@dataclass
class AuditContext:
    """What the checklist items read.

    Every item is computed on the claim's own subject unless it is about the whole run (S1.3, the
    decision rule) or names its own rows (S2.6, negative controls; contrasts lift one factor of the subject).

    Attributes:
        claim: The claim.
        table: Tidy table of the claim's logs (``None`` when there are none).
        summary: :func:`assay.evidence.summarize` of ``subject`` (``None`` when it has no rows).
        subject: The rows the statement is about (all rows unless the claim has a ``subject``).
        positive: Outcome values counted as the behaviour.
        metrics: Study metrics files.
        achieved: Achieved level, set before the items that depend on it (S1.7) are evaluated.
    """

    claim: Claim
    table: pd.DataFrame | None
    summary: EvidenceSummary | None
    subject: pd.DataFrame | None
    positive: tuple[str, ...]
    metrics: list[StudyMetrics] = field(default_factory=list)
    achieved: str = "L0"

    def no_data(self) -> tuple[Status, str]:
        """The status of a data item with no rows: no logs at all, or a subject that selects none."""
        if self.table is None:
            return "missing", "no logs: the claim's evidence has not been produced or was not found"
        unreported = rate_without_n(self.subject)
        if unreported:
            return "missing", unreported
        if self.claim.subject is not None:
            where = describe_selector(self.claim.subject)
            cols = [str(c) for c in self.table.columns if str(c).startswith(FACTOR_PREFIX)]
            names = ", ".join(c[len(FACTOR_PREFIX) :] for c in cols) or "none"
            return "failed", f"the claim's subject ({where}) matches no row of the logs (factors: {names})"
        return "failed", "no rows"


@dataclass(frozen=True)
class ItemSpec:
    """A registered checklist item."""

    id: str
    section: str
    title: str
    kind: ItemKind
    check: Callable[[AuditContext], tuple[Status, str]]


SECTIONS = {
    "S1": "Framing",
    "S2": "Data",
    "S3": "Design and measurement",
    "S4": "Causal and mechanistic",
}

_REGISTRY: dict[str, ItemSpec] = {}


def item(
    item_id: str, title: str, kind: ItemKind = "auto"
) -> Callable[[Callable[[AuditContext], tuple[Status, str]]], Callable[[AuditContext], tuple[Status, str]]]:
    """Register a checklist item check under ``item_id`` (``S<section>.<n>``)."""

    def register(
        fn: Callable[[AuditContext], tuple[Status, str]],
    ) -> Callable[[AuditContext], tuple[Status, str]]:
        section = SECTIONS[item_id.split(".")[0]]
        _REGISTRY[item_id] = ItemSpec(item_id, section, title, kind, fn)
        return fn

    return register


def registered_items() -> list[ItemSpec]:
    """Return all registered items in checklist order (S1.1 ... S4.7)."""
    from assay.evidence import (  # noqa: F401
        _items_causal,
        _items_classifier,
        _items_design,
        _items_engagement,
        _items_framing,
    )

    def key(spec: ItemSpec) -> tuple[int, int]:
        sec, num = spec.id[1:].split(".")
        return int(sec), int(num)

    return sorted(_REGISTRY.values(), key=key)


#: Items computed on the claim's rows: ``missing`` when the source gives a rate without n.
DATA_ITEMS = frozenset(
    {"S1.4", "S2.1", "S2.2", "S2.3", "S2.4", "S2.5", "S2.6", "S2.7"}
    | {"S3.1", "S3.2", "S3.3", "S3.6", "S3.7", "S3.8", "S3.9", "S3.10"}
)

#: Items that need unit-level rows -> what they need; ``missing`` on aggregated (count-only) rows.
UNIT_LEVEL_ITEMS: dict[str, str] = {
    "S2.4": "the surface-cue regression",
    "S2.7": "storing a hash of every rendered prompt",
    "S3.1": "counting generations per prompt",
    "S3.2": "the between-paraphrase variance",
    "S3.3": "a sampling ablation (settings recorded per sample)",
    "S3.6": "a decision-rule sweep over per-sample scores",
    "S3.7": "an interval clustered by prompt",
}


def run_item(spec: ItemSpec, ctx: AuditContext) -> ItemResult:
    """Evaluate one item (count-only and rate-only rows first, see :data:`UNIT_LEVEL_ITEMS`)."""
    unreported = rate_without_n(ctx.subject) if spec.id in DATA_ITEMS else ""
    gap = aggregated_source(ctx.subject, UNIT_LEVEL_ITEMS[spec.id]) if spec.id in UNIT_LEVEL_ITEMS else None
    missing: tuple[Status, str] | None = ("missing", unreported) if unreported else gap
    status, reason = missing or spec.check(ctx)
    return ItemResult(
        id=spec.id, section=spec.section, title=spec.title, kind=spec.kind, status=status, reason=reason
    )


def aggregated_source(rows: pd.DataFrame | None, need: str) -> tuple[Status, str] | None:
    """``missing`` ("aggregated source") when ``rows`` include rows expanded from counts, else ``None``.

    Items that need unit-level data (``need``: generations per prompt, paraphrase variance, clustered
    intervals, the surface-cue regression, prompt hashes) call this first: a count-only source never passes
    them, and never crashes them.
    """
    if rows is None or rows.empty:
        return None
    agg = rows["granularity"].astype(str) == AGGREGATED
    if not agg.any():
        return None
    refs = sorted(set(rows.loc[agg, "source_ref"].astype(str)) - {""})
    where = f" ({', '.join(Path(r).name for r in refs[:3])})" if refs else ""
    return "missing", f"aggregated source{where}: only counts are given, and {need} needs unit-level rows"


def rate_without_n(rows: pd.DataFrame | None) -> str:
    """The reason an item cannot be computed when every row of ``rows`` is a published rate without n."""
    if rows is None or rows.empty or not (rows["outcome"].astype(str) == N_NOT_REPORTED).all():
        return ""
    notes = sorted(set(rows["note"].astype(str)) - {""})
    return "the source reports a rate without n" + (f" ({'; '.join(notes)})" if notes else "")


def select_rows(table: pd.DataFrame, selector: Selector | None) -> pd.DataFrame:
    """Return the rows of ``table`` that match ``selector`` (all rows for ``None``)."""
    if selector is None:
        return table
    mask = pd.Series(True, index=table.index)
    fields: tuple[tuple[str, str | None], ...] = (
        ("task", selector.task),
        ("model", selector.model),
        ("condition_id", selector.condition_id),
    )
    for col, wanted in fields:
        if wanted is not None:
            mask &= table[col].astype(str) == str(wanted)
    for name, value in selector.factors.items():
        col = f"{FACTOR_PREFIX}{name}"
        if col not in table.columns:
            return table.iloc[0:0]
        mask &= table[col].astype(str) == _text(value)
    return table[mask]


def comparison_rows(ctx: AuditContext, factor: str) -> pd.DataFrame | None:
    """Rows for a contrast on ``factor``: the claim's subject with its condition on ``factor`` lifted."""
    if ctx.table is None:
        return None
    subject = ctx.claim.subject
    if subject is not None and factor in subject.factors:
        others = {k: v for k, v in subject.factors.items() if k != factor}
        subject = subject.model_copy(update={"factors": others})
    return select_rows(ctx.table, subject)


def _text(value: object) -> str:
    """Factor values are stored as text; YAML booleans become ``True``/``False`` as Python prints them."""
    return str(value)


def describe_selector(selector: Selector) -> str:
    """Return a short text for a selector (``goal_type=none, urgency=none``)."""
    parts = [f"{k}={v}" for k, v in (("task", selector.task), ("model", selector.model)) if v]
    if selector.condition_id:
        parts.append(f"condition {selector.condition_id}")
    parts += [f"{k}={v}" for k, v in selector.factors.items()]
    return ", ".join(parts) or "all rows"


def pct(x: float | None) -> str:
    """Format a proportion as a percentage with one decimal."""
    if x is None or x != x:
        return "n/a"
    return f"{100 * x:.1f} %"


@dataclass(frozen=True)
class PooledRate:
    """The pooled rate of a set of rows (errors excluded from ``n``)."""

    n: int
    k: int
    n_errors: int
    rate: float
    lo: float
    hi: float
    design_effect: float
    n_prompts: int


def pooled_rate(rows: pd.DataFrame, positive: tuple[str, ...]) -> PooledRate | None:
    """Return the Wilson rate of ``rows`` pooled into one cell, or ``None`` when there are no rows."""
    from assay.evidence._rates import condition_rates

    if rows.empty:
        return None
    r = condition_rates(rows.assign(_all="all"), positive, ["_all"]).iloc[0]
    return PooledRate(
        n=int(r["n"]),
        k=int(r["k"]),
        n_errors=int(r["n_errors"]),
        rate=float(r["rate"]),
        lo=float(r["lo"]),
        hi=float(r["hi"]),
        design_effect=float(r["design_effect"]),
        n_prompts=int(r["n_clusters"]),
    )
