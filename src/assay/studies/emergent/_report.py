"""The study's outputs: metrics.json, metrics-causal.json, audited claims and report.html.

Two metrics files because the checklist reads every intervention of a metrics file as part of the claim:
the behavioural claims cite ``metrics.json`` (no interventions), the causal claim ``metrics-causal.json``
(the same blocks plus the two interventions).
"""

from __future__ import annotations

from pathlib import Path

from assay.engine.outputs import StudyEvidence, input_hashes, write_study_outputs
from assay.evidence import (
    BenignShift,
    Capability,
    Count,
    Intervention,
    RuleVariantResult,
    StudyMetrics,
    record_intervention,
)
from assay.models._record import model_record
from assay.studies.emergent._analysis import analyse, declared_rule
from assay.studies.emergent._claims import emergent_claims
from assay.studies.emergent._config import EmergentConfig
from assay.studies.emergent._evidence import FORCED_CHOICE, JUDGED, evidence_table
from assay.studies.emergent._figures import ArmSummary, EmergentAnalysis
from assay.studies.emergent._pipeline import BASE
from assay.studies.emergent._report_sections import sections
from assay.studies.emergent._results import EmergentRun

CAUSAL_METRICS_FILE = "metrics-causal.json"


def _count(fig: ArmSummary) -> Count:
    return Count(k=fig.share.k, n=fig.share.n)


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


def study_metrics(cfg: EmergentConfig, run: EmergentRun, a: EmergentAnalysis) -> StudyMetrics:
    """The behavioural metrics (no interventions), and the analysis under ``extra``."""
    fc, cap = a.figures.forced_choice, a.figures.capability
    fc_variants = [
        RuleVariantResult(rule=f"forced choice, {r.rule}", rate=r.rates["harmful"], n=r.n["harmful"])
        for r in a.forced_choice_rules.variants
    ]
    judged_variants = [
        RuleVariantResult(rule=f"free text, {v.judge}: {v.rule}", rate=v.rate, n=v.n)
        for v in a.judged["harmful"].sensitivity.variants
        if v.n
    ]
    return StudyMetrics(
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
        decision_rule_sensitivity=fc_variants + judged_variants,
        extra={
            "config": cfg.model_dump(mode="json"),
            **a.model_dump(),
            "declaration": run.direction.model_dump(mode="json", exclude={"vector"}),
            "timings": run.timings,
        },
    )


def write_emergent_outputs(cfg: EmergentConfig, run: EmergentRun, out: Path) -> tuple[Path, Path]:
    """Write both metrics files, the claim files and ``report.html``; return (metrics path, report path).

    Every claim is audited on the rows of its own measure (judged free text or forced choice) of the one
    evidence table (``evidence/table.parquet``, see :mod:`._evidence`); the audits are added to
    ``metrics.json`` under ``extra.claims``.
    """
    a = analyse(cfg, run)
    metrics = study_metrics(cfg, run, a)
    causal_metrics = metrics.model_copy(deep=True)
    causal_metrics.interventions = _interventions(run)
    table = evidence_table(cfg, run, declared_rule(cfg))
    fc, ft = (table[table["measure"] == m] for m in (FORCED_CHOICE, JUDGED))
    inputs = input_hashes(cfg.model_dump(mode="json"), cfg.model)
    return write_study_outputs(
        out,
        metrics,
        lambda path: (emergent_claims(cfg, run, fc, ft, path, out / CAUSAL_METRICS_FILE), []),
        StudyEvidence(table=table, inputs=inputs),
        sections(cfg, run, a),
        f"Emergent-misalignment study on {cfg.model}",
        extra_metrics={CAUSAL_METRICS_FILE: causal_metrics},
        model=model_record(cfg.model, cfg.device, cfg.dtype),
    )
